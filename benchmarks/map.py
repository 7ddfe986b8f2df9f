"""The pipeline map of a synthetic pipeline: its page's size, the time to build it, the time headless
Chromium takes to load and lay it out, and the time of a zoom step, a pan step and a search.

    python -m benchmarks.map                     # 20 schemas of 15 tables (300), 7 loads (about 1 min)
    python -m benchmarks.map --schemas 100 --tables 10 --screenshot docs/map-100-schemas.png --select Node5

Run it from the repository root with the Python of an environment that has DataJoint, selenium, Graphviz's
``dot``, ``chromium`` and ``chromedriver``. Each load is a new Chromium with an empty profile; "loaded and laid
out" is the time from the start of navigation to the second animation frame after the load event (the map's
script has run and the browser has laid out and painted the page), as the page's own clock reads it.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.backend import BACKENDS
from benchmarks.run import machine

# Resolves with performance.now() once two frames have been drawn after the load event.
_LAID_OUT = """
const done = arguments[arguments.length - 1];
const after = () => requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now())));
if (document.readyState === "complete") after(); else addEventListener("load", after);
"""


def _declare(backend, prefix: str, schemas: int, tables: int) -> list[str]:
    import datajoint as dj

    from tests.synthetic import declare_pipelines

    dj.config["database.host"], dj.config["database.port"] = backend.host, backend.port
    dj.config["database.user"], dj.config["database.password"] = backend.user, backend.password
    dj.config["database.use_tls"] = False
    if int(dj.__version__.split(".")[0]) >= 2:
        dj.config["database.backend"] = backend.name
    logging.getLogger("datajoint").setLevel(logging.ERROR)
    return declare_pipelines(prefix, schemas, tables)


def _spread(values: list[float], digits: int = 0) -> str:
    return (f"{statistics.median(values):.{digits}f} ms (min {min(values):.{digits}f}, max {max(values):.{digits}f}, "
            f"n = {len(values)})")


def measure(page: Path, loads: int) -> dict[str, list[float]]:
    """Wall time of ``driver.get`` and the page's own time to be laid out, in a new browser for each load."""
    from tests.browser import chromium

    times: dict[str, list[float]] = {"get": [], "laid out": []}
    for _ in range(loads):
        with chromium() as driver:
            driver.set_script_timeout(60)
            start = time.perf_counter()
            driver.get(page.resolve().as_uri())
            times["get"].append((time.perf_counter() - start) * 1000)
            times["laid out"].append(driver.execute_async_script(_LAID_OUT))
            errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
            if errors:
                raise RuntimeError(f"the page logged errors: {errors}")
    return times


# One step, from its event until the next frame has been rendered (the task after that frame's animation callbacks,
# style, layout and paint). arguments: the step, then the callback.
_STEP = """
const [step, done] = arguments;
const start = performance.now();
const map = document.getElementById("map"), r = map.getBoundingClientRect();
const at = {clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true, pointerId: 1, button: 0};
if (step === "zoom") document.getElementById("zoom-in").click();
if (step === "pan") {
  map.dispatchEvent(new PointerEvent("pointerdown", at));
  map.dispatchEvent(new PointerEvent("pointermove", {...at, clientX: at.clientX + 40, clientY: at.clientY + 30}));
  map.dispatchEvent(new PointerEvent("pointerup", at));
}
if (step.startsWith("search ")) {
  const box = document.getElementById("search");
  box.value = step.slice(7);
  box.dispatchEvent(new Event("input"));
}
requestAnimationFrame(() => setTimeout(() => done(performance.now() - start)));
"""
_SEARCHES = ("Node5", "node12_id", "Nodr5", "value3", "birth", "Item", "s4_", "zzz")


def steps(page: Path, table: str | None) -> dict[str, list[float]]:
    """The times of zoom and pan steps and of searches, in one browser, on the tables' map (``table`` opened)."""
    from tests.browser import chromium

    times: dict[str, list[float]] = {"zoom": [], "pan": [], "search": []}
    with chromium(window=(1600, 1000)) as driver:
        driver.set_script_timeout(60)
        driver.get(page.resolve().as_uri() + (f"#{table}" if table else ""))
        for _ in range(8):
            for step in ("zoom", "pan"):
                times[step].append(driver.execute_async_script(_STEP, step))
            driver.find_element("id", "fit").click()
        for text in _SEARCHES:
            times["search"].append(driver.execute_async_script(_STEP, f"search {text}"))
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        if errors:
            raise RuntimeError(f"the page logged errors: {errors}")
    return times


