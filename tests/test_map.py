"""The pipeline map: the page's content (from two catalog queries), and the page itself in headless Chromium.

The browser tests need Debian's ``chromium`` and ``chromium-driver`` and selenium; without them they are
skipped, unless ``DJIMPORT_REQUIRE_BACKENDS`` is set (CI sets it): then a missing browser is a failure.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import uuid

import datajoint as dj
import pytest

import djimport
from djimport._diagram import _node_id as node_id
from djimport.cli import main
from tests import browser as browsers
from tests.helpers import backend, create_schema_raw, drop_schema_raw, quote, server_queries
from tests.pipeline import split_university  # noqa: F401  (fixture)
from tests.test_diagram import UNIVERSITY_EDGES
from tests.university import SPLIT

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's `dot` is not installed")

XSS = "<img src=x onerror=alert(1)>"
SCRIPT_END = "</script><script>alert(2)</script>"


@pytest.fixture
def probes(schema_name):
    """A schema whose names and comments are markup: a Lookup with a part-holding Manual child; yields its name."""
    schema = dj.Schema(schema_name, connection=dj.conn())

    @schema
    class Probe(dj.Lookup):
        definition = f"""# {XSS}
        probe : varchar(20)  # {SCRIPT_END}
        ---
        depth = null : float  # <b>depth</b> & more
        """

    @schema
    class Recording(dj.Manual):
        definition = """# a recording
        -> Probe
        rec : int
        ---
        -> [nullable] Probe.proj(spare_probe="probe")
        label = "it's" : varchar(16)  # a label
        unique index (label)
        index (rec, label)
        """

        class Channel(dj.Part):
            definition = """
            -> master
            channel : int
            """

    return schema_name


@pytest.fixture
def markup_schema(connection):
    """A schema whose name is markup (and a Graphviz HTML-like label), with one table made by plain SQL."""
    name = f"<img src={uuid.uuid4().hex[:10]} onerror=alert(1)>"
    create_schema_raw(connection, name, ("subject",))
    yield name
    drop_schema_raw(connection, name)


@pytest.fixture
def pipeline(split_university, probes):
    """The split university and the probes schema, all imported; yields their names."""
    names = [*split_university, probes]
    for name in names:
        djimport.load(name)
    return names


def page_data(page: str) -> dict:
    """The tables of a page, from its JSON."""
    match = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', page, re.S)
    return json.loads(match[1])["tables"]


def test_each_table_has_its_details_links_and_import_line(pipeline):
    catalog, people, enrollment, probes = pipeline
    tables = djimport.pipeline_map(*pipeline).tables
    by_class = {entry["class"]: entry for entry in tables.values()}
    assert set(by_class) == {*SPLIT, "Probe", "Recording", "Recording.Channel"}
    for name, part in SPLIT.items():
        assert by_class[name]["schema"].endswith("_" + part)
    student = tables[node_id(people, "student")]
    assert {key: value for key, value in student.items() if key not in ("attributes", "definition")} == {
        "schema": people, "table": "student", "class": "Student", "tier": "Manual", "comment": "", "indexes": [],
        "import": f"from djschemas.{people} import Student",
        "parents": [], "children": [node_id(enrollment, "enroll"), node_id(people, "student_major")],
    }
    assert [(name, comment, in_key) for name, _, comment, in_key, *_ in student["attributes"]][:3] == [
        ("student_id", "university-wide ID number", True), ("first_name", "", False), ("last_name", "", False)]
    assert "int" in student["attributes"][0][1]
    # Parents and children are the diagram's edges.
    labels = {table_id: entry["class"] for table_id, entry in tables.items()}
    links = {(labels[parent], entry["class"]) for entry in tables.values() for parent in entry["parents"]}
    assert links == set(UNIVERSITY_EDGES) | {("Probe", "Recording"), ("Recording", "Recording.Channel")}
    assert links == {(entry["class"], labels[child]) for entry in tables.values() for child in entry["children"]}
    probe, channel = tables[node_id(probes, "#probe")], tables[node_id(probes, "recording__channel")]
    assert (probe["tier"], probe["comment"]) == ("Lookup", XSS)
    assert [(name, comment, in_key, nullable, default) for name, _, comment, in_key, nullable, default in
            probe["attributes"]] == [("probe", SCRIPT_END, True, False, None), ("depth", "<b>depth</b> & more", False, True, "null")]
    assert (channel["tier"], channel["import"]) == ("Part", f"from djschemas.{probes} import Recording")
    assert [(name, in_key) for name, _, _, in_key, *_ in channel["attributes"]] == [
        ("probe", True), ("rec", True), ("channel", True)]
    # The definition as DataJoint writes it, from the catalog: foreign keys (renamed, nullable), defaults, indexes.
    recording = tables[node_id(probes, "recording")]
    lines = recording["definition"].split("\n")
    assert lines[:2] == ["# a recording", "-> Probe"] and re.fullmatch(r"rec : \S+", lines[2])
    assert lines[3:6] == ["---", '-> [nullable] Probe.proj(spare_probe="probe")', 'label = "it\'s" : varchar(16)  # a label']
    assert sorted(lines[6:]) == ["index (rec, label)", "unique index (label)"]
    assert sorted(recording["indexes"]) == [[["label"], True], [["rec", "label"], False]]
    assert tables[node_id(probes, "#probe")]["definition"].split("\n")[2:] == [
        "---", f"depth = null : {probe['attributes'][1][1]}  # <b>depth</b> & more"]  # float, or PostgreSQL's name


def test_an_index_on_an_expression_is_left_out_of_the_panel(connection, schema_name):
    """An index on an expression (MySQL 8 and later, PostgreSQL) has parts without a column name: the panel
    shows the table's other indexes, and its definition declares none of it."""
    from djimport._datajoint import server_version

    if server_version(connection).startswith("MariaDB"):
        pytest.skip("MariaDB has no index on an expression")
    table = quote(connection, schema_name, "item")
    create_schema_raw(connection, schema_name)
    try:
        if backend(connection) == "postgresql":
            connection.query(f"CREATE TABLE {table} (id int PRIMARY KEY, name varchar(20) NOT NULL)")
            connection.query(f"CREATE INDEX ON {table} (name)")
            connection.query(f"CREATE INDEX ON {table} ((lower(name)), id)")
        else:
            connection.query(f"CREATE TABLE {table} (id int PRIMARY KEY, name varchar(20) NOT NULL, KEY (name), "
                             "KEY lowered ((lower(name)), id))")
        entry = djimport.pipeline_map(schema_name).tables[node_id(schema_name, "item")]
        assert entry["indexes"] == [[["name"], False]]
        assert entry["definition"].split("\n")[-1] == "index (name)"
    finally:
        drop_schema_raw(connection, schema_name)


