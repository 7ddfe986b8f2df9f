"""The university example split over three schemas (catalog, people, enrollment), as a small pipeline."""

from __future__ import annotations

import uuid

import pytest

PARTS = ("catalog", "people", "enrollment")  # each referencing only schemas before it


@pytest.fixture
def split_university(connection):
    """Declares and fills the three schemas; yields their names, dropped after (dependents first)."""
    from conftest import drop_schema
    from tests import university as uni

    prefix = f"djtest_{uuid.uuid4().hex[:10]}"
    names = [f"{prefix}_{part}" for part in PARTS]
    try:
        uni.fill(uni.declare(prefix, split=True))
        yield names
    finally:
        for name in reversed(names):
            drop_schema(name)
