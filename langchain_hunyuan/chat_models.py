"""``ChatHunyuan``: LangChain chat model for every TokenHub text model."""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any, ClassVar, cast

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import (
    BaseChatModel,
    LangSmithParams,
    LanguageModelInput,
    ModelProfile,
)
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.messages.utils import count_tokens_approximately
from langchain_core.output_parsers import (
    JsonOutputKeyToolsParser,
    JsonOutputParser,
    PydanticOutputParser,
    PydanticToolsParser,
)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableLambda, RunnableMap, RunnablePassthrough
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_function, convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
)
from typing_extensions import Self

from hunyuan_tokenhub import AsyncTokenHubClient, InvalidParameterError, TokenHubClient
from hunyuan_tokenhub.adapters import (
    ChatConnectionFields,
    ChatStreamNormalizer,
    Notices,
    ReasoningPassback,
    StructuredOutputMethod,
    build_chat_request,
    check_chat_settings,
    forced_tool_choice_allowed,
    get_model_info,
    json_object_from_text,
    normalize_tool_choice,
    parse_completion,
    required_tool_choice,
    tool_names,
)

from ._errors import standard_errors
from ._messages import completion_to_message, delta_to_chunk, final_chunk, messages_to_wire

DEFAULT_MODEL = "deepseek-v4-flash"
# LangChain's count_tokens_approximately default; TokenHub publishes no tokenizer.
_CHARS_PER_TOKEN = 4.0

_STRUCTURED_METHODS: tuple[StructuredOutputMethod, ...] = (
    "function_calling",
    "json_mode",
    "json_schema",
)