def test_referenced_tables_of_schemas_not_drawn_have_their_details(pipeline):
    catalog, people, enrollment, _ = pipeline
    tables = djimport.pipeline_map(enrollment).tables
    student = tables[node_id(people, "student")]
    assert (student["class"], student["children"]) == ("Student", [node_id(enrollment, "enroll")])
    assert student["attributes"][0][0] == "student_id"
    assert node_id(people, "student_major") not in tables


def test_the_map_takes_the_diagrams_choice_of_tables(pipeline):
    catalog, people, enrollment, probes = pipeline
    around = djimport.pipeline_map(around=f"{enrollment}.Enroll", depth=1).tables
    assert {entry["class"] for entry in around.values()} == {"Section", "Student", "Enroll", "Grade"}
    prefix = enrollment.rpartition("_")[0]
    by_pattern = djimport.pipeline_map(f"{prefix}_*").tables
    assert by_pattern == djimport.pipeline_map(catalog, people, enrollment).tables
    assert not any(entry["schema"] == probes for entry in by_pattern.values())


def test_the_map_costs_three_queries_and_writing_it_none(pipeline, connection):
    modules = [djimport.load(name) for name in pipeline]
    for n in (1, len(modules)):
        with server_queries(connection) as count:
            pipeline_map = djimport.pipeline_map(*modules[:n])
        # the keys of the schemas drawn; the columns of every table shown, with nullability and defaults; indexes
        assert count.queries == 3
    with server_queries(connection) as count:
        pipeline_map.html()
    assert count.queries == 0
    with server_queries(connection) as count:
        djimport.pipeline_map()
    assert count.queries == 4  # every schema's tables too


