"""The hostile corpus: names, comments, defaults and enum values that anyone with CREATE privilege on a shared
server may choose, through export (and a declaration of its file), stubs, diagrams, the map and the terminal.

Each attack's code would create the file PWNED in the working directory: the tests run in a temporary one and
check that no such file appears. What DataJoint can declare is exported faithfully (declared again in a fresh
schema, the headings compared); what it cannot is left out with one line saying why.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import textwrap
import unicodedata
import uuid
import warnings
import xml.etree.ElementTree as ElementTree

import pytest
from hypothesis import given, strategies as st

import djimport
from djimport import _text
from djimport._api import diagram_selection
from djimport._catalog import list_all_tables, list_keys
from djimport._datajoint import IS_V2, tier_of
from djimport._diagram import svg as render_svg
from djimport._names import quoted
from djimport.cli import main
from djimport.export import UnreadableTable, export
from djimport.stubs import stub_source, write_stubs
from tests.helpers import backend, declare_exported, drop_schema_raw, quote

RUN = '__import__("os").system("touch PWNED")'
"""What each attack runs if it gets through: a file PWNED in the working directory."""

# Tables with DataJoint names whose text DataJoint can declare: exported and declared again, unchanged.
KEYWORDS = ("none", "#true", "false")  # classes None_, True_, False_ (and the part False_.None_)
BUILTINS = ("exception", "any", "iterator")  # classes Exception, Any, Iterator: shadow what stubs use
# Tables DataJoint cannot declare as they are: left out of the export, each with its reason.
REFUSED = {
    "injected": "its comment",  # a line break then `-> ... or dj.Manual`: a definition line that runs code
    "quoted_comment": "its comment",  # `"""`: DataJoint pastes a table comment between double quotes into SQL
    "esc_comment": "the comment of its column",  # ESC ... OSC 8 hyperlink
    "newline_comment": "the comment of its column",
    "backslash_default": "the default of its column",  # a"""b\'c
    "quote_default": "the default of its column",  # DataJoint writes a default between double quotes
    "linked": "which has no class",  # references the tables below, outside DataJoint's names
}
# Tables outside DataJoint's names (no class): drawn as referenced by `linked`, never code.
ODD = (
    "Innocent;from os import system;system('touch PWNED')",
    "evil\\",
    "a:b",
    "n[URL=<javascript:alert(1)>]",
    'x"] [URL="javascript:alert(2)" label="y',
)
INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"}


class Corpus:
    """The hostile schemas of one test: names chosen to break what names reach."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.backend = backend(connection)
        prefix = f"djtest_{uuid.uuid4().hex[:8]}"
        self.prefix = prefix
        # `"""` (`'''` on PostgreSQL, where DataJoint cannot use a schema name holding a double quote), a line
        # break, ESC sequences (clear the screen; retitle the terminal) and a bidi override.
        quotes = '"""' if self.backend == "mysql" else "'''"
        self.evil = prefix + f"_e{quotes}\n\x1b[2J\x1b]0;pwned\x07\u202eexe_txt"
        self.lab, self.ligature = prefix + "_lab_fix", prefix + "_lab_\ufb01x"  # one name after NFKC
        # Never imported: DataJoint 0.14 pastes the names of the schemas it loads into its own SQL between
        # quotes, so a schema ending in a backslash breaks DataJoint itself; diagrams draw it from the catalog.
        self.slash = prefix + "_b:c[URL=<javascript:alert(3)>]\\"
        self.fresh = prefix + "_fresh"
        self.long = "long_" + "x" * (58 if self.backend == "postgresql" else 59)  # 63 bytes on PostgreSQL, 64
        self.created: list[str] = []

    def q(self, *names: str) -> str:
        return quote(self.connection, *names)

    def schema(self, name: str) -> None:
        kind = "SCHEMA" if self.backend == "postgresql" else "DATABASE"
        self.connection.query(f"CREATE {kind} {self.q(name)}")
        self.created.append(name)

    def table(self, schema: str, name: str, columns=(), comment: str = "", foreign=()) -> None:
        """``columns``: (name, SQL type, default or None, comment); ``id int`` is the primary key.
        ``foreign``: (column, referenced schema, referenced table)."""
        postgres = self.backend == "postgresql"
        parts, args = [f"{self.q('id')} int NOT NULL"], []
        for column, type_, default, column_comment in columns:
            text = f"{self.q(column)} {type_} NOT NULL"
            if default is not None:
                text += " DEFAULT %s"
                args.append(default)
            if column_comment and not postgres:
                text += " COMMENT %s"
                args.append(column_comment)
            parts.append(text)
        parts.append(f"PRIMARY KEY ({self.q('id')})")
        for column, ref_schema, ref_table in foreign:
            parts.append(f"FOREIGN KEY ({self.q(column)}) REFERENCES {self.q(ref_schema, ref_table)} ({self.q('id')})")
        statement = f"CREATE TABLE {self.q(schema, name)} ({', '.join(parts)})"
        if not postgres:
            statement += " COMMENT=%s"
            args.append(comment)
        self.connection.query(statement, args)
        if postgres:
            if comment:
                self.connection.query(f"COMMENT ON TABLE {self.q(schema, name)} IS %s", (comment,))
            for column, _, _, column_comment in columns:
                if column_comment:
                    self.connection.query(f"COMMENT ON COLUMN {self.q(schema, name)}.{self.q(column)} IS %s",
                                          (column_comment,))

    def create(self) -> None:
        mysql = self.backend == "mysql"
        for name in (self.evil, self.lab, self.ligature, self.slash):
            self.schema(name)
        for schema in (self.lab, self.ligature, self.slash):
            self.table(schema, "subject")
        evil = self.evil
        for name in (*KEYWORDS, *BUILTINS, self.long):
            self.table(evil, name, comment=f"table {name}")
        self.table(evil, "false__none", foreign=[("id", evil, "false")])
        # Declarable however hostile: `#`, `->`, quotes, `:`, a bidi override, an isolate, a line separator
        # U+2028 (Python's str.splitlines splits there, DataJoint does not), a look-alike.
        self.table(evil, "texts", comment="a -> b # c: 'd' \u202e \ufb01",
                   columns=[("sharp", "varchar(20)", "a#b", "it's # not -> a key"),
                            ("quote", "varchar(20)", "it's", "\u202ebidi \u2066isolate\u2069 \u2028separator"),
                            ("ligature", "varchar(20)", None, "look-alike \ufb01"),
                            *([("choice", "enum('a#b','x->y')", "x->y", "an enum")] if mysql else
                              # PostgreSQL: DataJoint 2.x writes a comment as a standard string, backslashes and all
                              [("path", "int", None, "C:\\new\\x1b \\N{BEL}")])])
        if mysql:  # DataJoint 2.3 on PostgreSQL stores a column comment's double quotes backslash-escaped
            self.table(evil, "quotes", columns=[("q", "int", None, f'"""; {RUN} # x')])
        self.table(evil, "injected", comment=f"a line\n-> {RUN} or dj.Manual")
        self.table(evil, "quoted_comment", comment=f'end """ + {RUN} + """')
        self.table(evil, "esc_comment", columns=[("c", "int", None, "\x1b]8;;https://evil\x07click\x1b]8;;\x07")])
        self.table(evil, "newline_comment", columns=[("c", "int", None, f"x\n-> {RUN}")])
        self.table(evil, "backslash_default", columns=[("c", "varchar(20)", "a\"\"\"b\\'c", "")])
        self.table(evil, "quote_default", columns=[("c", "varchar(20)", 'say "hi"', "")])
        if mysql:
            self.table(evil, "quote_enum", columns=[("c", "enum('a:b','q\"\"\"')", None, "")])
        if mysql:  # PostgreSQL's text holds no NUL
            self.table(evil, "nul_comment", columns=[("c", "int", None, "a\x00b")])
            # MySQL reads a backslash in DataJoint's SQL as an escape: `\"` would end the comment's string
            self.table(evil, "backslash_comment", columns=[("c", "int", None, 'a\\", b int, "')])
        for name in ODD:
            self.table(evil, name)
        columns = [(f"r{i}", "int", None, "") for i in range(len(ODD))]
        self.table(evil, "linked", columns=columns, foreign=[(f"r{i}", evil, name) for i, name in enumerate(ODD)])
        self.table(evil, "uses_lab", columns=[("a", "int", None, ""), ("b", "int", None, "")],
                   foreign=[("a", self.lab, "subject"), ("b", self.ligature, "subject")])

    def refused(self) -> dict[str, str]:
        mysql = {"nul_comment": "the comment of its column", "quote_enum": "the type of its column",
                 "backslash_comment": "the comment of its column"}
        if not IS_V2:  # DataJoint 0.14 declares names of up to 63 characters
            mysql[self.long] = "its name is longer than 63 characters"
        return {**REFUSED, **(mysql if self.backend == "mysql" else {})}

    def declarable(self) -> set[str]:
        """The tables of the hostile schema that the export declares."""
        return {table for table in list_all_tables(self.connection)[self.evil]
                if tier_of(table)[0] is not None and table not in self.refused()}

    def drop(self) -> None:
        for name in (self.fresh, *self.created):  # the hostile schema first: it references the others
            drop_schema_raw(self.connection, name)


