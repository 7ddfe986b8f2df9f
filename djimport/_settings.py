"""djimport's settings: the listings' TTL (``DJIMPORT_TTL``, :func:`djimport.set_ttl`) and the
server timeout (``DJIMPORT_TIMEOUT``), read and checked here only."""

from __future__ import annotations

import os

DEFAULT_ROOT = "djschemas"
"""The root package of DataJoint's default connection."""

DEFAULT_TTL = 60.0
"""Seconds a listing is trusted when neither DJIMPORT_TTL nor :func:`djimport.set_ttl` says otherwise."""

DEFAULT_TIMEOUT = 10.0
"""Seconds an import waits for the server when ``DJIMPORT_TIMEOUT`` is not set."""

_ttl_set: float | None = None  # by djimport.set_ttl(), which wins over DJIMPORT_TTL


def set_default_ttl(ttl: float) -> None:
    global _ttl_set
    _ttl_set = check_ttl(ttl)


def default_ttl() -> float:
    """The TTL for new listings caches: :func:`djimport.set_ttl`'s, else ``DJIMPORT_TTL``'s,
    else :data:`DEFAULT_TTL`."""
    if _ttl_set is not None:
        return _ttl_set
    raw = os.environ.get("DJIMPORT_TTL", "").strip()
    if not raw:
        return DEFAULT_TTL
    try:
        return check_ttl(float(raw))
    except ValueError:
        raise ValueError(
            f"DJIMPORT_TTL={raw!r} is not a number of seconds >= 0; set it to e.g. DJIMPORT_TTL=60"
        ) from None


def check_ttl(ttl: float) -> float:
    if not ttl >= 0:  # also rejects NaN
        raise ValueError(f"TTL must be a number of seconds >= 0, got {ttl!r}")
    return float(ttl)


def timeout() -> float:
    """``DJIMPORT_TIMEOUT`` in seconds, else :data:`DEFAULT_TIMEOUT`."""
    raw = os.environ.get("DJIMPORT_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = float("nan")
    if not seconds > 0:  # also rejects NaN
        raise ValueError(f"DJIMPORT_TIMEOUT={raw!r} is not a number of seconds > 0; set it to e.g. DJIMPORT_TIMEOUT=10")
    return seconds
