"""The core's typed errors as LangChain's standard model errors too.

LangChain 1.x defines provider-neutral exceptions in ``langchain_core.exceptions``
(``ModelRateLimitError``, ``ModelAuthenticationError``, ``ContextOverflowError``, ...), each with
an ``is_retryable`` flag that LangChain's retry middleware reads. Provider packages raise errors
that are both their own type and the standard one (langchain-anthropic's
``AnthropicContextOverflowError(anthropic.BadRequestError, ContextOverflowError)``), so
``except hunyuan_tokenhub.RateLimitError`` and ``except ModelRateLimitError`` both work.

Here the same holds for every error the core raises: :func:`standard_errors` turns the error
into an instance of a class that derives from both its core class and the matching LangChain
class (its attributes, message and traceback are kept). Older langchain-core releases without
these classes leave the errors as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from langchain_core import exceptions as lc_exceptions

from hunyuan_tokenhub import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ContextLengthExceededError,
    InternalServerError,
    ModelNotAvailableError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    StreamError,
    TokenHubError,
)

__all__ = ["standard_error", "standard_errors"]

# Core class -> name of the langchain_core.exceptions class; the first match wins, so a class
# comes before its base classes. A stream cut short or malformed is a server failure that a new
# request may not hit, like a 5xx.
_STANDARD_CLASS_NAMES: tuple[tuple[type[TokenHubError], str], ...] = (
    # A model id the key cannot use: TokenHub answers 400 400004 (no such model) or 403 403002
    # (not in the plan), what other providers report as 404.
    (ModelNotAvailableError, "ModelNotFoundError"),
    (ContextLengthExceededError, "ContextOverflowError"),
    (BadRequestError, "ModelInvalidRequestError"),
    (AuthenticationError, "ModelAuthenticationError"),
    (PermissionDeniedError, "ModelPermissionDeniedError"),
    (NotFoundError, "ModelNotFoundError"),
    (RateLimitError, "ModelRateLimitError"),
    (InternalServerError, "ModelAPIError"),
    (APITimeoutError, "ModelTimeoutError"),
    (APIConnectionError, "ModelConnectionError"),
    (StreamError, "ModelAPIError"),
    (APIStatusError, "ModelError"),
)

_ErrorT = TypeVar("_ErrorT", bound=BaseException)
_combined: dict[tuple[type[TokenHubError], str], type[TokenHubError]] = {}


def _combined_class(core_class: type[TokenHubError], standard_name: str) -> type[TokenHubError]:
    key = (core_class, standard_name)
    if key not in _combined:
        standard = getattr(lc_exceptions, standard_name, None)
        if standard is None or issubclass(core_class, standard):
            _combined[key] = core_class
        else:
            _combined[key] = type(
                core_class.__name__,
                (core_class, standard),
                {"__module__": core_class.__module__, "__qualname__": core_class.__qualname__},
            )
    return _combined[key]


def _standard_name(error: TokenHubError) -> str | None:
    for core_class, name in _STANDARD_CLASS_NAMES:
        if isinstance(error, core_class):
            return name
    return None


def standard_error(error: _ErrorT) -> _ErrorT:
    """Make ``error`` also an instance of LangChain's matching standard class; return it."""
    if not isinstance(error, TokenHubError):
        return error
    name = _standard_name(error)
    if name is not None:
        # A subclass of error's own class: everything that held for error still holds.
        error.__class__ = _combined_class(type(error), name)  # type: ignore[assignment]
    return error


@contextmanager
def standard_errors() -> Iterator[None]:
    """Re-raise any core error from the block as LangChain's matching standard error too."""
    try:
        yield
    except TokenHubError as error:
        raise standard_error(error)  # noqa: B904 - the same exception object, not a new one