@pytest.fixture
def corpus(connection, tmp_path, monkeypatch):
    """The hostile schemas, made by plain SQL; the working directory a new empty one (where PWNED would appear)."""
    made = Corpus(connection)
    try:
        made.create()
        monkeypatch.chdir(tmp_path)
        yield made
        assert not (tmp_path / "PWNED").exists()
    finally:
        made.drop()


def no_marker():
    assert not os.path.exists("PWNED"), "an attack ran code"


def load(name: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return djimport.load(name)


def one_statement(code: str) -> ast.stmt:
    body = ast.parse(code).body
    assert len(body) == 1, code
    return body[0]


def shown_cleanly(text: str) -> None:
    """No control, format or separator character but line breaks: what a terminal shows as it is."""
    raw = {char for char in text if unicodedata.category(char) in INVISIBLE} - {"\n"}
    assert not raw, (sorted(map(hex, map(ord, raw))), text)


# Export: the file declares what DataJoint can declare, unchanged, and runs nothing else.


def heading_of(connection, schema: str, tables) -> dict[str, tuple]:
    """Table -> (comment, attributes) as djimport's module reads them (DataJoint 2.3 on PostgreSQL cannot read
    odd schema names itself: see tests.helpers.DATAJOINT_PG_NAMES)."""
    module = load(schema)
    result = {}
    for table in tables:
        heading = module.__loader__.classes[table].heading
        attributes = [(a.name, a.type, a.in_key, a.nullable, a.default, a.comment, a.autoincrement)
                      for a in heading.attributes.values()]
        result[table] = (heading.table_status["comment"], attributes)
    return result


def foreign_keys(connection, schema: str) -> set[tuple]:
    return {(fk.table, fk.columns, "SELF" if fk.ref_schema == schema else fk.ref_schema, fk.ref_table, fk.ref_columns)
            for fk in list_keys(connection, schema).foreign}


def test_export_declares_what_datajoint_can_and_names_the_rest(corpus, connection, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        source = export(load(corpus.evil))
    skipped = [str(w.message) for w in caught if issubclass(w.category, UnreadableTable)]
    (tmp_path / "exported.py").write_text(source)
    compile(source, "exported.py", "exec")
    header = ast.get_docstring(ast.parse(source))
    assert header.startswith(f"DataJoint schema {quoted(corpus.backend, corpus.evil)}, exported by djimport from ")
    assert "root" not in header.split(".")[0] and str(connection.conn_info["port"]) not in header  # no user, no port
    refused = corpus.refused()
    left_out = source.partition("# Tables left out:\n")[2].partition("\n\n")[0].splitlines()
    assert len(left_out) == len(refused) == len(skipped)
    for table, why in refused.items():
        assert sum(_text.visible(table) in line and why in line for line in left_out) == 1, (table, left_out)
    for line in source.splitlines():
        shown_cleanly(line)
    if corpus.backend == "mysql":  # DataJoint 2.x's ~lineage holds the name lab_ﬁx: not in the server's latin1
        connection.query(f"CREATE DATABASE {corpus.q(corpus.fresh)} CHARACTER SET utf8mb4")
    declare_exported(source, corpus.evil, corpus.fresh)
    no_marker()
    declared = corpus.declarable()
    assert {t for t in list_all_tables(connection)[corpus.fresh] if not t.startswith("~")} == declared
    assert heading_of(connection, corpus.fresh, declared) == heading_of(connection, corpus.evil, declared)
    kept = {fk for fk in foreign_keys(connection, corpus.evil) if fk[0] in declared}
    assert foreign_keys(connection, corpus.fresh) == kept  # uses_lab: lab_fix and lab_ﬁx, each its own
    assert {fk[2] for fk in kept if fk[0] == "uses_lab"} == {corpus.lab, corpus.ligature}
    module = load(corpus.evil)
    assert (module.None_, module.True_, module.False_, module.False_.None_) == tuple(
        module.__loader__.classes[t] for t in ("none", "#true", "false", "false__none"))
    assert "False_ is table" in module.__doc__ and "False is a Python keyword" in module.__doc__


@given(st.text())
def test_string_body_is_the_text_between_triple_quotes(text):
    assert ast.literal_eval('"""' + _text.string_body(text) + '"""') == text
    assert "\r" not in _text.string_body(text) and "\x00" not in _text.string_body(text)


@given(st.text())
def test_escaped_and_visible_text_hold_no_invisible_character(text):
    for shown in (_text.escaped(text), _text.visible(text)):
        assert not any(unicodedata.category(char) in INVISIBLE for char in shown)
    assert ast.literal_eval('"' + _text.escaped(text).replace('"', '\\"') + '"') == text


def test_keywords_builtins_and_look_alikes_as_python_names():
    assert [_text.attribute_name(n) for n in ("False", "None", "True", "Class", "Exception")] == [
        "False_", "None_", "True_", "Class", "Exception"]
    assert not _text.python_name("lab_\ufb01x") and _text.python_name("lab_fix")
    assert not _text.python_name("class") and not _text.python_name("a;b")


# Stubs: parsed, nothing but declarations, type-checked.


def test_stubs_declare_classes_only_and_type_check(corpus, tmp_path):
    pytest.importorskip("mypy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnreadableTable)
        source = stub_source(load(corpus.evil))
    tree = ast.parse(source)
    allowed = (ast.ImportFrom, ast.Import, ast.ClassDef, ast.AnnAssign, ast.Assign)
    assert all(isinstance(node, allowed) for node in tree.body[1:]), [type(n) for n in tree.body]  # after its docstring
    for cls in (node for node in tree.body if isinstance(node, ast.ClassDef) and not node.name.startswith("_")):
        assert isinstance(cls.body[0], ast.Expr) and isinstance(cls.body[0].value, ast.Constant)  # its docstring
        assert all(isinstance(node, ast.ClassDef) for node in cls.body[1:])
    # The only calls: the type variables and the rows' TypedDicts, of string literals and annotations only.
    for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call)):
        assert isinstance(call.func, ast.Name) and call.func.id in ("_TypeVar", "_TypedDict"), ast.unparse(call)
        assert isinstance(call.args[0], ast.Constant) and all(isinstance(a, (ast.Constant, ast.Dict)) for a in call.args)
        for key in (k for a in call.args if isinstance(a, ast.Dict) for k in a.keys):
            assert isinstance(key, ast.Constant) and isinstance(key.value, str)
    for line in source.splitlines():
        shown_cleanly(line)
    assert ast.get_docstring(tree).startswith("DataJoint schema ")
    stubs = tmp_path / "stubs"
    write_stubs([corpus.lab], stubs)
    (stubs / "djschemas" / "hostile.pyi").write_text(source)
    script = tmp_path / "user_script.py"
    script.write_text(textwrap.dedent("""
        import djschemas.hostile as h
        print(h.False_, h.False_.None_, h.None_, h.True_, h.Exception, h.Any, h.Iterator, h.Texts - h.Any)
        """))
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), str(script), str(stubs)],
        env=dict(os.environ, MYPYPATH=str(stubs)), capture_output=True, text=True, timeout=300,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    no_marker()


