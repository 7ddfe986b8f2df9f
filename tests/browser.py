"""Headless Chromium driven by selenium, for the pipeline map's tests and benchmark: Debian's ``chromium`` and
``chromium-driver`` (``.ci/run`` installs them), never a browser or driver downloaded by selenium."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from typing import Any, Iterator

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)


class Unavailable(RuntimeError):
    """No Chromium, chromedriver or selenium here; the message says which."""


def executables() -> tuple[str, str]:
    """The paths of ``chromium`` and ``chromedriver``; raises :class:`Unavailable` naming what is missing."""
    found = {name: shutil.which(name) for name in ("chromium", "chromedriver")}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        raise Unavailable(f"{' and '.join(missing)} not on PATH (Debian: apt-get install chromium chromium-driver)")
    return found["chromium"], found["chromedriver"]  # type: ignore[return-value]


@contextlib.contextmanager
def chromium(window: tuple[int, int] = (1400, 900)) -> Iterator[Any]:
    """A selenium driver of a new headless Chromium with an empty profile, keeping the console's messages and
    the network events (``driver.get_log("browser")``, ``driver.get_log("performance")``)."""
    browser, driver_path = executables()
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as exc:
        raise Unavailable(f"selenium is not installed ({exc}): pip install selenium") from exc
    with tempfile.TemporaryDirectory(prefix="djimport-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = browser
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--window-size={window[0]},{window[1]}")
        options.add_argument(f"--user-data-dir={profile}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def overview_layout(driver: Any) -> dict:
    """The overview's labels: how many pairs of their boxes (a node's or an edge's texts together) overlap, which
    schema names lie whole inside the map's visible area, and the height of the smallest line of a node."""
    return driver.execute_script("""
        const svg = document.querySelector("#overview svg"), m = document.getElementById("map").getBoundingClientRect();
        const box = (g) => {
            const rs = [...g.querySelectorAll("text")].map((t) => t.getBoundingClientRect());
            return {left: Math.min(...rs.map((r) => r.left)), right: Math.max(...rs.map((r) => r.right)),
                    top: Math.min(...rs.map((r) => r.top)), bottom: Math.max(...rs.map((r) => r.bottom))};
        };
        const labels = [...svg.querySelectorAll("g.node, g.edge")].filter((g) => g.querySelector("text")).map(box);
        let overlaps = 0;
        labels.forEach((a, i) => labels.slice(i + 1).forEach((b) => {
            if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlaps++;
        }));
        const inside = [...svg.querySelectorAll("g.node")].filter((g) => {
            const r = box(g);
            return r.left >= m.left && r.right <= m.right && r.top >= m.top && r.bottom <= m.bottom;
        }).map((g) => g.querySelector("text").textContent);
        const heights = [...svg.querySelectorAll("g.node text")].map((t) => t.getBoundingClientRect().height);
        return {overlaps, inside, height: Math.min(...heights)};
    """)
