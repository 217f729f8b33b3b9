"""Benchmarks that print numbers (run from the project root: ``python -m bench.<name>``)."""
