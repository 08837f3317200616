"""Robustness tests: bad, huge, hostile and concurrent input."""
