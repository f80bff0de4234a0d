"""Reproducible benchmarks (`make bench`): each reports a ratio against a baseline run side by side."""
