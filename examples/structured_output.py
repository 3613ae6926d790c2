"""Structured output: let ChatHunyuan fill a pydantic model, a TypedDict or a JSON schema.

    pip install -e ".[langchain]" && python examples/structured_output.py

``with_structured_output`` picks the method each model supports (from the model catalogue):
tool calling with a forced ``tool_choice`` on instruct models, unforced on thinking models, which
may reject a forced one. ``include_raw=True`` also returns the raw message, usage included.
"""

from __future__ import annotations

from typing import TypedDict

from _support import tokenhub_or_emulator
from pydantic import BaseModel, Field

from langchain_hunyuan import ChatHunyuan


class Recipe(BaseModel):
    """A recipe for one dish."""

    dish: str = Field(description="Name of the dish")
    servings: int = Field(description="How many people it feeds", ge=1)
    ingredients: list[str] = Field(description="Ingredients with quantities")
    minutes: int = Field(description="Total cooking time in minutes", ge=1)


class CityFacts(TypedDict):
    """Facts about a city."""

    city: str
    country: str
    population_millions: float


def main() -> None:
    question = "Give me a recipe for tomato and egg stir-fry for 2 people."
    for model in ("hy3", "kimi-k2.6"):
        llm = ChatHunyuan(model=model, temperature=0)
        recipe = llm.with_structured_output(Recipe).invoke(question)
        print(f"[{model}] Recipe object:", recipe.model_dump_json())

    llm = ChatHunyuan(model="deepseek-v3.2", temperature=0)
    answer = llm.with_structured_output(CityFacts, include_raw=True).invoke(
        "Tell me the city facts of Shenzhen."
    )
    facts: CityFacts = answer["parsed"]
    print("CityFacts dict:", facts)
    print("Tokens used:", answer["raw"].usage_metadata["total_tokens"])


if __name__ == "__main__":
    with tokenhub_or_emulator():
        main()
