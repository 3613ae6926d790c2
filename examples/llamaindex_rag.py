"""A LlamaIndex query engine over local documents: HunyuanEmbedding + Hunyuan.

    pip install -e ".[examples]"
    python examples/llamaindex_rag.py

The Markdown files in ``examples/data/`` are split into paragraphs, embedded with TokenHub's
``kinfra-text-embedding-0.6b`` into a ``VectorStoreIndex``, and each question is answered by the
``Hunyuan`` LLM from the two closest paragraphs, which are printed with their files.
"""

from __future__ import annotations

from pathlib import Path

from _support import tokenhub_or_emulator
from llama_index.core import Settings, SimpleDirectoryReader, VectorStoreIndex
from llama_index.core.node_parser import SentenceSplitter

from llama_index_hunyuan import Hunyuan, HunyuanEmbedding

DATA_DIR = Path(__file__).parent / "data"
QUESTIONS = (
    "How long do image result URLs stay valid?",
    "What is the backup host of the international site?",
    "Which error code means the API key is invalid?",
)


def main() -> None:
    Settings.embed_model = HunyuanEmbedding()
    Settings.llm = Hunyuan(model="deepseek-v4-flash", temperature=0)
    documents = SimpleDirectoryReader(str(DATA_DIR), required_exts=[".md"]).load_data()
    # Paragraph-sized chunks: each of the embedding model's texts stays under 2,000 characters.
    splitter = SentenceSplitter(chunk_size=200, chunk_overlap=0, paragraph_separator="\n\n")
    index = VectorStoreIndex.from_documents(documents, transformations=[splitter])
    engine = index.as_query_engine(similarity_top_k=2)
    for question in QUESTIONS:
        response = engine.query(question)
        sources = dict.fromkeys(n.node.metadata["file_name"] for n in response.source_nodes)
        print(f"\nQ: {question}\nRetrieved: {', '.join(sources)}\nA: {str(response).strip()}")


if __name__ == "__main__":
    with tokenhub_or_emulator():
        main()
