"""``Hunyuan``: a LlamaIndex ``FunctionCallingLLM`` for every TokenHub text model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from llama_index.core.base.llms.generic_utils import (
    achat_to_completion_decorator,
    astream_chat_to_completion_decorator,
    chat_to_completion_decorator,
    stream_chat_to_completion_decorator,
)
from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseAsyncGen,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseAsyncGen,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
    ToolCallBlock,
)
from llama_index.core.bridge.pydantic import (
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
)
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from llama_index.core.llms.function_calling import FunctionCallingLLM
from llama_index.core.llms.llm import ToolSelection
from llama_index.core.rate_limiter import BaseRateLimiter
from typing_extensions import Self

from hunyuan_tokenhub.adapters import (
    ChatConnectionFields,
    Notices,
    RateLimiter,
    ReasoningPassback,
    build_chat_request,
    check_chat_settings,
    format_tool_call,
    get_model_info,
    json_object_from_text,
    normalize_tool_choice,
    required_tool_choice,
    tool_names,
)

from ._messages import (
    chat_response_from_completion,
    to_openai_message_dicts,
    to_openai_tools,
    tool_selections_from_message,
)
from ._stream import ChatStreamAssembler

if TYPE_CHECKING:
    from llama_index.core.tools.types import BaseTool


DEFAULT_MODEL = "deepseek-v4-flash"


class _TurnTaker(BaseRateLimiter):
    """A LangChain-style limiter (``acquire``/``aacquire``, e.g. ``RedisRateLimiter``) as the
    limiter LlamaIndex calls before each request."""

    def __init__(self, limiter: RateLimiter) -> None:
        self.limiter = limiter

    def acquire(self, num_tokens: int = 0) -> None:
        self.limiter.acquire()

    async def async_acquire(self, num_tokens: int = 0) -> None:
        await self.limiter.aacquire()


class Hunyuan(ChatConnectionFields, FunctionCallingLLM):
    """LlamaIndex LLM for Tencent TokenHub: Hunyuan, DeepSeek, GLM, Kimi and MiniMax models.

    Setup: ``pip install "hunyuan-tokenhub[llama-index]"`` and set ``TOKENHUB_API_KEY`` (or
    ``HUNYUAN_API_KEY``); no other vendor's key is ever read.

    Example:
        .. code-block:: python

            from llama_index.core.llms import ChatMessage
            from llama_index_hunyuan import Hunyuan

            llm = Hunyuan(model="deepseek-v4-flash", temperature=0.3)
            print(llm.complete("计算 1+1").text)

            for chunk in llm.stream_chat([ChatMessage(role="user", content="Write a haiku")]):
                print(chunk.delta, end="")

    With tools (``FunctionAgent``, ``chat_with_tools``, ``structured_predict``) it uses TokenHub
    function calling; parallel calls and ``tool_required``/``tool_choice`` are supported.
    Thinking models (``kimi-k2.6``, ``deepseek-v4-pro``, ``minimax-m2.7``...) give their
    reasoning as a ``ThinkingBlock`` and, while streaming, as ``additional_kwargs
    ["thinking_delta"]``; it is sent back per the model's rule in the model data
    (``reasoning_passback``). ``thinking`` switches the thinking mode and ``reasoning_effort``
    sets its depth. Token usage (with cached and reasoning tokens) is in
    ``response.additional_kwargs`` and ``response.raw["usage"]``, for streams on the last chunk.

    ``rate_limiter`` takes LlamaIndex's limiters and LangChain's, such as
    ``langchain_hunyuan.RedisRateLimiter`` whose budget every worker process shares.

    Only parameters you set are sent (``temperature``, ``parallel_tool_calls``...). Other
    request fields go in ``additional_kwargs`` (merged into the body; an ``"extra_body"`` key
    there is unwrapped, as with OpenAI-style clients) or ``extra_body``.

    The connection settings (``api_key``, ``base_url``/``api_base``, ``region``, ``timeout``,
    ``max_retries``, ``failover_cooldown``, ``stream_idle_timeout``, ``http_client``,
    ``async_http_client``...) are every adapter class's, under the same names, or all at once
    as ``settings=resolve_settings(...)``.
    """

    model: str = Field(
        default=DEFAULT_MODEL,
        description="A documented TokenHub model id or a custom service id ep-xxxxxxxx.",
    )
    temperature: float | None = Field(default=None, description="Sent only when set; [0, 2].")
    top_p: float | None = Field(default=None, description="Sent only when set; [0, 1].")
    max_tokens: int | None = Field(
        default=None,
        alias="max_completion_tokens",
        description="Maximum output tokens, sent under the name the model wants.",
    )
    stop: list[str] | str | None = Field(default=None, description="Up to 4 stop sequences.")
    seed: int | None = Field(default=None, description="Sampling seed.")
    stream_usage: bool = Field(
        default=True, description="Ask for token usage in streams (stream_options)."
    )
    parallel_tool_calls: bool | None = Field(
        default=None, description="Sent with tools only when set."
    )
    strict: bool | None = Field(
        default=None, description="Strict tool schemas; sent only when set."
    )
    additional_kwargs: dict[str, Any] = Field(
        default_factory=dict, description="Further request-body fields for every request."
    )
    extra_body: dict[str, Any] | None = Field(
        default=None, description="Merged into the request body last and verbatim."
    )
    context_window: int | None = Field(
        default=None,
        description="Override the catalogue's context window (e.g. for an ep-... service).",
    )
    is_function_calling_model: bool | None = Field(
        default=None, description="Override whether agents offer the model tools."
    )
    is_chat_model: Literal[True] = Field(
        default=True,
        description="Always True (TokenHub has no legacy completions endpoint); accepted so "
        "that OpenAILike settings carry over.",
    )
    thinking: bool | None = Field(
        default=None,
        description="Thinking mode: None keeps the model's default, True/False switch it (per "
        "call too); turning off a model that always thinks fails early.",
    )
    reasoning_effort: str | None = Field(
        default=None,
        description="none, minimal, low, medium, high or xhigh (checked before sending).",
    )
    reasoning_passback: ReasoningPassback | None = Field(
        default=None, description="Override the model's reasoning pass-back rule."
    )

    # A misspelt setting must fail, not be silently ignored.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("rate_limiter")
    @classmethod
    def _limiter_llama_index_calls(cls, limiter: Any) -> Any:
        """LlamaIndex's own limiters as they are; LangChain's (``RedisRateLimiter``, shared by
        many workers) adapted, so both frameworks' models can share one budget."""
        if limiter is None or isinstance(limiter, BaseRateLimiter):
            return limiter
        if isinstance(limiter, RateLimiter):
            return _TurnTaker(limiter)
        raise ValueError(
            "rate_limiter: expected a LlamaIndex rate limiter (acquire/async_acquire) or a "
            f"LangChain one such as RedisRateLimiter (acquire/aacquire), got {type(limiter)!r}"
        )

    _notices: Notices = PrivateAttr(default_factory=Notices)

    # A bad setting raises the core's ConfigurationError/InvalidParameterError, as LlamaIndex
    # code catches them, rather than pydantic's ValidationError.
    CONNECT_IN_VALIDATION: ClassVar[bool] = False

    def __init__(self, model: str = DEFAULT_MODEL, **kwargs: Any) -> None:
        kwargs["model"] = model
        super().__init__(**kwargs)
        self.connect()

    def check_settings(self) -> None:
        body, extra_body = self._body_defaults()
        check_chat_settings(
            self.model,
            body,
            thinking=self.thinking,
            reasoning_passback=self.reasoning_passback,
            extra_body=extra_body,
            notices=self._notices,
        )

    @classmethod
    def class_name(cls) -> str:
        return "Hunyuan_LLM"

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A new instance with ``update`` applied and validated.

        The copy builds its own core clients (a changed ``base_url`` or key takes effect) and
        shares your ``http_client``/``async_http_client`` and ``settings``.
        """
        return type(self)(**self.copy_fields(update, deep=deep))

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        return self.model_copy(deep=True)

    @property
    def metadata(self) -> LLMMetadata:
        info = get_model_info(self.model)
        return LLMMetadata(
            context_window=self.context_window or info.context_window,
            num_output=self.max_tokens or info.max_output_tokens,
            is_chat_model=True,
            is_function_calling_model=(
                info.supports_tools
                if self.is_function_calling_model is None
                else self.is_function_calling_model
            ),
            model_name=self.model,
            system_role=MessageRole.SYSTEM,
        )

    # ------------------------------------------------------------------------ requests

    def _body_defaults(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Instance-level body fields and extra body; ``None`` settings are never sent."""
        body = {
            "temperature": self.temperature,
            "top_p": self.top_p,
            "max_tokens": self.max_tokens,
            "stop": self.stop,
            "seed": self.seed,
            "reasoning_effort": self.reasoning_effort,
            **self.additional_kwargs,
        }
        extra_body = {**(body.pop("extra_body", None) or {}), **(self.extra_body or {})}
        return body, extra_body

    def _payload(
        self, messages: Sequence[ChatMessage], kwargs: dict[str, Any], *, stream: bool
    ) -> dict[str, Any]:
        body, extra_body = self._body_defaults()
        call_kwargs = dict(kwargs)
        extra_body.update(call_kwargs.pop("extra_body", None) or {})
        model = call_kwargs.pop("model", None) or self.model
        stream_usage = call_kwargs.pop("stream_usage", self.stream_usage)
        body.update(call_kwargs)
        if body.get("tools") and self.parallel_tool_calls is not None:
            body.setdefault("parallel_tool_calls", self.parallel_tool_calls)
        return build_chat_request(
            model,
            to_openai_message_dicts(messages),
            body,
            thinking=self.thinking,
            reasoning_passback=self.reasoning_passback,
            stream=stream,
            stream_usage=bool(stream_usage),
            extra_body=extra_body,
            notices=self._notices,
        )

    def _chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        payload = self._payload(messages, kwargs, stream=False)
        response = self.clients.sync().chat_completions(payload)
        return chat_response_from_completion(response, payload["model"])

    async def _achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        payload = self._payload(messages, kwargs, stream=False)
        response = await self.clients.for_running_loop().chat_completions(payload)
        return chat_response_from_completion(response, payload["model"])

    def _stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        # The payload is built (and validated) now, so bad input fails at the call, not at the
        # first iteration.
        payload = self._payload(messages, kwargs, stream=True)
        client = self.clients.sync()

        def gen() -> ChatResponseGen:
            assembler = ChatStreamAssembler(payload["model"])
            for chunk in client.stream_chat_completions(payload):
                response = assembler.feed(chunk)
                if response is not None:
                    yield response
            yield assembler.final()

        return gen()

    async def _astream_chat(
        self, messages: Sequence[ChatMessage], **kwargs: Any
    ) -> ChatResponseAsyncGen:
        payload = self._payload(messages, kwargs, stream=True)
        client = self.clients.for_running_loop()

        async def gen() -> ChatResponseAsyncGen:
            assembler = ChatStreamAssembler(payload["model"])
            async for chunk in client.stream_chat_completions(payload):
                response = assembler.feed(chunk)
                if response is not None:
                    yield response
            yield assembler.final()

        return gen()

    # -------------------------------------------------------------- LlamaIndex LLM API

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        return self._chat(messages, **kwargs)

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        return self._stream_chat(messages, **kwargs)

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return chat_to_completion_decorator(self._chat)(prompt, **kwargs)

    @llm_completion_callback()
    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        return stream_chat_to_completion_decorator(self._stream_chat)(prompt, **kwargs)

    @llm_chat_callback()
    async def achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        return await self._achat(messages, **kwargs)

    @llm_chat_callback()
    async def astream_chat(
        self, messages: Sequence[ChatMessage], **kwargs: Any
    ) -> ChatResponseAsyncGen:
        return await self._astream_chat(messages, **kwargs)

    @llm_completion_callback()
    async def acomplete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponse:
        return await achat_to_completion_decorator(self._achat)(prompt, **kwargs)

    @llm_completion_callback()
    async def astream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseAsyncGen:
        return await astream_chat_to_completion_decorator(self._astream_chat)(prompt, **kwargs)

    # --------------------------------------------------------------------------- tools

    def _prepare_chat_with_tools(
        self,
        tools: Sequence[BaseTool],
        user_msg: str | ChatMessage | None = None,
        chat_history: list[ChatMessage] | None = None,
        verbose: bool = False,
        allow_parallel_tool_calls: bool = False,
        tool_required: bool = False,
        tool_choice: Any = None,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """The ``chat()`` arguments for a tool-calling turn.

        ``tool_choice`` takes every form the core accepts (``"auto"``, ``"none"``,
        ``"required"``, a tool name, an OpenAI dict); ``tool_required=True`` means
        ``"required"``, except on models that reject a forced choice (thinking models), which
        get ``"auto"``. Without tools no ``tool_choice`` is sent at all. The caller's
        ``chat_history`` list is not modified.
        """
        messages = list(chat_history or [])
        if isinstance(user_msg, str):
            messages.append(ChatMessage(role=MessageRole.USER, content=user_msg))
        elif user_msg is not None:
            messages.append(user_msg)
        specs = to_openai_tools(tools, strict=self.strict if strict is None else strict)
        chat_kwargs: dict[str, Any] = {"messages": messages, **kwargs}
        if not specs:
            return chat_kwargs
        chat_kwargs["tools"] = specs
        choice = normalize_tool_choice(tool_choice, tool_names(specs))
        if choice is None and tool_required:
            choice = required_tool_choice(self.model, self.thinking)
        if choice is not None:
            chat_kwargs["tool_choice"] = choice
        return chat_kwargs

    def chat_with_tools(
        self,
        tools: Sequence[BaseTool],
        user_msg: str | ChatMessage | None = None,
        chat_history: list[ChatMessage] | None = None,
        verbose: bool = False,
        allow_parallel_tool_calls: bool = False,
        tool_required: bool = False,
        **kwargs: Any,
    ) -> ChatResponse:
        """``FunctionCallingLLM.chat_with_tools``; ``tool_required`` holds on every model.

        A model that rejects a forced ``tool_choice`` (thinking models) gets ``"auto"`` and
        may answer a required tool's arguments as JSON text; see ``_required_call``.
        """
        response = super().chat_with_tools(
            tools,
            user_msg,
            chat_history,
            verbose,
            allow_parallel_tool_calls,
            tool_required,
            **kwargs,
        )
        return self._required_call(response, tools) if tool_required else response

    async def achat_with_tools(
        self,
        tools: Sequence[BaseTool],
        user_msg: str | ChatMessage | None = None,
        chat_history: list[ChatMessage] | None = None,
        verbose: bool = False,
        allow_parallel_tool_calls: bool = False,
        tool_required: bool = False,
        **kwargs: Any,
    ) -> ChatResponse:
        """Async ``chat_with_tools``: ``tool_required`` holds on every model."""
        response = await super().achat_with_tools(
            tools,
            user_msg,
            chat_history,
            verbose,
            allow_parallel_tool_calls,
            tool_required,
            **kwargs,
        )
        return self._required_call(response, tools) if tool_required else response

    def _required_call(self, response: ChatResponse, tools: Sequence[BaseTool]) -> ChatResponse:
        """Make a reply to ``tool_required`` carry a tool call, or fail clearly.

        LlamaIndex requires a tool only for structured output (``structured_predict``,
        ``as_structured_llm``), always one: the output class's. A model that could not be
        forced to call it may answer its JSON in text instead; that object (found by the
        core's ``json_object_from_text``, as in ``ChatHunyuan``) becomes the tool's call, and
        a reply with neither raises ``ValueError`` quoting the text.
        """
        message = response.message
        if len(tools) != 1 or any(isinstance(b, ToolCallBlock) for b in message.blocks):
            return response
        name = tools[0].metadata.name or ""
        text = message.content or ""
        try:
            arguments = json_object_from_text(text)
        except ValueError as exc:
            raise ValueError(
                f"A call to {name} was required, but {self.model} answered neither the call "
                f"nor its arguments as JSON: {exc}"
            ) from exc
        message.blocks.append(ToolCallBlock(tool_name=name, tool_kwargs=arguments))
        message.additional_kwargs["tool_calls"] = [format_tool_call(None, name, arguments)]
        return response

    def _validate_chat_with_tools_response(
        self,
        response: ChatResponse,
        tools: Sequence[BaseTool],
        allow_parallel_tool_calls: bool = False,
        **kwargs: Any,
    ) -> ChatResponse:
        """Keep only the first tool call unless parallel calls were allowed.

        ``allow_parallel_tool_calls`` is enforced here rather than by sending
        ``parallel_tool_calls: false``, which not every model accepts.
        """
        if not allow_parallel_tool_calls:
            _keep_first_tool_call(response.message)
        return response

    def get_tool_calls_from_response(
        self,
        response: ChatResponse,
        error_on_no_tool_call: bool = True,
        **kwargs: Any,
    ) -> list[ToolSelection]:
        """The response's tool calls; partial JSON arguments of stream chunks are parsed too."""
        return tool_selections_from_message(
            response.message, error_on_no_tool_call=error_on_no_tool_call
        )


def _keep_first_tool_call(message: ChatMessage) -> None:
    calls = [block for block in message.blocks if isinstance(block, ToolCallBlock)]
    if len(calls) <= 1:
        return
    message.blocks = [b for b in message.blocks if not isinstance(b, ToolCallBlock)] + calls[:1]
    if message.additional_kwargs.get("tool_calls"):
        message.additional_kwargs["tool_calls"] = message.additional_kwargs["tool_calls"][:1]
