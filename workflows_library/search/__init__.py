"""Discovery: keyword ranking, MiniLM embeddings in a persistent Chroma collection, fused with filters."""