# Diagrams: one node per table, names as text, no link.


def test_diagram_draws_each_table_once_as_text(corpus, connection, tmp_path):
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's `dot` is not installed")
    graph = djimport.diagram(corpus.prefix + "_*")
    svg = render_svg(graph)
    assert "href" not in svg  # no link: `javascript:` only as text
    selection = diagram_selection(corpus.prefix + "_*")
    shown = {(s, t): label for part in (selection.tables, selection.referenced) for s, tables in part.items()
             for t, label in tables.items()}
    assert set(ODD) <= {t for s, t in shown if s == corpus.evil}
    root = ElementTree.fromstring(svg)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    nodes = root.findall(".//svg:g[@class='node']", ns)
    assert len(nodes) == len(shown)
    labels = sorted("".join(text.itertext()) for node in nodes for text in node.findall("svg:text", ns))
    assert labels == sorted(map(_text.visible, shown.values()))
    clusters = ["".join(text.itertext()) for g in root.findall(".//svg:g[@class='cluster']", ns)
                for text in g.findall("svg:text", ns)]
    assert corpus.slash in clusters and _text.visible(corpus.evil) in clusters
    for argv in (["diagram", "--all", "-o", "all.svg"], ["diagram", corpus.prefix + "_*", "-o", "map.html"]):
        assert main(argv) == 0
    assert "href" not in (tmp_path / "all.svg").read_text()
    no_marker()


