"""Benchmarks of djimport against ``dj.VirtualModule``: ``python -m benchmarks --help``."""
