"""One description of each schema, read from the catalog: its tables with their attributes (types,
nullability, defaults, comments), primary and foreign keys, tiers and parts, in two statements for any
number of schemas. The stubs and the export are written from it."""

from __future__ import annotations

import re
from typing import NamedTuple

from . import _datajoint
from ._build import modelled
from ._catalog import ForeignKey, Keys, describe_attributes_of, list_keys_of
from ._datajoint import Connection


class Attribute(NamedTuple):
    """One column: its type (the one DataJoint declared, as :func:`._catalog.describe_attributes_of` gives it),
    whether it may be NULL, its default as the server writes it (None for none), comment, whether it is in
    the primary key, and the values of its enum type (None for another type)."""

    name: str
    type: str
    nullable: bool
    default: str | None
    comment: str
    in_key: bool
    enum_values: tuple[str, ...] | None


def _enum_values(column_type: str) -> tuple[str, ...] | None:
    """The values of a MySQL ``enum('a','b')`` type, None for another type."""
    match = re.match(r"enum\((.*)\)", column_type, re.S)
    return None if match is None else tuple(v.replace("''", "'") for v in re.findall(r"'((?:[^']|'')*)'", match[1]))


class Table(NamedTuple):
    """One table a module has a class for."""

    name: str
    comment: str
    attributes: tuple[Attribute, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]

    @property
    def master(self) -> str | None:
        """The table name of a part's master (None for a master)."""
        return _datajoint.tier_of(self.name)[1]


class Schema(NamedTuple):
    """The tables of one schema a module has classes for, by table name (sorted), and the schema's keys."""

    name: str
    tables: dict[str, Table]
    keys: Keys


def read(connection: Connection, schemas: list[str]) -> dict[str, Schema]:
    """The description of each of ``schemas`` on ``connection``, in two statements however many they are."""
    described, keys = describe_attributes_of(connection, schemas), list_keys_of(connection, schemas)
    result = {}
    for schema in schemas:
        foreign: dict[str, list[ForeignKey]] = {}
        for fk in keys[schema].foreign:
            foreign.setdefault(fk.table, []).append(fk)
        tables = {}
        for table in modelled(tuple(sorted(described[schema]))):
            comment, columns = described[schema][table]
            attributes = tuple(Attribute(c.name, c.type, nullable, default, c.comment, c.in_key,
                                         _enum_values(c.type) if labels is None else labels)
                               for c, nullable, default, labels in columns)
            tables[table] = Table(table, comment, attributes, keys[schema].primary.get(table, ()),
                                  tuple(foreign.get(table, ())))
        result[schema] = Schema(schema, tables, keys[schema])
    return result