# The map: no script but its own, no element but its own; each import line one statement doing what it says.


def test_map_shows_a_definition_only_where_it_carries_the_text(corpus):
    """A definition in the map's panel is one a colleague may copy: a table whose comment, column text or parent
    a definition cannot carry shows one line saying why, never the text as extra definition lines."""
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's `dot` is not installed")
    tables = {(entry["schema"], entry["table"]): entry for entry in djimport.pipeline_map(corpus.prefix + "_*").tables.values()}
    # uses_lab references the schema lab_\ufb01x, which a `-> schema.Class` line would write as lab_fix (NFKC);
    # texts holds bidi controls and a line separator, which the page shows escaped: a definition copied from it
    # would not be the table's
    refused = {**{table: why for table, why in corpus.refused().items() if table != corpus.long},
               "uses_lab": "its reference to", "texts": "holds an invisible character"}
    for (schema, table), entry in tables.items():
        lines = entry["definition"].split("\n")
        if schema == corpus.evil and table in refused:
            assert len(lines) == 1 and lines[0].startswith("No definition: ") and refused[table] in lines[0], lines
            continue
        assert not lines[0].startswith("No definition"), (table, lines)
        assert not {char for char in entry["definition"] if unicodedata.category(char) == "Cc"} - {"\n"}, lines
        # `-> ` lines are the table's foreign keys (one parent each here), nothing a comment or default brought
        assert [line for line in lines if line.startswith("->")] == [f"-> {tables[schema, t]['class']}" for t in (
            {"false__none": ["false"]}.get(table, []))], lines
    assert {table for schema, table in tables if schema == corpus.evil} >= set(refused) | set(ODD)


