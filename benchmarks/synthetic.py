"""Synthetic DataJoint schemas of N tables, declared through DataJoint on both lines.

Tables come in groups of five, one per tier, so that every schema has masters
with parts and primary and secondary foreign keys:

    Lookup    Kind{i}                      (lookup, with a secondary FK to the previous group's Subject)
    Manual    Subject{i}     -> Kind{i}     (primary FK)
    Imported  Session{i}     -> Subject{i}  (primary FK), -> Kind{i} (secondary FK)
    Part      Session{i}.Trial -> master, -> [nullable] Kind{i} (secondary FK)
    Computed  Result{i}      -> Session{i}
"""

from __future__ import annotations

import datajoint as dj

GROUP = 5


def _group(i: int, previous: str | None) -> dict[str, type]:
    kind = type(f"Kind{i}", (dj.Lookup,), {"definition": f"""
        kind{i} : varchar(16)   # kind of subject
        ---
        label : varchar(64)
        """ + (f"-> [nullable] {previous}\n" if previous else "")})
    subject = type(f"Subject{i}", (dj.Manual,), {"definition": f"""
        -> Kind{i}
        subject{i} : int
        ---
        born = null : date      # birth date
        """})
    trial = type("Trial", (dj.Part,), {"definition": f"""
        -> master
        trial : smallint
        ---
        -> [nullable] Kind{i}
        value : decimal(8,3)
        """})
    session = type(f"Session{i}", (dj.Imported,), {"definition": f"""
        -> Subject{i}
        session : smallint
        ---
        -> Kind{i}
        started : datetime
        note = "" : varchar(255)
        """, "Trial": trial})
    result = type(f"Result{i}", (dj.Computed,), {"definition": f"""
        -> Session{i}
        ---
        score : decimal(8,3)
        """})
    return {cls.__name__: cls for cls in (kind, subject, session, result)}


def declare(schema_name: str, n_tables: int) -> int:
    """Create schema ``schema_name`` holding ``n_tables`` tables (a multiple of five); returns the count."""
    if n_tables % GROUP:
        raise ValueError(f"n_tables must be a multiple of {GROUP}, got {n_tables}")
    schema = dj.Schema(schema_name, create_schema=True, create_tables=True)
    context: dict[str, type] = {}
    previous = None
    for i in range(n_tables // GROUP):
        classes = _group(i, previous)
        context.update(classes)
        for cls in classes.values():
            context[cls.__name__] = schema(cls, context=context)
        previous = f"Subject{i}"
    return n_tables

