"""Benchmarks (`make bench`): speed is measured here, never by timed tests."""