def first_view(page: Path) -> str:
    """How the overview reads in a 1600x1000 window: schema names whole in view, labels overlapping, the smallest
    name's height."""
    from tests.browser import chromium, overview_layout

    with chromium(window=(1600, 1000)) as driver:
        driver.get(page.resolve().as_uri())
        if not driver.execute_script("return !!document.querySelector('#overview svg')"):
            return "no overview (fewer schemas than _map.OVERVIEW_FROM)"
        layout = overview_layout(driver)
        shown = driver.execute_script("return document.querySelectorAll('#overview g.node').length")
    return (f"{len(layout['inside'])} of {shown} schema names whole in view, {layout['overlaps']} pairs of labels "
            f"overlapping, smallest name {layout['height']:.1f} px high")


def screenshot(page: Path, path: Path, table: str | None) -> None:
    """The whole map in a 1600x1000 window to ``path``; with ``table`` (a class name) found by the search box
    and selected, to ``<path>-selected.png`` too."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from tests.browser import chromium

    with chromium(window=(1600, 1000)) as driver:
        driver.get(page.resolve().as_uri())
        driver.save_screenshot(str(path))
        if table:
            box = driver.find_element(By.ID, "search")
            box.send_keys(table)
            box.send_keys(Keys.ENTER)
            driver.save_screenshot(str(path.with_name(f"{path.stem}-selected.png")))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.map", description=__doc__.split("\n\n")[0])
    parser.add_argument("--schemas", type=int, default=20)
    parser.add_argument("--tables", type=int, default=15, help="tables per schema, parts included")
    parser.add_argument("--loads", type=int, default=7, help="page loads, each in a new browser (>= 5)")
    parser.add_argument("--page", type=Path, help="also keep the page in this file")
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help="also take a screenshot of the map")
    parser.add_argument("--select", metavar="CLASS", help="also take a screenshot with this table selected")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    backend = BACKENDS["mysql"].private()
    try:
        log(f"declaring {args.schemas} schemas of {args.tables} tables")
        names = _declare(backend, "djbench_map", args.schemas, args.tables)
        import djimport

        log("building the page")
        build, render = [], []
        for _ in range(5):
            djimport.invalidate_caches()
            start = time.perf_counter()
            pipeline = djimport.pipeline_map(*names)
            middle = time.perf_counter()
            text = pipeline.html()
            build.append((middle - start) * 1000)
            render.append((time.perf_counter() - middle) * 1000)
        server = backend.describe()
    finally:
        backend.stop()
    with tempfile.TemporaryDirectory(prefix="djimport-map-") as tmp:
        page = args.page or Path(tmp) / "pipeline.html"
        page.write_text(text, encoding="utf-8")
        log(f"loading the page {args.loads} times")
        times = measure(page, args.loads)
        stepped = steps(page, f"{names[0]}.Node0")
        overview = first_view(page)
        if args.screenshot:
            screenshot(page, args.screenshot, args.select)
    shown = sys.argv[1:] if argv is None else argv
    tables = len(pipeline.tables)
    print("\n".join([
        f"Machine: {machine()}. Server: {server}. Command: `{' '.join(['python -m benchmarks.map', *shown])}`.",
        "",
        f"| {args.schemas} schemas, {tables} tables | median (min, max, runs) |",
        "|---|---:|",
        f"| page size | {len(text.encode('utf-8')) / 1e6:.2f} MB ({len(text.encode('utf-8'))} bytes) |",
        f"| `djimport.pipeline_map(...)`, modules imported: keys, columns, defaults and indexes (3 queries) | {_spread(build)} |",
        f"| `.html()`: Graphviz `dot` lays out the SVG, page assembled | {_spread(render)} |",
        f"| Chromium: navigation start to laid out and painted (page's clock) | {_spread(times['laid out'])} |",
        f"| Chromium: `driver.get` wall time (until the load event) | {_spread(times['get'])} |",
        f"| a zoom step (+ button) to drawn, on the tables' map | {_spread(stepped['zoom'], 1)} |",
        f"| a pan step (pointer moved) to drawn | {_spread(stepped['pan'], 1)} |",
        f"| a search ({len(_SEARCHES)} texts: class and column names, one letter off, none) to results drawn | "
        f"{_spread(stepped['search'], 1)} |",
        f"| first view, 1600x1000 window | {overview} |",
    ]))


if __name__ == "__main__":
    main()
