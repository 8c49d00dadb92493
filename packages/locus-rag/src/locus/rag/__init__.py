"""locus RAG (placeholder, filled below)."""
