"""mkdocs hook: the repository's root pages join the site, their links kept as GitHub reads them.

README.md becomes the home page (index.md) and ARCHITECTURE.md, BENCHMARKS.md and CHANGELOG.md pages of their own.
Links are written for the repository (README.md -> docs/reload.md, docs/performance.md ->
../BENCHMARKS.md, ../README.md#the-demo); in the site every page sits in one directory, so those prefixes are dropped.
"""

from __future__ import annotations

import configparser
import re
from pathlib import Path

from mkdocs.structure.files import File, Files

ROOT_PAGES = {"README.md": "index.md", "ARCHITECTURE.md": "ARCHITECTURE.md", "BENCHMARKS.md": "BENCHMARKS.md",
              "CHANGELOG.md": "CHANGELOG.md"}


def _published(root: Path) -> re.Pattern[str]:
    """Links to the published site (setup.cfg's Documentation URL). The README is also the package's page on
    PyPI, where only absolute links work, so it links the site's pages; in this site they are its own again."""
    metadata = configparser.ConfigParser(interpolation=None)
    metadata.read(root / "setup.cfg", encoding="utf-8")
    urls = dict(line.split(" = ", 1) for line in metadata["metadata"]["project_urls"].strip().splitlines())
    return re.compile(rf"\]\({re.escape(urls['Documentation'])}(?:([\w-]+)/)?(#[\w-]+)?\)")


def _local(link: re.Match[str]) -> str:
    return f"]({link[1] or 'index'}.md{link[2] or ''})"


def on_files(files: Files, config) -> Files:
    root = Path(config.config_file_path).parent
    published = _published(root)
    for source, page in ROOT_PAGES.items():
        text = re.sub(r"\]\(docs/", "](", (root / source).read_text(encoding="utf-8"))
        files.append(File.generated(config, page, content=published.sub(_local, text)))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    for source, target in ROOT_PAGES.items():
        markdown = markdown.replace(f"](../{source}", f"]({target}")
    return markdown
