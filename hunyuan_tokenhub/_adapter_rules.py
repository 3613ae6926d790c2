"""What both adapters decide the same way, decided once here.

Each framework calls these where its own hook is (a pydantic validator, a tool's run method);
docs/DESIGN.md lists the differences that remain because the frameworks differ.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ._catalog import ReasoningPassback, get_model_info
from ._chat_request import build_chat_request
from ._exceptions import SharedLimitsUnavailableError, TokenHubError
from ._thinking import Notices, forced_tool_choice_allowed

__all__ = ["check_chat_settings", "is_tool_error", "required_tool_choice", "tool_errors"]

logger = logging.getLogger("hunyuan_tokenhub")


def check_chat_settings(
    model: str,
    params: Mapping[str, Any],
    *,
    thinking: bool | None,
    reasoning_passback: ReasoningPassback | None,
    extra_body: Mapping[str, Any] | None,
    notices: Notices,
) -> None:
    """Fail now, naming the bad setting, rather than at a chat model's first request.

    A request with one empty message is built from the model's settings, exactly as every call
    builds its own (nothing is sent): a bad ``temperature``, a ``thinking`` switch the model
    does not have or a malformed ``extra_body`` raises ``InvalidParameterError`` here.
    """
    build_chat_request(
        model,
        [{"role": "user", "content": ""}],
        dict(params),
        thinking=thinking,
        reasoning_passback=reasoning_passback,
        extra_body=dict(extra_body or {}),
        notices=notices,
    )


def required_tool_choice(model: str, thinking: bool | None, tool: str | None = None) -> str:
    """The ``tool_choice`` that makes ``model`` call ``tool`` (any tool when ``None``).

    The tool's name (or ``"required"``) where the model accepts a forced choice; ``"auto"``
    where it may be thinking and would refuse one: the caller then accepts the call's
    arguments answered as JSON text (:func:`~hunyuan_tokenhub.adapters.json_object_from_text`).
    """
    if forced_tool_choice_allowed(get_model_info(model), thinking):
        return tool if tool is not None else "required"
    logger.debug("%s may be thinking: a forced tool_choice is sent as 'auto'", model)
    return "auto"


def is_tool_error(error: BaseException) -> bool:
    """Whether a generation tool's failure goes back to the agent as a tool error.

    The core's errors and invalid values (an argument, a job handle) are: the agent reads what
    went wrong and may correct it. A store of shared limits that cannot be reached is not: it
    is the deployment's fault, for its developer, and is raised as it is.
    """
    return isinstance(error, (TokenHubError, ValueError)) and not isinstance(
        error, SharedLimitsUnavailableError
    )


@contextmanager
def tool_errors(as_tool_error: Callable[[Exception], Exception]) -> Iterator[None]:
    """Re-raise a failure of the block that :func:`is_tool_error` as ``as_tool_error(error)``
    (the framework's tool error, with the error as its cause); any other as it is."""
    try:
        yield
    except Exception as error:
        if not is_tool_error(error):
            raise
        raise as_tool_error(error) from error
