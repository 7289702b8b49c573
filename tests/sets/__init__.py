"""Tests of quiz sets, classes and interop; ``helpers`` is shared with tests/services and
tests/web."""