def test_markup_in_names_and_comments_stays_data(pipeline):
    page = djimport.pipeline_map(*pipeline).html()
    assert "<img" not in page and "<b>" not in page
    assert page.count("</script") == 2  # the ends of the data and of the script, nothing in between
    assert page_data(page)[node_id(pipeline[3], "#probe")]["comment"] == XSS


def test_a_schema_named_with_markup_is_drawn_as_text(markup_schema, probes):
    pipeline_map = djimport.pipeline_map(markup_schema, probes)
    assert f'label="{markup_schema}"' in pipeline_map.graph.source  # a quoted string, not an HTML-like label
    page = pipeline_map.html()
    assert "<img" not in page
    assert html.escape(markup_schema, quote=False) in page  # the cluster's label, as SVG text
    assert page_data(page)[node_id(markup_schema, "subject")]["import"] == (
        f"Subject = djimport.load({markup_schema!r}).Subject")


def test_the_page_fetches_nothing(pipeline):
    page = djimport.pipeline_map(*pipeline).html()
    assert "Content-Security-Policy\" content=\"default-src 'none'; script-src 'sha256-" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)


def test_command_writes_the_map_for_an_html_file(pipeline, tmp_path, capsys):
    path = tmp_path / "pipeline.html"
    assert main(["diagram", *pipeline, "-o", str(path)]) == 0
    assert capsys.readouterr().out == f"wrote {path}\n"
    assert path.read_text(encoding="utf-8") == djimport.pipeline_map(*pipeline).html()


def test_command_names_html_among_the_files_it_writes(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["diagram", "university", "-o", "map.htm"])
    assert exit.value.code == 2
    assert "'map.htm' does not end in .svg, .png, .pdf, .dot or .html (the pipeline map)" in capsys.readouterr().err


