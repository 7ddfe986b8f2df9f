"""The documentation site works offline (labs and clusters often have no internet): built with mkdocs as
``tox -e docs`` builds it, it fetches no script, style or font from another site (code is highlighted by Pygments
at build time, not by highlight.js from a CDN), and its search index finds API names such as ``create_tables``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mkdocs", reason="the site is built with mkdocs")
pytest.importorskip("pymdownx", reason="the site highlights code with pymdown-extensions and Pygments")

ROOT = Path(__file__).resolve().parent.parent

# An address on another site: with a scheme, or protocol-relative (//cdn...).
_EXTERNAL = r"""(?:[a-z][a-z0-9+.-]*:)?//[^"'\s)]+"""
# What the browser loads by itself: HTML's scripts, stylesheets, icons, images, frames; CSS's imports and url()s
# (fonts, images); addresses of scripts, styles and fonts in JavaScript's strings.
_LOADED = {
    ".html": re.compile(rf"""<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)\s*=\s*["']?({_EXTERNAL})""",
                        re.I),
    ".css": re.compile(rf"""(?:@import\s+(?:url\()?|url\()\s*["']?({_EXTERNAL})""", re.I),
    ".js": re.compile(rf"""["'`]({_EXTERNAL}\.(?:js|mjs|css|woff2?|ttf|otf|eot))(?:[?#][^"'`]*)?["'`]""", re.I),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    built = tmp_path_factory.mktemp("site")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(built)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return built


def test_the_site_loads_nothing_from_another_site(site):
    loaded = {
        f"{path.relative_to(site)}: {address}"
        for path in site.rglob("*") if path.suffix in _LOADED
        for address in _LOADED[path.suffix].findall(path.read_text(encoding="utf-8", errors="replace"))
    }
    assert not loaded, "the site would fetch these (and show plain code, or no fonts, offline):\n" + "\n".join(
        sorted(loaded))
    page = (site / "index.html").read_text(encoding="utf-8")
    assert '<div class="highlight">' in page and "pygments.css" in page  # highlighted when built


# An API name and the page that explains it, which a search for the name must find.
API_PAGES = {"create_tables": "adding-tables/", "invalidate_caches": "reload/", "pipeline_map": "map/",
             "mount": "configuration/"}


def test_search_finds_api_names_on_their_pages(site):
    """The site's search is lunr, in the browser: it splits the index's text into words at the separator the
    site configures, and trims what is not a word character from their ends. A name that the text has only as
    ``djimport.pipeline_map(...)`` is no word of the index with lunr's default separator (white space, hyphens)."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    words: dict[str, set[str]] = {}
    for doc in index["docs"]:
        page = doc["location"].split("#")[0]
        for word in separator.split(doc["title"] + " " + doc["text"]):
            words.setdefault(page, set()).add(re.sub(r"^\W+|\W+$", "", word).lower())
    assert {name: page for name, page in API_PAGES.items() if name not in words.get(page, ())} == {}
    node = shutil.which("node")
    if node is None:
        return
    # lunr itself, where Node.js is installed: the page comes among the first results.
    script = """
    const lunr = require(process.argv[1] + "/search/lunr.js");
    const data = require(process.argv[1] + "/search/search_index.json");
    lunr.tokenizer.separator = new RegExp(data.config.separator);  // as the site's search/worker.js does
    const index = lunr(function () {
      this.field("title"); this.field("text"); this.ref("location");
      data.docs.forEach((doc) => this.add(doc));
    });
    const found = {};
    for (const name of process.argv.slice(2)) found[name] = index.search(name).map((r) => r.ref.split("#")[0]);
    console.log(JSON.stringify(found));
    """
    result = subprocess.run([node, "-e", script, str(site), *API_PAGES], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert {name: page for name, page in API_PAGES.items() if page not in found[name][:5]} == {}, found


def test_mkdocs_serve_watches_the_root_pages():
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    watched = {Path(path).resolve() for path in config["watch"]}
    assert {ROOT / "README.md", ROOT / "ARCHITECTURE.md", ROOT / "BENCHMARKS.md"} <= watched
