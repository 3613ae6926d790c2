"""Helpers shared by the LlamaIndex adapter tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from llama_index.core.instrumentation import get_dispatcher
from llama_index.core.instrumentation.event_handlers import BaseEventHandler
from llama_index.core.instrumentation.events import BaseEvent
from pydantic import Field

from hunyuan_tokenhub.emulator import TokenHubEmulator

API_KEY = "sk-llama-index-test-0123456789"


def chat_bodies(emulator: TokenHubEmulator) -> list[dict[str, Any]]:
    """The JSON bodies of the chat requests the emulator received, in order."""
    return [r.json for r in emulator.requests if r.path.endswith("/chat/completions")]


class EventRecorder(BaseEventHandler):
    """Keeps every instrumentation event the root dispatcher sends."""

    events: list[BaseEvent] = Field(default_factory=list)

    @classmethod
    def class_name(cls) -> str:
        return "EventRecorder"

    def handle(self, event: BaseEvent, **kwargs: Any) -> None:
        self.events.append(event)

    def names(self) -> list[str]:
        return [type(event).__name__ for event in self.events]


@contextmanager
def recording_events() -> Iterator[EventRecorder]:
    """Record the dispatcher's events while the block runs."""
    dispatcher = get_dispatcher()
    recorder = EventRecorder()
    dispatcher.add_event_handler(recorder)
    try:
        yield recorder
    finally:
        dispatcher.event_handlers.remove(recorder)
