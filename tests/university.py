"""The university example, for the tests: it lives in the package (djimport.example), shared with the demo."""

from djimport.example import DEFINITIONS, SPLIT, declare, fill

__all__ = ["DEFINITIONS", "SPLIT", "declare", "fill"]