def test_without_dot_the_command_says_what_to_install(pipeline, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` there
    assert main(["diagram", pipeline[0], "-o", str(tmp_path / "map.html")]) == 1
    assert capsys.readouterr().err == (
        "djimport: error: the pipeline map needs Graphviz's `dot` program to lay out the tables; install Graphviz "
        "(e.g. `apt-get install graphviz`, `brew install graphviz` or `conda install graphviz`)\n"
    )
    assert not (tmp_path / "map.html").exists()


def test_a_notebook_shows_the_page_in_a_sandboxed_frame_over_a_picture(pipeline):
    pipeline_map = djimport.pipeline_map(*pipeline)
    shown = pipeline_map._repr_html_()
    match = re.fullmatch(r'<div style="[^"]*"><img src="data:image/svg\+xml;base64,([^"]*)" alt="[^"]*" style="[^"]*">'
                         r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts" style="[^"]*"></iframe></div>', shown)
    assert html.unescape(match[2]) == pipeline_map.html()
    assert base64.b64decode(match[1]).decode() == pipeline_map.graph.pipe(format="svg", encoding="utf-8")


# JupyterLab's sanitizer of untrusted outputs (@jupyterlab/apputils, sanitizer.ts), as far as this output meets it:
# no iframe; img with its src whatever the scheme (src is not checked: jupyterlab/jupyterlab#5183); div; style
# attributes of these properties.
JUPYTERLAB_TAGS = ["div", "img", "span", "p"]
JUPYTERLAB_ATTRIBUTES = {"*": ["class", "id", "style", "title"], "img": ["alt", "src", "width", "height"]}
JUPYTERLAB_STYLES = ["position", "height", "width", "max-width", "max-height", "top", "left", "border", "background"]


# In headless Chromium.


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module's tests; each test loads its page afresh."""
    try:
        with browsers.chromium() as driver:
            yield driver
            return
    except browsers.Unavailable as exc:
        missing = f"no browser for the pipeline map's tests: {exc}"
    if os.environ.get("DJIMPORT_REQUIRE_BACKENDS"):
        pytest.fail(f"{missing}; DJIMPORT_REQUIRE_BACKENDS is set (CI), so this is an error")
    pytest.skip(missing)


@pytest.fixture
def page(browser, pipeline, tmp_path):
    """The map of the pipeline, loaded; the browser's log emptied before."""
    from selenium.webdriver.common.by import By

    path = djimport.pipeline_map(*pipeline).save(tmp_path / "pipeline.html")
    browser.get_log("browser"), browser.get_log("performance")
    browser.get(path.as_uri())
    browser.find_element(By.ID, "search")
    return browser


def selected(driver) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll('g.node.selected')].map(g => g.querySelector('title').textContent)")


def panel(driver) -> dict:
    """What the panel shows, read from the page."""
    return driver.execute_script("""
        const panel = document.getElementById("panel");
        const text = (selector) => [...panel.querySelectorAll(selector)].map((e) => e.textContent);
        return {
            hidden: panel.hidden, title: text("h2")[0], comment: text("p.comment")[0],
            facts: Object.fromEntries(text("dt").map((term, i) => [term, text("dd")[i]])),
            import: text("code.import")[0], attributes: text("td.name"), links: text("ul.links button"),
        };
    """)


def in_view(driver, table_id: str) -> bool:
    """Whether the table's node lies inside the map's visible area."""
    return driver.execute_script("""
        const nodes = [...document.querySelectorAll("g.node")];
        const node = nodes.find((g) => g.querySelector("title").textContent === arguments[0]);
        const r = node.getBoundingClientRect(), m = document.getElementById("map").getBoundingClientRect();
        return r.width > 0 && r.left >= m.left && r.right <= m.right && r.top >= m.top && r.bottom <= m.bottom;
    """, table_id)


def problems(driver) -> list[dict]:
    """The console's warnings and errors since the last call."""
    return [entry for entry in driver.get_log("browser") if entry["level"] in ("WARNING", "SEVERE")]


def test_page_loads_without_console_errors_and_fetches_nothing(page, pipeline):
    assert problems(page) == []
    # The requests of the page's document; Chromium's own pages (chrome://..., the first page "data:,")
    # make requests of theirs, logged too.
    requested = {
        message["params"]["request"]["url"]
        for message in (json.loads(entry["message"])["message"] for entry in page.get_log("performance"))
        if message["method"] == "Network.requestWillBeSent" and message["params"]["documentURL"] == page.current_url
    }
    assert requested == {page.current_url}
    assert page.execute_script("return document.querySelectorAll('#map svg g.node').length") == len(SPLIT) + 3


def search(driver, text: str) -> list[str]:
    """Type ``text`` into the search box; the results listed."""
    from selenium.webdriver.common.by import By

    box = driver.find_element(By.ID, "search")
    box.clear()
    box.send_keys(text)
    return [item.text for item in driver.find_elements(By.CSS_SELECTOR, "#results li")]


@pytest.mark.parametrize("text, found, part, table", [
    ("Enroll", "Enroll", "enrollment", "enroll"),
    ("#letter_g", "LetterGrade", "catalog", "#letter_grade"),
    ("student_m", "StudentMajor", "people", "student_major"),
])
def test_searching_a_class_or_sql_name_highlights_it_in_view(page, split_university, text, found, part, table):
    from selenium.webdriver.common.keys import Keys

    schema = next(schema for schema in split_university if schema.endswith("_" + part))
    assert search(page, text)[0].split() == [found, f"{schema}.{table}"]
    page.switch_to.active_element.send_keys(Keys.ENTER)
    assert selected(page) == [node_id(schema, table)]
    assert in_view(page, node_id(schema, table))
    zoom = page.execute_script("return document.querySelector('#map svg').getScreenCTM().a")
    assert round(zoom, 3) >= 1.2  # close enough to read the names
    assert panel(page)["facts"]["table"] == table
    assert problems(page) == []


def node(driver, table_id: str):
    from selenium.webdriver.common.by import By

    return next(g for g in driver.find_elements(By.CSS_SELECTOR, "g.node")
                if g.find_element(By.TAG_NAME, "title").get_attribute("textContent") == table_id)


def test_clicking_a_table_shows_its_panel(page, pipeline):
    catalog, people, enrollment, _ = pipeline
    assert panel(page)["hidden"]
    node(page, node_id(enrollment, "enroll")).click()
    assert selected(page) == [node_id(enrollment, "enroll")]
    assert panel(page) == {
        "hidden": False, "title": "Enroll", "comment": "",
        "facts": {"schema": enrollment, "table": "enroll", "tier": "Manual"},
        "import": f"from djschemas.{enrollment} import Enroll",
        "attributes": ["student_id", "dept", "course", "term_year", "term", "section"],
        "links": ["Section", f"Student {people}", "Grade"],  # parents, children; another schema's name follows
    }
    assert problems(page) == []


def test_a_dependency_link_moves_to_the_other_table(page, pipeline):
    from selenium.webdriver.common.by import By

    catalog, people, enrollment, _ = pipeline
    search(page, "Grade")
    node(page, node_id(enrollment, "grade")).click()
    student = [b for b in page.find_elements(By.CSS_SELECTOR, "ul.links button") if b.text.startswith("Enroll")]
    student[0].click()
    assert selected(page) == [node_id(enrollment, "enroll")]
    next(b for b in page.find_elements(By.CSS_SELECTOR, "ul.links button") if b.text.startswith("Student")).click()
    assert selected(page) == [node_id(people, "student")]
    assert panel(page)["title"] == "Student"
    assert in_view(page, node_id(people, "student"))


def test_markup_in_a_comment_shows_as_text_and_runs_nothing(page, pipeline):
    from selenium.common.exceptions import NoAlertPresentException

    probes = pipeline[3]
    search(page, "Probe")
    node(page, node_id(probes, "#probe")).click()
    shown = panel(page)
    assert shown["comment"] == XSS
    assert page.execute_script("return document.querySelectorAll('img, b').length") == 0
    assert page.execute_script("return [...document.querySelectorAll('td.comment')].map((e) => e.textContent)") == [
        SCRIPT_END, "<b>depth</b> & more"]
    # Nullable and default, and the definition as DataJoint writes it (markup in it is text too).
    assert page.execute_script("return [...document.querySelectorAll('td.default')].map((e) => e.textContent)") == [
        "", "nullable = null"]
    definition = page.execute_script("return document.querySelector('details.definition[open] pre').textContent")
    assert definition == djimport.pipeline_map(*pipeline).tables[node_id(probes, "#probe")]["definition"]
    assert definition.startswith(f"# {XSS}\nprobe : ")
    with pytest.raises(NoAlertPresentException):
        page.switch_to.alert.text
    assert problems(page) == []  # nothing blocked by the page's Content-Security-Policy either


def test_the_notebook_frame_runs_the_map(browser, pipeline, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    notebook = tmp_path / "notebook.html"  # the cell's output, as a notebook puts it into its page
    notebook.write_text(f"<!DOCTYPE html><html><body>{djimport.pipeline_map(*pipeline)._repr_html_()}</body></html>")
    browser.get_log("browser")
    browser.get(notebook.as_uri())
    browser.switch_to.frame(browser.find_element(By.TAG_NAME, "iframe"))
    try:
        search(browser, "Enroll")
        browser.switch_to.active_element.send_keys(Keys.ENTER)
        assert selected(browser) == [node_id(pipeline[2], "enroll")]
        assert panel(browser)["title"] == "Enroll"
    finally:
        browser.switch_to.default_content()
    assert problems(browser) == []


# Links, search, filter, keys and the page (issue 26), on the university pipeline.


def state(driver) -> dict:
    """What the page shows: the URL's fragment, the table selected, the view's viewBox (once the steps of pan and
    zoom have settled into it) and which SVG is shown."""
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(driver, 2).until(lambda d: d.execute_script(
        "return [...document.querySelectorAll('#map svg')].every((svg) => !svg.style.transform)"))
    return driver.execute_script("""
        const shown = document.querySelector("#overview:not([hidden]) svg, #tables:not([hidden]) svg");
        return {hash: decodeURIComponent(location.hash), selected: [...document.querySelectorAll("g.node.selected")]
            .map((g) => g.querySelector("title").textContent), viewBox: shown.getAttribute("viewBox"),
            overview: shown.parentElement.id === "overview"};
    """)


def test_deep_links_open_a_table_and_selecting_one_is_a_step_in_history(page, pipeline, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    catalog, people, enrollment, _ = pipeline
    uri = page.current_url
    for name in (f"{enrollment}.Enroll", f"{enrollment}.enroll"):
        page.get("about:blank")
        page.get(f"{uri}#{name}")
        assert selected(page) == [node_id(enrollment, "enroll")] and in_view(page, node_id(enrollment, "enroll"))
        assert panel(page)["title"] == "Enroll"
    node(page, node_id(people, "student")).click()
    assert state(page)["hash"] == f"#{people}.Student"
    next(a for a in page.find_elements(By.CSS_SELECTOR, "ul.links button") if a.text == "StudentMajor").click()
    assert (state(page)["hash"], selected(page)) == (f"#{people}.StudentMajor", [node_id(people, "student_major")])
    page.back()
    assert (state(page)["hash"], selected(page)) == (f"#{people}.Student", [node_id(people, "student")])
    page.back()
    assert selected(page) == [node_id(enrollment, "enroll")]
    page.execute_script(f"location.hash = {json.dumps('#' + catalog + '.Course')}")  # an address typed
    WebDriverWait(page, 2).until(lambda driver: selected(driver) == [node_id(catalog, "course")])
    # --around opens on its table.
    around = djimport.pipeline_map(around=f"{enrollment}.Enroll").save(tmp_path / "around.html")
    page.get(around.as_uri())
    assert (state(page)["hash"], selected(page)) == (f"#{enrollment}.Enroll", [node_id(enrollment, "enroll")])
    assert problems(page) == []


def test_search_finds_columns_comments_and_near_misses_and_the_filter_dims(page, pipeline):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    catalog, people, enrollment, probes = pipeline
    assert search(page, "first_name")[0].split() == ["Student", f"{people}.student", "column", "first_name"]
    assert search(page, "onerror")[0].split() == ["Probe", f"{probes}.#probe", "comment"]
    assert search(page, "Enrpll")[0].split()[:3] == ["Enroll", f"{enrollment}.enroll", "name,"]  # one letter off
    assert search(page, "Grde")[0].startswith("Grade")
    assert search(page, "qqqzzz") == ["No table matches \u201cqqqzzz\u201d"]
    listed = search(page, "Grade")
    box = page.switch_to.active_element
    box.send_keys(Keys.ARROW_DOWN)
    assert page.find_element(By.CSS_SELECTOR, "#results li.active").text == listed[1]
    box.send_keys(Keys.ENTER)
    assert panel(page)["title"] == listed[1].split()[0]

    def undimmed() -> set[str]:
        return set(page.execute_script("""return [...document.querySelectorAll("#tables g.node:not(.dimmed)")]
            .map((g) => g.querySelector("title").textContent)"""))

    tables = djimport.pipeline_map(*pipeline).tables
    ancestors, frontier = set(), {node_id(enrollment, "enroll")}
    while frontier:
        frontier = {parent for table in frontier for parent in tables[table]["parents"]} - ancestors
        ancestors |= frontier
    assert {tables[table]["class"] for table in ancestors} >= {"Section", "Student", "Course", "Department"}
    typed = page.find_element(By.ID, "filter")
    typed.send_keys("+Enroll")
    assert undimmed() == ancestors | {node_id(enrollment, "enroll")}
    typed.clear()
    typed.send_keys(f"{people}.* Enroll+")
    assert undimmed() == {i for i, t in tables.items() if t["schema"] == people} | {
        node_id(enrollment, "enroll"), node_id(enrollment, "grade")}
    typed.clear()
    typed.send_keys("Nothing+")
    assert page.find_element(By.ID, "filtered").text == "no table matches" and undimmed() == set()
    assert problems(page) == []


def test_keys_legend_wheel_print_and_no_page_wide_scrollbar(page, pipeline):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.actions.wheel_input import ScrollOrigin
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    assert page.find_element(By.ID, "legend").text.split() == ["Manual", "Lookup", "Imported", "Computed", "Part"]
    def view() -> list[float]:
        return [float(number) for number in state(page)["viewBox"].split()]

    home = view()
    width = lambda: view()[2]  # noqa: E731
    over_the_map = ScrollOrigin.from_element(page.find_element(By.ID, "map"))
    ActionChains(page).scroll_from_origin(over_the_map, 0, -200).perform()
    assert view() == home  # the wheel scrolls past a map without focus
    ActionChains(page).key_down(Keys.CONTROL).scroll_from_origin(over_the_map, 0, -200).key_up(Keys.CONTROL).perform()
    assert width() < home[2]  # with Ctrl it zooms
    page.find_element(By.ID, "fit").click()
    page.execute_script("document.getElementById('map').focus()")
    ActionChains(page).scroll_from_origin(over_the_map, 0, -200).perform()
    assert width() < home[2]  # and with the focus
    body = page.find_element(By.TAG_NAME, "body")
    body.send_keys("f")
    assert view() == home
    body.send_keys("+")
    assert width() < home[2]
    body.send_keys("-", "-")
    assert width() > home[2]
    body.send_keys("/")
    assert page.switch_to.active_element.get_attribute("id") == "search"
    search(page, "StudentMajor")
    page.switch_to.active_element.send_keys(Keys.ENTER)
    body.send_keys(Keys.ESCAPE)
    assert panel(page)["hidden"] and state(page)["hash"] == ""
    # A narrow window, the panel of the longest name open: no page-wide horizontal scrollbar; names break at
    # word boundaries only.
    size = page.get_window_size()
    page.set_window_size(520, 700)
    try:
        search(page, "StudentMajor")
        page.switch_to.active_element.send_keys(Keys.ENTER)
        assert page.execute_script("return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        assert page.execute_script("return [...document.querySelectorAll('#panel h2 wbr')].length") == 1
        viewed = view()
        page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        assert page.execute_script("return getComputedStyle(document.querySelector('header')).display") == "none"
        assert view() == viewed  # the current view is printed
    finally:
        page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        page.set_window_size(size["width"], size["height"])
    assert problems(page) == []


# The overview of a pipeline of many schemas.


@pytest.fixture
def many_schemas(connection):
    """100 schemas made by plain SQL, each a Manual table `subject` and a Computed `__session` referencing it and
    the `subject` of two earlier schemas; yields their common prefix."""
    prefix = f"djmap{uuid.uuid4().hex[:6]}"
    names = [f"{prefix}_lab{k:03d}" for k in range(100)]
    try:
        for k, name in enumerate(names):
            create_schema_raw(connection, name, ("subject",))
            parents = {names[k], names[k - 1], names[(k - 1) // 2]} if k else {names[k]}
            columns = ", ".join(f"p{i} int" for i in range(len(parents)))
            keys = ", ".join(f"FOREIGN KEY (p{i}) REFERENCES {quote(connection, parent, 'subject')} (id)"
                             for i, parent in enumerate(sorted(parents)))
            connection.query(f"CREATE TABLE {quote(connection, name, '__session')} (id int PRIMARY KEY, {columns}, {keys})")
        yield prefix
    finally:
        for name in reversed(names):
            drop_schema_raw(connection, name)


def test_the_overview_of_40_and_100_schemas_reads_and_opens_a_schema_in_place(browser, many_schemas, tmp_path):
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    for pattern, count in ((f"{many_schemas}_lab0[0-3]?", 40), (f"{many_schemas}_*", 100)):
        path = djimport.pipeline_map(pattern).save(tmp_path / f"overview{count}.html")
        browser.get_log("browser")
        browser.get(path.as_uri())
        layout = browsers.overview_layout(browser)
        assert layout["overlaps"] == 0 and layout["height"] >= 6.5  # pixels (dot: 4 at 40 schemas)
        assert sorted(layout["inside"]) == [f"{many_schemas}_lab{k:03d}" for k in range(count)]
        assert state(browser)["overview"] and problems(browser) == []
    tooltips = browser.execute_script("return [...document.querySelectorAll('#overview g.edge title')].map((t) => t.textContent)")
    assert f"{many_schemas}_lab000 \u2192 {many_schemas}_lab001: 1 foreign key" in tooltips
    # A click opens a schema in place, zoomed to its tables; back returns to the overview.
    schema = f"{many_schemas}_lab042"
    next(g for g in browser.find_elements(By.CSS_SELECTOR, "#overview g.node") if g.text.startswith(schema)).click()
    assert state(browser)["hash"] == f"#{schema}" and not state(browser)["overview"]
    assert in_view(browser, node_id(schema, "subject")) and in_view(browser, node_id(schema, "__session"))
    browser.back()
    assert state(browser)["overview"]
    # Keys: a schema node takes the focus and Enter opens it; Esc goes back.
    browser.execute_script("document.querySelector('#overview g.node').focus()")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert not state(browser)["overview"]
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    assert state(browser)["overview"]
    # Clicks hit a table at the whole map's zoom and zoomed out as far as the map goes.
    browser.find_element(By.ID, "back")  # present (hidden on the overview)
    browser.get(f"{path.as_uri()}#{schema}")
    for zoomed_out in (False, True):
        browser.find_element(By.ID, "fit").click()
        if zoomed_out:
            browser.find_element(By.TAG_NAME, "body").send_keys(*"-" * 6)
        table = node_id(f"{many_schemas}_lab0{17 + zoomed_out}", "subject")
        x, y = browser.execute_script(
            "const r = arguments[0].getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]",
            node(browser, table))
        actions = ActionBuilder(browser)  # a click where the node is drawn, whatever the page puts over it
        actions.pointer_action.move_to_location(int(x), int(y)).click()
        actions.perform()
        assert selected(browser) == [table]
    assert problems(browser) == []


def test_an_untrusted_notebook_shows_the_picture(browser, pipeline, tmp_path):
    """JupyterLab's sanitizer removes the frame of an untrusted notebook's output: the picture is left, whole."""
    import bleach
    from bleach.css_sanitizer import CSSSanitizer

    shown = bleach.clean(
        djimport.pipeline_map(*pipeline)._repr_html_(), tags=JUPYTERLAB_TAGS, attributes=JUPYTERLAB_ATTRIBUTES,
        protocols=["data", "http", "https"], css_sanitizer=CSSSanitizer(allowed_css_properties=JUPYTERLAB_STYLES),
        strip=True,
    )
    assert "<iframe" not in shown and "<img" in shown
    notebook = tmp_path / "untrusted.html"
    notebook.write_text(f"<!DOCTYPE html><html><body>{shown}</body></html>")
    browser.get_log("browser")
    browser.get(notebook.as_uri())
    width, height, loaded = browser.execute_script("""
        const img = document.querySelector("img"), r = img.getBoundingClientRect();
        return [r.width, r.height, img.naturalWidth > 0 && img.complete];
    """)
    assert loaded and width > 300 and height > 100  # drawn, at a size to see
    assert browser.execute_script("return document.querySelectorAll('iframe, script').length") == 0
    assert problems(browser) == []
