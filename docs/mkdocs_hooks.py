"""mkdocs hook: the repository's root pages join the site, their links kept as GitHub reads them.

README.md becomes the home page (index.md) and ARCHITECTURE.md, BENCHMARKS.md and CHANGELOG.md pages of their own.
Links are written for the repository (README.md -> docs/reload.md, docs/performance.md ->
../BENCHMARKS.md, ../README.md#the-demo); in the site every page sits in one directory, so those prefixes are dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.structure.files import File, Files

ROOT_PAGES = {"README.md": "index.md", "ARCHITECTURE.md": "ARCHITECTURE.md", "BENCHMARKS.md": "BENCHMARKS.md",
              "CHANGELOG.md": "CHANGELOG.md"}
# The README is also the package's page on PyPI, where only absolute links work: it links the published site
# (setup.cfg's Documentation URL), and in this site those links are its own pages again.
PUBLISHED = re.compile(r"\]\(https://djimport\.readthedocs\.io/en/latest/(?:([\w-]+)/)?(#[\w-]+)?\)")


def _local(link: re.Match[str]) -> str:
    return f"]({link[1] or 'index'}.md{link[2] or ''})"


def on_files(files: Files, config) -> Files:
    root = Path(config.config_file_path).parent
    for source, page in ROOT_PAGES.items():
        text = re.sub(r"\]\(docs/", "](", (root / source).read_text(encoding="utf-8"))
        files.append(File.generated(config, page, content=PUBLISHED.sub(_local, text)))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    for source, target in ROOT_PAGES.items():
        markdown = markdown.replace(f"](../{source}", f"]({target}")
    return markdown
