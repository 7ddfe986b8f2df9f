"""Synthetic DataJoint pipelines of a chosen size, with every tier and part tables: the tests' and the benchmarks'."""

from __future__ import annotations

import datajoint as dj

TIERS = ("Manual", "Lookup", "Imported", "Computed")
# Secondary attributes of a master of each tier, of the types and defaults a pipeline's tables have.
COLUMNS = (
    "born = null : date  # birth date\n",
    'label = "" : varchar(64)  # a label\n',
    'started = null : datetime\nnote = "" : varchar(255)\n',
    "score = null : decimal(8,3)\n",
)


def declare_pipeline(
    schema_name: str, tables: int, connection=None, prefix: str = "", upstream: dict[int, type] | None = None
) -> dict[str, type]:
    """Declare ``tables`` tables (parts included) in ``schema_name``; return the master classes.

    Masters cycle through the four tiers, with secondary attributes of several types
    and defaults; every third master has a part table; each master after the first depends on an earlier one,
    alternately in its primary key and in its secondary attributes. Attribute names start with
    ``prefix``; master ``Node<i>`` also references ``upstream[i]`` (a table of
    another schema, whose attributes have another prefix) in its secondary attributes.
    """
    context: dict[str, type] = {f"Upstream{i}": cls for i, cls in (upstream or {}).items()}
    schema = dj.Schema(schema_name, context=context, connection=connection or dj.conn())
    declared = 0
    i = 0
    while declared < tables:
        name = f"Node{i}"
        parent = f"Node{i // 2}" if i else None
        primary = f"-> {parent}\n" if parent and i % 2 else ""
        secondary = f"-> [nullable] {parent}\n" if parent and not i % 2 else ""
        if i in (upstream or {}):
            secondary += f"-> [nullable] Upstream{i}\n"
        body = {
            "definition": (
                f"# node {i}\n{primary}{prefix}node{i}_id : int\n---\n{secondary}{prefix}value{i} = null : float\n"
                + COLUMNS[i % 4]
            ),
        }
        with_part = i % 3 == 0 and declared + 2 <= tables
        if with_part:
            body["Item"] = type("Item", (dj.Part,), {"definition": "-> master\nitem : int\n---\namount = null : decimal(8,3)\n"})
        if TIERS[i % 4] in ("Imported", "Computed"):
            body["make"] = lambda self, key: None
        context[name] = schema(type(name, (getattr(dj, TIERS[i % 4]),), body))
        declared += 2 if with_part else 1
        i += 1
    return context


def declare_pipelines(prefix: str, schemas: int, tables: int, connection=None) -> list[str]:
    """Declare ``schemas`` schemas ``<prefix>_<k>`` of ``tables`` tables each, linked by foreign keys:
    two masters of each schema after the first reference tables of two earlier schemas. Returns the names."""
    names, declared = [], []
    for k in range(schemas):
        upstream = {0: declared[(k - 1) // 2]["Node3"], 5: declared[k - 1]["Node4"]} if k else {}
        names.append(f"{prefix}_{k}")
        declared.append(declare_pipeline(names[-1], tables, connection, prefix=f"s{k}_", upstream=upstream))
    return names