def test_map_runs_nothing_and_offers_one_statement_per_table(corpus, connection, tmp_path):
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's `dot` is not installed")
    from tests import browser as browsers

    pipeline_map = djimport.pipeline_map(corpus.prefix + "_*")
    for entry in pipeline_map.tables.values():
        statement = one_statement(entry["import"])
        if tier_of(entry["table"])[0] is None:  # no class: its FreeTable, the name a string literal
            assert isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call)
            assert ast.unparse(statement.value.func) == "dj.FreeTable"
            name = statement.value.args[1].value
            assert name == quote(connection, entry["schema"], entry["table"]).replace("%%", "%")
        elif isinstance(statement, ast.Assign):  # djimport.load('<schema>').Class
            assert statement.value.value.args[0].value == entry["schema"]
        else:
            assert isinstance(statement, ast.ImportFrom) and statement.names[0].name == entry["class"].split(".")[0]
    path = pipeline_map.save(tmp_path / "map.html")
    # What the page holds of names and comments, with every bidi control, separator and control character
    # escaped (the definitions' line breaks are JSON escapes in it)
    page = path.read_text("utf-8")
    start = page.index('id="map-data">') + len('id="map-data">')
    data = page[start:page.index("</script>", start)]
    assert not {char for char in data if unicodedata.category(char) in INVISIBLE}
    try:
        with browsers.chromium() as driver:
            from selenium.common.exceptions import NoAlertPresentException

            driver.get(path.as_uri())
            nodes = driver.execute_script("return document.querySelectorAll('#map svg g.node').length")
            assert nodes == len(pipeline_map.tables)
            from selenium.webdriver.common.action_chains import ActionChains
            from selenium.webdriver.common.by import By

            clicked = set()
            for node in driver.find_elements(By.CSS_SELECTOR, "#map svg g.node"):
                ActionChains(driver).move_to_element(node).click().perform()
                selected, shown = driver.execute_script("""
                    const node = document.querySelector("g.node.selected");
                    return [node && node.querySelector("title").textContent,
                            document.querySelector("#panel code.import")?.textContent];
                """)
                if selected is not None:
                    clicked.add(selected)
                    assert shown == pipeline_map.tables[selected]["import"]
            assert len(clicked) > len(pipeline_map.tables) / 2  # most nodes are clear of their neighbours
            texts = next(node for node, entry in pipeline_map.tables.items()
                         if entry["schema"] == corpus.evil and entry["table"] == "texts")
            named = driver.execute_script(  # the table's name as the page's links write it
                "const t = JSON.parse(document.getElementById('map-data').textContent).tables[arguments[0]];"
                "return encodeURIComponent(`${t.schema}.${t.table}`);", texts)
            driver.get(f"{path.as_uri()}#{named}")
            panel = driver.execute_script("return document.querySelector('#panel:not([hidden])')?.textContent")
            assert "<U+202E>bidi <U+2066>isolate<U+2069> <U+2028>separator" in panel and "c: 'd' <U+202E>" in panel
            assert not {char for char in panel if unicodedata.category(char) in INVISIBLE}
            assert driver.execute_script("""
                return [document.scripts.length,
                        document.querySelectorAll("img, iframe, object, embed, link, meta[http-equiv=refresh], [href]," +
                                                  "a[*|href]").length,
                        [...document.querySelectorAll("*")].filter((e) => [...e.attributes].some(
                            (a) => a.name.startsWith("on") || /javascript:/i.test(a.value))).length]
            """) == [2, 0, 0]
            with pytest.raises(NoAlertPresentException):
                driver.switch_to.alert.text
            assert [e for e in driver.get_log("browser") if e["level"] in ("WARNING", "SEVERE")] == []
    except browsers.Unavailable as exc:
        if os.environ.get("DJIMPORT_REQUIRE_BACKENDS"):
            pytest.fail(f"no browser: {exc}")
        pytest.skip(f"no browser: {exc}")
    no_marker()


