"""ChatHunyuan.with_structured_output: every method, schema kind and catalogue default."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.exceptions import OutputParserException
from langchain_core.messages import AIMessage
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from hunyuan_tokenhub import InvalidParameterError, get_model_info
from hunyuan_tokenhub._thinking import forced_tool_choice_allowed
from hunyuan_tokenhub.emulator import TokenHubEmulator
from langchain_hunyuan import ChatHunyuan
from tests.langchain._support import last_body
from tests.multi_turn_cases import CASES, build_quietly

MakeLLM = Callable[..., ChatHunyuan]
PROMPT = "Tell me a joke about cats. Reply with JSON keys 'setup' and 'punchline'."


class Joke(BaseModel):
    """Joke to tell user."""

    setup: str = Field(description="question to set up a joke")
    punchline: str = Field(description="answer to resolve the joke")


class JokeDict(TypedDict):
    """Joke to tell user."""

    setup: str
    punchline: str


JOKE_SCHEMA: dict[str, Any] = {
    "title": "joke",
    "description": "Joke to tell user.",
    "type": "object",
    "properties": {"setup": {"type": "string"}, "punchline": {"type": "string"}},
    "required": ["setup", "punchline"],
}


@pytest.mark.parametrize(("model", "thinking"), CASES)
def test_default_method_works_on_every_model(
    make_llm: MakeLLM, emulator: TokenHubEmulator, model: str, thinking: bool | None
) -> None:
    llm = build_quietly(make_llm, model=model, thinking=thinking)
    joke = llm.with_structured_output(Joke).invoke(PROMPT)
    assert isinstance(joke, Joke) and joke.setup and joke.punchline
    body = last_body(emulator)
    info = get_model_info(model)
    assert info.structured_output_method == "function_calling"
    # While thinking may be on, the gateway takes only tool_choice auto/none.
    expected = (
        {"type": "function", "function": {"name": "Joke"}}
        if forced_tool_choice_allowed(info, thinking)
        else "auto"
    )
    assert body["tool_choice"] == expected
    assert [t["function"]["name"] for t in body["tools"]] == ["Joke"]


@pytest.mark.parametrize(
    ("schema", "expected_type"), [(Joke, Joke), (JokeDict, dict), (JOKE_SCHEMA, dict)]
)
@pytest.mark.parametrize("method", ["function_calling", "json_mode", "json_schema"])
def test_methods_and_schema_kinds(
    make_llm: MakeLLM,
    emulator: TokenHubEmulator,
    schema: Any,
    expected_type: type,
    method: str,
) -> None:
    result = make_llm().with_structured_output(schema, method=method).invoke(PROMPT)
    assert isinstance(result, expected_type)
    parsed = result if isinstance(result, dict) else result.model_dump()
    assert set(parsed) == {"setup", "punchline"}
    body = last_body(emulator)
    if method == "function_calling":
        assert "response_format" not in body and len(body["tools"]) == 1
    elif method == "json_mode":
        assert body["response_format"] == {"type": "json_object"} and "tools" not in body
    else:
        response_format = body["response_format"]
        assert response_format["type"] == "json_schema"
        assert response_format["json_schema"]["schema"]["required"] == ["setup", "punchline"]
        assert response_format["json_schema"]["name"] in ("Joke", "JokeDict", "joke")


def test_strict_is_forwarded(make_llm: MakeLLM, emulator: TokenHubEmulator) -> None:
    make_llm().with_structured_output(Joke, method="json_schema", strict=True).invoke(PROMPT)
    assert last_body(emulator)["response_format"]["json_schema"]["strict"] is True
    make_llm().with_structured_output(Joke, method="function_calling", strict=True).invoke(PROMPT)
    assert last_body(emulator)["tools"][0]["function"]["strict"] is True


def test_include_raw(make_llm: MakeLLM) -> None:
    result = make_llm().with_structured_output(Joke, include_raw=True).invoke(PROMPT)
    assert isinstance(result["raw"], AIMessage)
    assert isinstance(result["parsed"], Joke)
    assert result["parsing_error"] is None


def test_include_raw_reports_parsing_errors_instead_of_raising(make_llm: MakeLLM) -> None:
    class Strict(BaseModel):
        """Needs a number."""

        count: int

    # json_mode answers with the quoted keys of the prompt, so "count" gets a string.
    result = (
        make_llm()
        .with_structured_output(Strict, method="json_mode", include_raw=True)
        .invoke("Reply with JSON key 'count'.")
    )
    assert result["parsed"] is None
    assert result["parsing_error"] is not None
    assert isinstance(result["raw"], AIMessage)


async def test_async_and_streamed_structured_output(make_llm: MakeLLM) -> None:
    structured = make_llm().with_structured_output(Joke)
    joke = await structured.ainvoke(PROMPT)
    streamed = list(structured.stream(PROMPT))
    assert streamed[-1] == joke
    assert [j async for j in structured.astream(PROMPT)][-1] == joke


def test_bad_arguments_fail_clearly(make_llm: MakeLLM) -> None:
    llm = make_llm()
    with pytest.raises(InvalidParameterError, match="strict"):
        llm.with_structured_output(Joke, method="json_mode", strict=True)
    with pytest.raises(InvalidParameterError, match="method") as caught:
        llm.with_structured_output(Joke, method="xml")  # type: ignore[arg-type]
    assert "json_schema" in str(caught.value)
    with pytest.raises(InvalidParameterError, match="schema"):
        llm.with_structured_output(None)


THINKING = "hunyuan-2.0-thinking-20251109"


def test_unforced_structured_output_reads_json_text_when_no_tool_is_called(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    answer = {
        "setup": "Why did the cat sit on the laptop?",
        "punchline": "To keep an eye on the mouse.",
    }
    body = {
        "id": "r1",
        "model": THINKING,
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": "```json\n" + json.dumps(answer) + "\n```",
                    "reasoning_content": "A tool is optional; I will answer directly.",
                },
                "finish_reason": "stop",
            }
        ],
    }
    emulator.faults.add(route="/v1/chat/completions", status=200, times=1, body=body)
    joke = make_llm(model=THINKING).with_structured_output(Joke).invoke(PROMPT)
    assert joke == Joke(**answer)


@pytest.mark.parametrize("schema", [Joke, JokeDict], ids=["pydantic", "typeddict"])
def test_unforced_structured_output_finds_json_after_prose(
    make_llm: MakeLLM, emulator: TokenHubEmulator, schema: type
) -> None:
    # Found by the core's json_object_from_text, which the LlamaIndex adapter uses too.
    answer = {"setup": "Why do cats purr?", "punchline": "Because they are purr-fect."}
    content = "Here is the joke you asked for: " + json.dumps(answer) + " Enjoy!"
    emulator.faults.add(
        route="/v1/chat/completions", status=200, times=1, body=_text_reply(content)
    )
    joke = make_llm(model=THINKING).with_structured_output(schema).invoke(PROMPT)
    assert joke == (Joke(**answer) if schema is Joke else answer)


def _text_reply(content: str) -> dict[str, Any]:
    message = {"role": "assistant", "content": content}
    return {
        "id": "r1",
        "model": THINKING,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
    }


def test_unforced_structured_output_with_json_not_matching_the_schema_fails_clearly(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    emulator.faults.add(
        route="/v1/chat/completions", status=200, times=1, body=_text_reply('{"setup": 1}')
    )
    with pytest.raises(OutputParserException, match="neither called Joke nor answered"):
        make_llm(model=THINKING).with_structured_output(Joke).invoke(PROMPT)


def test_unforced_structured_output_without_tool_or_json_fails_clearly(
    make_llm: MakeLLM, emulator: TokenHubEmulator
) -> None:
    emulator.faults.add(
        route="/v1/chat/completions", status=200, times=2, body=_text_reply("No joke today")
    )
    structured = make_llm(model=THINKING).with_structured_output(Joke)
    with pytest.raises(OutputParserException, match="no JSON object: 'No joke today'"):
        structured.invoke("hello there")
    raw = make_llm(model=THINKING).with_structured_output(Joke, include_raw=True).invoke("hello")
    assert raw["parsed"] is None and isinstance(raw["parsing_error"], OutputParserException)


def test_thinking_model_fills_a_schema_the_prompt_never_names(make_llm: MakeLLM) -> None:
    # The unforced schema tool is the only one offered: the emulator fills it from the prompt.
    class Person(BaseModel):
        """A person."""

        name: str
        age: int

    person = make_llm(model=THINKING).with_structured_output(Person).invoke("Alice is 30")
    assert person == Person(name="Alice", age=30)
