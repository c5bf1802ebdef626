"""The knowledge base: FAQ entries and runbooks read from files, validated and searched with BM25F."""
