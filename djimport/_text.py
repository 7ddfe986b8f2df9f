"""Catalog text (names, comments, defaults, enum values) as data wherever it leaves djimport.

Anyone with CREATE privilege on a shared server chooses that text, and djimport writes it into Python
source, DataJoint definitions, Graphviz input, web pages and terminals that other people run and read.
This module is the one place that turns it into each: Python string literals and comments (escaped, never
pasted between quotes), Python names (checked, keywords mapped), one line for a DataJoint definition
(refused when DataJoint's parser or its SQL would read it as syntax), and terminal text (control and
bidi characters made visible). DOT goes through the graphviz package's own quoting (``._diagram``), HTML
through text nodes (``_map.js``) of text made visible here (``._map``).
"""

from __future__ import annotations

import keyword
import re
import unicodedata

# Characters shown as escapes: controls (NUL, ESC, line breaks), format characters (bidi overrides, zero
# widths), line and paragraph separators, surrogates, private use, unassigned.
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
# What a DataJoint definition cannot carry faithfully in a comment, a default or a type: a line break (its
# parser splits lines at "\n"; U+2028 and the like pass, escaped in the literal), a backslash (MySQL reads it
# as an escape in the SQL DataJoint writes), `%` (the driver reads it as a placeholder), other controls.
_UNDECLARABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\\%]")
# DataJoint 2.x on PostgreSQL writes a column comment as a standard string literal: a backslash is a backslash.
_UNDECLARABLE_POSTGRESQL = re.compile(r"[\x00-\x1f\x7f-\x9f%]")
# DataJoint pastes a table comment between double quotes into its CREATE TABLE, a default between double quotes
# into the definition it reconstructs, and (2.x) a type into a column's comment, between double quotes too.
_UNDECLARABLE_QUOTED = re.compile(r'[\x00-\x1f\x7f-\x9f\\%"]')
# DataJoint 2.x writes a type as ":type:comment" in the column's comment and reads it back split at ":".
_UNDECLARABLE_TYPE = re.compile(r'[\x00-\x1f\x7f-\x9f\\%":]')
_ATTRIBUTE_NAME = re.compile(r"[a-z][a-z0-9_]*")  # DataJoint's attribute parser


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def escaped(text: str) -> str:
    """``text`` on one line, as it reads inside a Python string literal: backslashes doubled, every control,
    format or separator character (line breaks, NUL, ESC, bidi overrides) as an escape (``\\x1b``, ``\\u202e``).
    The body of every string literal djimport writes."""
    return "".join(
        "\\\\" if char == "\\" else _escape(char) if unicodedata.category(char) in _INVISIBLE else char
        for char in text
    )


def string_body(text: str, lines: bool = True) -> str:
    """``text`` escaped to go between triple double quotes: as :func:`escaped` (keeping its line breaks if
    ``lines``), with each ``"`` escaped that a ``"`` or the closing quotes follow, so that no three quotes close
    the literal early."""
    parts = text.split("\n") if lines else [text]
    return re.sub(r'"(?="|\Z)', r'\\"', "\n".join(escaped(part) for part in parts))


def string_literal(text: str) -> str:
    """``text`` as a one-line Python string literal between double quotes (as :func:`escaped`, ``"`` escaped)."""
    return '"' + escaped(text).replace('"', '\\"') + '"'


def python_name(name: str) -> bool:
    """Whether generated Python can spell ``name`` as a name that means it: an identifier, not a keyword,
    unchanged by the NFKC normalisation Python applies to identifiers (``lab_ﬁx`` reads as ``lab_fix``)."""
    return name.isidentifier() and not keyword.iskeyword(name) and unicodedata.normalize("NFKC", name) == name


def attribute_name(class_name: str) -> str:
    """The name a table class has in its module: DataJoint's class name, with a trailing ``_`` when that is a
    Python keyword (table ``false``: ``False_``, as PEP 8 suggests). DataJoint names the table after the class's
    ``__name__``, which stays DataJoint's."""
    return class_name + "_" if keyword.iskeyword(class_name) else class_name


def definition_problem(table_comment: str, attributes: list[tuple[str, str, str, str]], backend: str) -> str | None:
    """Why a DataJoint definition cannot carry a table's text faithfully (``None`` when it can): its comment, or
    an attribute's name, type, default or comment (``attributes``: name, type, default, comment), on a server of
    ``backend``. What it names is shown as a Python literal."""
    if _unfit(_UNDECLARABLE_QUOTED, table_comment):
        return f"its comment {table_comment!r} holds what a DataJoint definition cannot carry"
    patterns = {"type": _UNDECLARABLE_TYPE, "default": _UNDECLARABLE_QUOTED,
                "comment": _UNDECLARABLE_POSTGRESQL if backend == "postgresql" else _UNDECLARABLE}
    for name, type_, default, comment in attributes:
        if not _ATTRIBUTE_NAME.fullmatch(name):
            return f"its column {name!r} is not a name a DataJoint definition can declare"
        for what, text in (("type", type_), ("default", default), ("comment", comment)):
            if _unfit(patterns[what], text):
                return f"the {what} of its column {name} ({text!r}) holds what a DataJoint definition cannot carry"
    return None


def _unfit(pattern: re.Pattern[str], text: str) -> bool:
    # DataJoint strips what surrounds a comment or default and the "#"s ending a comment, and reads a comment
    # starting with ":" as a type
    return bool(pattern.search(text)) or text != text.strip() or text.startswith(":") or text.endswith("#")


def has_invisible(text: str) -> bool:
    """Whether :func:`visible` would show ``text`` otherwise than as it is."""
    return any(unicodedata.category(char) in _INVISIBLE for char in text)


def visible(text: str) -> str:
    """``text`` for a terminal: control characters as Python writes them (ESC as ``\\x1b``, a line break as
    ``\\n``), other invisible ones (bidi overrides, zero widths, separators) as ``<U+202E>``."""
    return "".join(
        char if unicodedata.category(char) not in _INVISIBLE
        else repr(char)[1:-1] if unicodedata.category(char) == "Cc"
        else f"<U+{ord(char):04X}>"
        for char in text
    )
