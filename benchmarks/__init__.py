"""Benchmarks of our clients against langchain-openai, LlamaIndex's OpenAILike and raw httpx.

Run ``python -m benchmarks.run`` (see ``benchmarks/README.md``); not part of the test suite.
"""
