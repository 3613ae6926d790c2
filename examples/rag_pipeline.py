"""Retrieval-augmented answers over local documents: BM25 retrieval + ChatHunyuan (LangChain).

    pip install -e ".[examples]"
    python examples/rag_pipeline.py

The documents in ``examples/data/`` are split into paragraphs and indexed with BM25 (a real
lexical ranking, no embeddings needed); the best paragraphs go into the prompt with their file
names, and the model is asked to answer from them only and cite its sources.
"""

from __future__ import annotations

import re
from pathlib import Path

from _support import tokenhub_or_emulator
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnablePassthrough
from pydantic import PrivateAttr
from rank_bm25 import BM25Okapi

from langchain_hunyuan import ChatHunyuan

DATA_DIR = Path(__file__).parent / "data"
_TOKEN = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")


def tokenize(text: str) -> list[str]:
    """Lower-case words; model ids such as ``hy-3d-3.0`` stay whole."""
    return _TOKEN.findall(text.lower())


def load_paragraphs(directory: Path) -> list[Document]:
    """Every paragraph of every Markdown file, with its file name as ``source``."""
    paragraphs = []
    for path in sorted(directory.glob("*.md")):
        for block in path.read_text(encoding="utf-8").split("\n\n"):
            text = " ".join(line for line in block.splitlines() if not line.startswith("#"))
            if text.strip():
                paragraphs.append(
                    Document(page_content=text.strip(), metadata={"source": path.name})
                )
    return paragraphs


class BM25Retriever(BaseRetriever):
    """The ``k`` paragraphs with the best BM25 score for the query (none that share no word)."""

    documents: list[Document]
    k: int = 2
    _index: BM25Okapi = PrivateAttr()

    def model_post_init(self, context: object, /) -> None:
        self._index = BM25Okapi([tokenize(d.page_content) for d in self.documents])

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        scores = self._index.get_scores(tokenize(query))
        ranked = sorted(range(len(self.documents)), key=lambda i: scores[i], reverse=True)
        return [self.documents[i] for i in ranked[: self.k] if scores[i] > 0]


def format_context(documents: list[Document]) -> str:
    return "\n\n".join(f"[{d.metadata['source']}] {d.page_content}" for d in documents)


PROMPT = ChatPromptTemplate.from_messages(
    [
        (
            "system",
            "Answer the question using only the context below. Cite the file names in square "
            "brackets. If the context does not contain the answer, say you don't know.\n\n"
            "Context:\n{context}",
        ),
        ("human", "{question}"),
    ]
)


def main() -> None:
    retriever = BM25Retriever(documents=load_paragraphs(DATA_DIR), k=2)
    llm = ChatHunyuan(model="hunyuan-2.0-instruct-20251111", temperature=0)
    chain = (
        {"context": retriever | format_context, "question": RunnablePassthrough()}
        | PROMPT
        | llm
        | StrOutputParser()
    )
    for question in (
        "How long do image result URLs stay valid?",
        "What is the backup host of the international site?",
        "Which error code means the API key is invalid?",
    ):
        # Best match first; a file is named once even when several of its paragraphs match.
        sources = dict.fromkeys(d.metadata["source"] for d in retriever.invoke(question))
        print(f"\nQ: {question}\nRetrieved: {', '.join(sources)}\nA: ", end="")
        for piece in chain.stream(question):
            print(piece, end="", flush=True)
        print()


if __name__ == "__main__":
    with tokenhub_or_emulator():
        main()
