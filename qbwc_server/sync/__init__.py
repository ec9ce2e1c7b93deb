"""Sync rules: what each kind of queued request sends, and what its answer does."""
