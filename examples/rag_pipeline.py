"""Retrieval-augmented answers over local documents: HunyuanEmbeddings + ChatHunyuan (LangChain).

    pip install -e ".[examples]"
    python examples/rag_pipeline.py

The documents in ``examples/data/`` are split into paragraphs, embedded with TokenHub's
``kinfra-text-embedding-0.6b`` and kept in LangChain's ``InMemoryVectorStore``; the paragraphs
closest to the question go into the prompt with their file names, and the model is asked to
answer from them only and cite its sources.
"""

from __future__ import annotations

from pathlib import Path

from _support import tokenhub_or_emulator
from langchain_core.documents import Document
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnablePassthrough
from langchain_core.vectorstores import InMemoryVectorStore

from langchain_hunyuan import ChatHunyuan, HunyuanEmbeddings

DATA_DIR = Path(__file__).parent / "data"


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
    # One embeddings request per 128 paragraphs; the store keeps the vectors in memory.
    store = InMemoryVectorStore.from_documents(load_paragraphs(DATA_DIR), HunyuanEmbeddings())
    retriever = store.as_retriever(search_kwargs={"k": 2})
    llm = ChatHunyuan(model="deepseek-v4-flash", temperature=0)
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
