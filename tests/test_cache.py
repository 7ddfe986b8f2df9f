"""Listings are kept for the TTL, on an injectable clock, and forgotten on demand; in a bounded
cachetools.TTLCache, imported with the first listing."""

import importlib
import subprocess
import sys

import pytest

import djimport
from djimport._cache import Listings
from djimport._settings import DEFAULT_TTL, default_ttl


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def listings():
    calls = []

    def fetch_tables(schema):
        calls.append(schema)
        return (f"{schema}-{len(calls)}",)

    clock = Clock()
    cache = Listings(lambda: calls.append("*") or ("a", "b"), fetch_tables, ttl=10, timer=clock)
    return cache, calls, clock


def test_listing_is_served_from_cache_within_ttl(listings):
    cache, calls, clock = listings
    assert cache.tables("uni") == ("uni-1",)
    clock.now = 9.9
    assert cache.tables("uni") == ("uni-1",)
    assert calls == ["uni"]


def test_listing_expires_after_ttl(listings):
    cache, calls, clock = listings
    cache.tables("uni")
    clock.now = 10.0
    assert cache.tables("uni") == ("uni-2",)


def test_schemas_and_tables_are_cached_separately(listings):
    cache, calls, _ = listings
    assert cache.schemas() == ("a", "b")
    cache.tables("a")
    cache.schemas()
    assert calls == ["*", "a"]


def test_clear_and_forget(listings):
    cache, calls, _ = listings
    cache.tables("a"), cache.tables("b"), cache.schemas()
    cache.forget("a")
    cache.tables("a"), cache.tables("b"), cache.schemas()
    assert calls == ["a", "b", "*", "a", "*"]
    cache.clear()
    cache.tables("b")
    assert calls[-1] == "b" and len(calls) == 6


def test_set_ttl_changes_expiry_and_forgets(listings):
    cache, calls, clock = listings
    cache.tables("uni")
    cache.set_ttl(100)
    assert cache.ttl == 100
    cache.tables("uni")
    clock.now = 50
    cache.tables("uni")
    assert calls == ["uni", "uni"]


@pytest.mark.parametrize("ttl", [-1, float("nan")])
def test_invalid_ttl_is_refused(listings, ttl):
    with pytest.raises(ValueError, match="TTL"):
        listings[0].set_ttl(ttl)


def test_ttl_comes_from_environment(monkeypatch):
    monkeypatch.delenv("DJIMPORT_TTL", raising=False)
    assert default_ttl() == DEFAULT_TTL
    monkeypatch.setenv("DJIMPORT_TTL", "2.5")
    assert default_ttl() == 2.5
    monkeypatch.setenv("DJIMPORT_TTL", "soon")
    with pytest.raises(ValueError, match="DJIMPORT_TTL='soon'"):
        default_ttl()


def test_set_ttl_applies_to_every_root_and_wins_over_environment(monkeypatch):
    import djschemas  # noqa: F401  (registers the default root)
    from djimport import _settings
    from djimport._root import roots

    monkeypatch.setattr(_settings, "_ttl_set", None)
    monkeypatch.setenv("DJIMPORT_TTL", "7")
    djimport.set_ttl(3)
    try:
        assert default_ttl() == 3
        assert roots["djschemas"].listings.ttl == 3
    finally:
        djimport.set_ttl(DEFAULT_TTL)


@pytest.mark.parametrize("invalidate", [importlib.invalidate_caches, djimport.invalidate_caches])
def test_invalidate_caches_clears_listings(invalidate, monkeypatch):
    import djschemas  # noqa: F401
    from djimport._root import roots

    calls = []
    monkeypatch.setattr(roots["djschemas"], "listings", Listings(tuple, lambda schema: calls.append(schema) or (), 60))
    roots["djschemas"].listings.tables("x")
    roots["djschemas"].listings.tables("x")
    invalidate()
    roots["djschemas"].listings.tables("x")
    assert calls == ["x", "x"]


def test_the_cache_is_bounded_and_drops_expired_listings_before_live_ones(listings):
    from djimport._cache import _MAXSIZE

    cache, calls, clock = listings
    for i in range(_MAXSIZE):
        cache.tables(f"s{i}")
    clock.now = 5
    cache.tables("one more")  # full, nothing expired: the oldest listing goes
    fetched = len(calls)
    cache.tables("s1")
    assert len(calls) == fetched  # still cached
    cache.tables("s0")
    assert len(calls) == fetched + 1  # dropped, asked again (and s2, the least recently used now, dropped for it)
    cache.tables("s1")
    assert len(calls) == fetched + 1  # used since: kept
    clock.now = 12
    cache.tables("late")  # full again: the expired listings go, the live ones stay
    fetched = len(calls)
    cache.tables("one more")
    cache.tables("s0")
    assert len(calls) == fetched  # both added at t = 5, still within the TTL


def test_cachetools_is_imported_with_the_first_listing_not_at_start_up():
    script = (
        "import sys, djschemas\n"
        "from djimport._cache import Listings\n"
        "print('cachetools' in sys.modules)\n"
        "Listings(tuple, lambda schema: (), 60).tables('x')\n"
        "print('cachetools' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]