class ChatHunyuan(ChatConnectionFields, BaseChatModel):
    """Chat model for Tencent TokenHub: Hunyuan, DeepSeek, GLM, Kimi and MiniMax text models.

    Setup:
        ``pip install "hunyuan-tokenhub[langchain]"`` and set ``TOKENHUB_API_KEY`` (or
        ``HUNYUAN_API_KEY``). No other vendor's key is ever read.

    Example:
        .. code-block:: python

            from langchain_hunyuan import ChatHunyuan

            llm = ChatHunyuan(model="deepseek-v4-flash", temperature=0.3)
            print(llm.invoke("计算 1+1").content)

            for chunk in llm.stream("Write a haiku about rain"):
                print(chunk.content, end="")

            def get_weather(city: str) -> str:
                \"\"\"Get the weather of a city.\"\"\"
                return "sunny"

            reply = llm.bind_tools([get_weather]).invoke("北京今天天气怎么样?")
            print(reply.tool_calls)

    Thinking models (most of TokenHub's, see ``hunyuan-tokenhub models``) return their reasoning
    in ``additional_kwargs["reasoning_content"]`` and as a ``reasoning`` block in
    ``content_blocks``. ``thinking=True``/``False`` switches thinking mode where the model allows
    it; while it may be on, every tool-call turn carries its reasoning back and a forced
    ``tool_choice`` is sent as ``"auto"`` (``reasoning_passback`` overrides the first).

        .. code-block:: python

            from langchain_hunyuan import ChatHunyuan

            thinker = ChatHunyuan(model="kimi-k2.6", reasoning_effort="high")
            reply = thinker.invoke("9.11 和 9.8 哪个大?")
            print(reply.additional_kwargs.get("reasoning_content"), reply.content)
            print(thinker.invoke("Hi", thinking=False).content)  # this call without thinking

    The connection settings (``api_key``, ``base_url``, ``region``, ``timeout``,
    ``max_retries``, ``failover_cooldown``, ``stream_idle_timeout``, ``http_client``,
    ``async_http_client``...) are every adapter class's, under the same names, or all at once
    as ``settings=resolve_settings(...)`` (see ``hunyuan_tokenhub.adapters.ConnectionFields``).
    """

    # A misspelt setting fails instead of being ignored; API extras go in model_kwargs/extra_body.
    # Validation errors never echo the constructor's arguments: they include the API key.
    model_config = ConfigDict(
        populate_by_name=True,
        arbitrary_types_allowed=True,
        extra="forbid",
        hide_input_in_errors=True,
    )

    model_name: str = Field(default=DEFAULT_MODEL, alias="model")
    """A documented model id or a custom service id ``ep-xxxxxxxx``."""
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = Field(default=None, alias="max_completion_tokens")
    """Sent under the name the model wants (``max_tokens`` or ``max_completion_tokens``)."""
    stop: list[str] | str | None = Field(default=None, alias="stop_sequences")
    seed: int | None = None
    streaming: bool = False
    """Stream even for ``invoke`` (callbacks then receive every token)."""
    stream_usage: bool = True
    """Ask for token usage in streams (``stream_options.include_usage``)."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Further request parameters, merged into every request."""
    extra_body: dict[str, Any] | None = None
    """Merged into the request body last and verbatim, e.g. a model's ``thinking`` switch."""
    thinking: bool | None = None
    """Thinking mode: ``None`` keeps the model's default, ``True``/``False`` switch it (per call
    too: ``invoke(..., thinking=False)``); turning off a model that always thinks fails early."""
    reasoning_effort: str | None = None
    """How hard a thinking model reasons: ``none``, ``minimal``, ``low``, ``medium``, ``high``
    or ``xhigh`` (checked before sending)."""
    reasoning_passback: ReasoningPassback | None = None
    """Override the model's reasoning pass-back rule (see ``hunyuan_tokenhub.ThinkingSpec``)."""

    _notices: Notices = PrivateAttr(default_factory=Notices)

    # Resources a copy uses together with the original (a deep copy would duplicate a
    # connection pool or a rate limiter's lock, or fail on it).
    SHARED_ON_COPY: ClassVar[frozenset[str]] = ChatConnectionFields.SHARED_ON_COPY | {
        "rate_limiter",
        "cache",
        "callbacks",
    }

    def check_settings(self) -> None:
        check_chat_settings(
            self.model_name,
            {**self._default_params, **self.model_kwargs},
            thinking=self.thinking,
            reasoning_passback=self.reasoning_passback,
            extra_body=self.extra_body,
            notices=self._notices,
        )

    # ------------------------------------------------------------------ copies and pickles

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A new instance with ``update`` applied and validated, with its own core clients.

        A changed ``base_url``, ``api_key`` or ``timeout`` takes effect (pydantic's copy would
        keep this instance's clients and skip validation). Your ``http_client`` and
        ``async_http_client``, ``settings``, the rate limiter, cache and callbacks are shared;
        ``deep`` copies the other settings.
        """
        return type(self)(**self.copy_fields(update, deep=deep))

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        return self.model_copy(deep=True)

    def constructor_fields(self) -> dict[str, Any]:
        """The settings this instance was built with, by field name.

        A profile LangChain derived from the model is left out, so a copy for another model
        derives its own.
        """
        fields = super().constructor_fields()
        if "profile" in fields and fields["profile"] == self._resolve_model_profile():
            del fields["profile"]
        return fields

    # ------------------------------------------------------------------ LangChain metadata

    @property
    def _llm_type(self) -> str:
        return "hunyuan-chat"

    @property
    def lc_secrets(self) -> dict[str, str]:
        return {"api_key": "TOKENHUB_API_KEY"}

    @classmethod
    def is_lc_serializable(cls) -> bool:
        # dumpd/dumps work (the key becomes a TOKENHUB_API_KEY secret reference) and load()
        # works with allowed_objects=[ChatHunyuan], valid_namespaces=["langchain_hunyuan"];
        # langchain-core's built-in "all" allowlist only knows its own partner packages.
        return True

    @classmethod
    def get_lc_namespace(cls) -> list[str]:
        return ["langchain_hunyuan", "chat_models"]

    def _resolve_model_profile(self) -> ModelProfile | None:
        # From the core's model data; TokenHub documents no native structured output, so
        # agents use tool-based structured output.
        info = get_model_info(self.model_name)
        profile = ModelProfile(
            name=info.display_name or info.id,
            max_input_tokens=info.context_window,
            max_output_tokens=info.max_output_tokens,
            text_inputs=True,
            text_outputs=True,
            image_inputs=bool(info.chat and info.chat.image_inputs),
            reasoning_output=info.reasoning if self.thinking is None else self.thinking,
            tool_calling=info.supports_tools,
            tool_choice=forced_tool_choice_allowed(info, self.thinking),
            tool_call_streaming=info.supports_tools,
            structured_output=False,
        )
        # Keys an older langchain-core does not know would warn each time a model is built.
        known = ModelProfile.__annotations__
        return cast(ModelProfile, {k: v for k, v in profile.items() if k in known})

    @property
    def _default_params(self) -> dict[str, Any]:
        params = {
            "temperature": self.temperature,
            "top_p": self.top_p,
            "max_tokens": self.max_tokens,
            "stop": self.stop,
            "seed": self.seed,
            "reasoning_effort": self.reasoning_effort,
        }
        return {k: v for k, v in params.items() if v is not None}

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name, **self._default_params, **self.model_kwargs}

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = LangSmithParams(
            ls_provider="hunyuan",
            ls_model_name=kwargs.get("model") or self.model_name,
            ls_model_type="chat",
        )
        temperature = kwargs.get("temperature", self.temperature)
        if temperature is not None:
            params["ls_temperature"] = temperature
        max_tokens = kwargs.get("max_tokens", self.max_tokens)
        if max_tokens is not None:
            params["ls_max_tokens"] = max_tokens
        ls_stop = stop or kwargs.get("stop") or self.stop
        if ls_stop:
            params["ls_stop"] = [ls_stop] if isinstance(ls_stop, str) else list(ls_stop)
        return params

    # ------------------------------------------------------------------------- clients

    def _sync_client(self) -> TokenHubClient:
        return self.clients.sync()

    def _async_client(self) -> AsyncTokenHubClient:
        return self.clients.for_running_loop()

    # ------------------------------------------------------------------------ requests

    def _payload(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        kwargs: dict[str, Any],
        *,
        stream: bool,
    ) -> dict[str, Any]:
        model = kwargs.pop("model", None) or self.model_name
        stream_usage = kwargs.pop("stream_usage", self.stream_usage)
        extra_body = {**(self.extra_body or {}), **(kwargs.pop("extra_body", None) or {})}
        params = {**self._default_params, **self.model_kwargs, **kwargs}
        if stop is not None:
            params["stop"] = stop
        return build_chat_request(
            model,
            messages_to_wire(messages),
            params,
            thinking=self.thinking,
            reasoning_passback=self.reasoning_passback,
            stream=stream,
            stream_usage=bool(stream_usage),
            extra_body=extra_body,
            notices=self._notices,
        )

    @staticmethod
    def _chat_result(response: Mapping[str, Any], requested_model: str) -> ChatResult:
        completion = parse_completion(response, model=requested_model)
        message = completion_to_message(completion, requested_model)
        generation = ChatGeneration(
            message=message, generation_info={"finish_reason": completion.finish_reason}
        )
        return ChatResult(
            generations=[generation],
            llm_output={"model_name": message.response_metadata["model_name"], "id": completion.id},
        )

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        payload = self._payload(messages, stop, kwargs, stream=False)
        with standard_errors():
            response = self._sync_client().chat_completions(payload)
            return self._chat_result(response, payload["model"])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        payload = self._payload(messages, stop, kwargs, stream=False)
        with standard_errors():
            response = await self._async_client().chat_completions(payload)
            return self._chat_result(response, payload["model"])

    # LangChain's stream()/astream() fire on_llm_new_token for every chunk we yield, so the
    # stream methods below do not call the run manager themselves (that would double tokens).

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        payload = self._payload(messages, stop, kwargs, stream=True)
        normalizer = ChatStreamNormalizer(model=payload["model"])
        with standard_errors():
            for raw_chunk in self._sync_client().stream_chat_completions(payload):
                delta = normalizer.feed(raw_chunk)
                if delta is not None:
                    yield ChatGenerationChunk(message=delta_to_chunk(delta, normalizer.id))
        yield ChatGenerationChunk(message=final_chunk(normalizer, payload["model"]))

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        payload = self._payload(messages, stop, kwargs, stream=True)
        normalizer = ChatStreamNormalizer(model=payload["model"])
        with standard_errors():
            async for raw_chunk in self._async_client().stream_chat_completions(payload):
                delta = normalizer.feed(raw_chunk)
                if delta is not None:
                    yield ChatGenerationChunk(message=delta_to_chunk(delta, normalizer.id))
        yield ChatGenerationChunk(message=final_chunk(normalizer, payload["model"]))

    # -------------------------------------------------------------------- token counts

    def get_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None = None
    ) -> int:
        """Estimated prompt tokens of ``messages`` and ``tools`` (e.g. for ``trim_messages``).

        TokenHub publishes no tokenizer, so this is LangChain's ``count_tokens_approximately``
        (about 4 characters per token), with the tools' JSON schemas counted the same way;
        the exact count of a sent request is in ``usage_metadata``. Set
        ``custom_get_token_ids`` to count with a tokenizer of your own.
        """
        if self.custom_get_token_ids is not None:
            return super().get_num_tokens_from_messages(messages, tools)
        count = count_tokens_approximately(messages, chars_per_token=_CHARS_PER_TOKEN)
        if tools:
            schemas = json.dumps([convert_to_openai_tool(t) for t in tools], ensure_ascii=False)
            count += math.ceil(len(schemas) / _CHARS_PER_TOKEN)
        return count

    def get_num_tokens(self, text: str) -> int:
        """Estimated tokens of ``text``; see :meth:`get_num_tokens_from_messages`."""
        if self.custom_get_token_ids is not None:
            return super().get_num_tokens(text)
        return math.ceil(len(text) / _CHARS_PER_TOKEN)

    # --------------------------------------------------------------------------- tools

    def bind_tools(
        self,
        tools: Sequence[Mapping[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | bool | Mapping[str, Any] | None = None,
        parallel_tool_calls: bool | None = None,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools: LangChain tools, pydantic models, TypedDicts, functions or OpenAI dicts.

        ``tool_choice``: ``"auto"``, ``"none"``, ``"required"`` (or ``"any"``/``True``), a
        tool's name, or an OpenAI ``{"type": "function", "function": {"name": ...}}`` dict.
        ``parallel_tool_calls`` is sent only when given. Bad values raise
        ``InvalidParameterError`` here, before any request.
        """
        formatted = [convert_to_openai_tool(tool, strict=strict) for tool in tools]
        choice = normalize_tool_choice(tool_choice, tool_names(formatted))
        if choice is not None:
            kwargs["tool_choice"] = choice
        if parallel_tool_calls is not None:
            kwargs["parallel_tool_calls"] = parallel_tool_calls
        return super().bind(tools=formatted, **kwargs)

    def with_structured_output(
        self,
        schema: Mapping[str, Any] | type | None = None,
        *,
        method: StructuredOutputMethod | None = None,
        include_raw: bool = False,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, Any]:
        """Return a runnable whose output matches ``schema`` (pydantic, TypedDict or JSON schema).

        ``method`` defaults to the model's entry in the model data, so the default works on
        every model: ``function_calling`` binds the schema as a tool and forces it where a
        forced ``tool_choice`` is allowed (while thinking may be on, including unknown ids, the
        tool is offered with ``"auto"`` and a JSON answer in the text is accepted); ``json_mode``
        sends ``response_format={"type": "json_object"}`` (put the schema in your prompt);
        ``json_schema`` sends an OpenAI ``json_schema`` response format. With ``include_raw``
        the result is ``{"raw", "parsed", "parsing_error"}``.
        """
        if kwargs:
            raise InvalidParameterError("with_structured_output", f"unknown arguments {kwargs}")
        if schema is None:
            raise InvalidParameterError("schema", "a schema is required")
        info = get_model_info(self.model_name)
        method = method or info.structured_output_method
        if method not in _STRUCTURED_METHODS:
            raise InvalidParameterError("method", f"got {method!r}", allowed=_STRUCTURED_METHODS)
        is_pydantic = isinstance(schema, type) and is_basemodel_subclass(schema)
        trace_format = {"kwargs": {"method": method, "strict": strict}, "schema": schema}
        llm: Runnable[LanguageModelInput, Any]
        parser: Runnable[Any, Any]
        if method == "function_calling":
            tool = convert_to_openai_tool(schema, strict=strict)
            name = tool["function"]["name"]
            choice = required_tool_choice(self.model_name, self.thinking, name)
            forced = choice != "auto"
            llm = self.bind_tools(
                [tool],
                tool_choice=choice,
                ls_structured_output_format={**trace_format, "schema": tool},
            )
            tools_parser: Runnable[Any, Any] = (
                PydanticToolsParser(tools=[cast(Any, schema)], first_tool_only=True)
                if is_pydantic
                else JsonOutputKeyToolsParser(key_name=name, first_tool_only=True)
            )
            if forced:
                parser = tools_parser
            else:
                model = cast(type[BaseModel], schema) if is_pydantic else None
                parser = _tool_or_json_text(tools_parser, model, name)
        else:
            if method == "json_mode":
                if strict is not None:
                    raise InvalidParameterError(
                        "strict", "json_mode has no strict option", allowed=("None",)
                    )
                response_format: dict[str, Any] = {"type": "json_object"}
            else:
                response_format = _json_schema_format(schema, strict)
            llm = self.bind(
                response_format=response_format, ls_structured_output_format=trace_format
            )
            parser = (
                PydanticOutputParser(pydantic_object=cast(Any, schema))
                if is_pydantic
                else JsonOutputParser()
            )
        if not include_raw:
            return llm | parser
        parse = RunnablePassthrough.assign(
            parsed=itemgetter("raw") | parser, parsing_error=lambda _: None
        )
        no_parse = RunnablePassthrough.assign(parsed=lambda _: None)
        return RunnableMap(raw=llm) | parse.with_fallbacks(
            [no_parse], exception_key="parsing_error"
        )


def _tool_or_json_text(
    tools_parser: Runnable[Any, Any], model: type[BaseModel] | None, tool_name: str
) -> Runnable[AIMessage, Any]:
    """Parse the schema's tool call, or else the JSON object in the text.

    Used where the tool cannot be forced (thinking models): such a model may answer with the
    JSON as text instead of calling the tool; the core finds it (``json_object_from_text``,
    shared with the LlamaIndex adapter). With neither, ``OutputParserException`` is raised
    rather than ``None`` returned.
    """

    def parse(message: AIMessage) -> Any:
        parsed = tools_parser.invoke(message)
        if parsed is not None:
            return parsed
        try:
            data = json_object_from_text(message.text)
            return data if model is None else model.model_validate(data)
        except ValueError as exc:  # pydantic's ValidationError is a ValueError too
            raise OutputParserException(
                f"The model neither called {tool_name} nor answered with its JSON: {exc}",
                llm_output=message.text,
            ) from exc

    return RunnableLambda(parse)


def _json_schema_format(schema: Mapping[str, Any] | type, strict: bool | None) -> dict[str, Any]:
    function = convert_to_openai_function(schema, strict=strict)
    json_schema: dict[str, Any] = {
        "name": function["name"],
        "schema": function.get("parameters", {}),
    }
    if function.get("description"):
        json_schema["description"] = function["description"]
    if strict is not None:
        json_schema["strict"] = strict
    return {"type": "json_schema", "json_schema": json_schema}


__all__ = ["ChatHunyuan"]