# The terminal: list, show, __doc__ and warnings show control and bidi characters as escapes.


def test_list_show_and_doc_show_no_raw_control_character(corpus, capsys):
    assert main(["list"]) == 0
    listed = capsys.readouterr()
    shown_cleanly(listed.out + listed.err)
    assert _text.visible(corpus.evil) in listed.out and "\\x1b[2J" in listed.out and "<U+202E>" in listed.out
    assert main(["show", corpus.evil]) == 0
    show = capsys.readouterr()
    shown_cleanly(show.out + show.err)
    assert "False_" in show.out and _text.visible("a -> b # c: 'd' \u202e \ufb01") in show.out
    shown_cleanly(load(corpus.evil).__doc__)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        djimport.invalidate_caches()
        sys.modules.pop(f"djschemas.{corpus.evil}", None)
        djimport.load(corpus.evil)
    for warning in caught:
        shown_cleanly(str(warning.message))
    assert main(["export", corpus.evil, "-o", "x.py"]) == 1  # tables left out: exit 1, one line each
    shown_cleanly(capsys.readouterr().err)
    assert main(["stubs", "-o", "typings"]) == 0  # every schema an import can name; the others listed
    stubs = capsys.readouterr()
    shown_cleanly(stubs.out + stubs.err)
    assert f"skipped schemas whose names are not Python identifiers: " in stubs.err and corpus.ligature in stubs.err
    no_marker()


# Error hints: code built with repr, one statement.


def test_error_hints_are_one_statement_naming_the_table(corpus, connection):
    for name in ODD:
        with pytest.raises(LookupError) as raised:
            djimport.table((corpus.evil, name))
        message = str(raised.value)
        shown_cleanly(message)
        code = message.partition("reach it with ")[2].removesuffix(".")
        call = one_statement(code).value
        assert ast.unparse(call.func) == "dj.FreeTable"
        assert call.args[1].value == quote(connection, corpus.evil, name).replace("%%", "%")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load(corpus.evil)
        djimport.invalidate_caches()
        sys.modules.pop(f"djschemas.{corpus.evil}", None)
        djimport.load(corpus.evil)
    hatches = [str(w.message).partition("(reach it with ")[2].removesuffix(")") for w in caught]
    for code in filter(None, hatches):
        assert ast.unparse(one_statement(code).value.func) == "dj.FreeTable"
    no_marker()


def test_reload_hint_names_the_module_as_a_literal(corpus):
    from djimport._stale import reload_hint

    name = f"djschemas.{corpus.evil}"
    tree = ast.parse(reload_hint(name))
    literals = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)]
    assert literals == [name]


def test_stale_table_errors_show_names_visibly(corpus, connection):
    module = load(corpus.evil)
    texts = module.__loader__.classes["texts"]
    connection.query(f"DROP TABLE {corpus.q(corpus.evil, 'texts')}")  # a colleague, within the TTL
    with pytest.raises(Exception, match="is no longer on the server") as raised:
        len(texts())
    shown_cleanly(str(raised.value))
    assert _text.visible(corpus.evil) in str(raised.value)
    no_marker()
