"""Benchmarks: the real server against a raw baseline, driven by client processes."""
