"""What the stubs tell type checkers about DataJoint: the class-level API of each DataJoint line (a preamble
of typed base classes, since DataJoint has no type information) and the Python type of each attribute.

Every name a stub defines for itself starts with ``_`` (imports aliased, ``_Row_<Class>`` for rows): a table
class is never named so (DataJoint's class names start with a capital), so no table can shadow them.
"""

from __future__ import annotations

import re

from ._description import Attribute
from ._text import string_literal

IMPORTS = """\
import datetime as _datetime
import decimal as _decimal
import uuid as _uuid
from typing import (
    Any as _Any,
    ClassVar as _ClassVar,
    Generic as _Generic,
    Iterator as _Iterator,
    Literal as _Literal,
    Mapping as _Mapping,
    Optional as _Optional,
    Sequence as _Sequence,
    TypeVar as _TypeVar,
    overload as _overload,
)

from typing_extensions import NotRequired as _NotRequired, TypedDict as _TypedDict

import datajoint as _dj  # type: ignore[import-untyped, unused-ignore]
"""

# DataJoint's table classes answer query operators and the names of `supported_class_attrs` at class level
# (`Student.fetch()`, `Student - StudentMajor`) through their metaclass, datajoint.user_tables.TableMeta: the
# stubs declare those as class methods, the metaclass's operators as returning the table's own type.
_COMMON = '''
_T = _TypeVar("_T")
_R = _TypeVar("_R")
_N = _TypeVar("_N")


class _Heading:
    names: list[str]
    primary_key: list[str]
    secondary_attributes: list[str]
    attributes: dict[str, _Any]
    table_status: dict[str, _Any]
    blobs: list[str]
    non_blobs: list[str]
    new_attributes: list[str]
    has_autoincrement: bool
    as_dtype: _Any
    def as_sql(self, fields: _Any, include_aliases: bool = ...) -> str: ...
    def select(self, select_list: _Any, rename_map: _Any = ..., compute_map: _Any = ...) -> _Heading: ...
{heading}

class _TableMeta(type):
    def __and__(cls: type[_T], arg: _Any) -> _T: ...
    def __xor__(cls: type[_T], arg: _Any) -> _T: ...
    def __sub__(cls: type[_T], arg: _Any) -> _T: ...
    def __neg__(cls: type[_T]) -> _T: ...
    def __mul__(cls, arg: _Any) -> _Query[dict[str, _Any]]: ...
    def __matmul__(cls, arg: _Any) -> _Query[dict[str, _Any]]: ...
    def __add__(cls, arg: _Any) -> _Query[dict[str, _Any]]: ...
    def __iter__(cls) -> _Iterator[dict[str, _Any]]: ...


class _Query(_Generic[_R]):
    """A query expression whose rows are `_R`."""

    heading: _ClassVar[_Heading]
    primary_key: _ClassVar[list[str]]
    def __and__(self: _T, arg: _Any) -> _T: ...
    def __xor__(self: _T, arg: _Any) -> _T: ...
    def __sub__(self: _T, arg: _Any) -> _T: ...
    def __neg__(self: _T) -> _T: ...
    def __mul__(self, arg: _Any) -> _Query[dict[str, _Any]]: ...
    def __matmul__(self, arg: _Any) -> _Query[dict[str, _Any]]: ...
    def __add__(self, arg: _Any) -> _Query[dict[str, _Any]]: ...
    def __len__(self) -> int: ...
    def __bool__(self) -> bool: ...
    def __contains__(self, item: _Any) -> bool: ...
    def __iter__(self) -> _Iterator[_R]: ...
    def make_sql(self, fields: _Any = ...) -> str: ...
    def cursor(self, *args: _Any, **kwargs: _Any) -> _Any: ...
    def preview(self, limit: int | None = ..., width: int | None = ...) -> str: ...
    @classmethod
    def proj(cls, *attributes: str, **named_attributes: str) -> _Query[dict[str, _Any]]: ...
    @_overload
    @classmethod
    def fetch1(cls, *, squeeze: bool = ...{fetch_extra}) -> _R: ...
    @_overload
    @classmethod
    def fetch1(cls, attr: str, /, *attrs: str, squeeze: bool = ...{fetch_extra}) -> _Any: ...
    @_overload
    @classmethod
    def fetch(
        cls, *, offset: int | None = ..., limit: int | None = ..., order_by: _Any = ..., format: str | None = ...,
        as_dict: _Literal[True], squeeze: bool = ...{fetch_extra}
    ) -> list[_R]: ...
    @_overload
    @classmethod
    def fetch(
        cls, *attrs: str, offset: int | None = ..., limit: int | None = ..., order_by: _Any = ...,
        format: str | None = ..., as_dict: bool | None = ..., squeeze: bool = ...{fetch_extra}
    ) -> _Any: ...
{query}

class _Table(_Query[_R], _Generic[_R, _N], metaclass=_TableMeta):
    """A table class: `_R` its fetched rows, `_N` the rows `insert1` takes as mappings."""

    table_name: _ClassVar[str]
    full_table_name: _ClassVar[str]
    database: _ClassVar[str]
    connection: _ClassVar[_Any]
    @classmethod
    def describe(cls, context: dict[str, _Any] | None = ..., printout: bool = ...) -> str: ...
    @classmethod
    def alter(cls, prompt: bool = ..., context: dict[str, _Any] | None = ...) -> None: ...
    @classmethod
    def parents(cls, primary: bool | None = ..., as_objects: bool = ..., foreign_key_info: bool = ...) -> list[_Any]: ...
    @classmethod
    def children(cls, primary: bool | None = ..., as_objects: bool = ..., foreign_key_info: bool = ...) -> list[_Any]: ...
    @classmethod
    def descendants(cls, as_objects: bool = ...) -> list[_Any]: ...
    @classmethod
    def ancestors(cls, as_objects: bool = ...) -> list[_Any]: ...
    @classmethod
    def parts(cls, as_objects: bool = ...) -> list[_Any]: ...
    @classmethod
    def insert1(cls, row: _N | _Mapping[str, _Any] | _Sequence[_Any], **kwargs: _Any) -> None: ...
    @classmethod
    def update1(cls, row: _Mapping[str, _Any]) -> None: ...
    @classmethod
    def delete_quick(cls, get_count: bool = ...) -> _Any: ...
    @classmethod
    def drop_quick(cls) -> None: ...
    def is_declared(self) -> bool: ...
{table}

class _Manual(_Table[_R, _N]): ...


class _Lookup(_Table[_R, _N]):
    contents: _ClassVar[_Any]


class _AutoPopulate(_Table[_R, _N]):
    key_source: _ClassVar[_Query[dict[str, _Any]]]
    def make(self, key: dict[str, _Any]) -> _Any: ...
{populate}

class _Imported(_AutoPopulate[_R, _N]): ...


class _Computed(_AutoPopulate[_R, _N]): ...


class _Part(_Table[_R, _N]):
    master: _ClassVar[type[_Any]]
{part}'''

# What differs between the lines, from the signatures in DataJoint's source (expression.py, table.py,
# autopopulate.py, user_tables.py) of 0.14 and 2.x.
_V014 = dict(
    heading="",
    fetch_extra=", download_path: str = ...",
    query='''    def restrict(self: _T, restriction: _Any) -> _T: ...
    @classmethod
    def aggr(
        cls, group: _Any, *attributes: str, keep_all_rows: bool = ..., **named_attributes: str
    ) -> _Query[dict[str, _Any]]: ...
    @classmethod
    def join(cls, other: _Any, semantic_check: bool = ..., left: bool = ...) -> _Query[dict[str, _Any]]: ...
    @classmethod
    def head(cls, limit: int = ..., **fetch_kwargs: _Any) -> _Any: ...
    @classmethod
    def tail(cls, limit: int = ..., **fetch_kwargs: _Any) -> _Any: ...
''',
    table='''    @classmethod
    def insert(
        cls, rows: _Any, replace: bool = ..., skip_duplicates: bool = ..., ignore_extra_fields: bool = ...,
        allow_direct_insert: bool | None = ...
    ) -> None: ...
    @classmethod
    def delete(
        cls, *, transaction: bool = ..., safemode: bool | None = ..., force_parts: bool = ..., force_masters: bool = ...
    ) -> int: ...
    @classmethod
    def drop(cls) -> None: ...
''',
    populate='''    @classmethod
    def populate(
        cls, *restrictions: _Any, keys: _Any = ..., suppress_errors: bool = ..., return_exception_objects: bool = ...,
        reserve_jobs: bool = ..., order: str = ..., limit: int | None = ..., max_calls: int | None = ...,
        display_progress: bool = ..., processes: int = ..., make_kwargs: dict[str, _Any] | None = ...
    ) -> _Any: ...
    @classmethod
    def progress(cls, *restrictions: _Any, display: bool = ...) -> tuple[int, int]: ...
''',
    part='''    @classmethod
    def delete(cls, *, force: bool = ..., **kwargs: _Any) -> int: ...
    @classmethod
    def drop(cls, *, force: bool = ...) -> None: ...
''',
)
_V2 = dict(
    heading="""    lineage_available: bool
    hash_objects: list[str]
    schema_objects: list[str]
    def determines(self, other: _Heading) -> bool: ...
""",
    fetch_extra="",
    query='''    def restrict(self: _T, restriction: _Any, semantic_check: bool = ...) -> _T: ...
    @classmethod
    def aggr(
        cls, group: _Any, *attributes: str, exclude_nonmatching: bool = ..., **named_attributes: str
    ) -> _Query[dict[str, _Any]]: ...
    @classmethod
    def join(
        cls, other: _Any, semantic_check: bool = ..., left: bool = ..., allow_nullable_pk: bool = ...
    ) -> _Query[dict[str, _Any]]: ...
    @classmethod
    def extend(cls, other: _Any, semantic_check: bool = ...) -> _Query[dict[str, _Any]]: ...
{to_frames}    @classmethod
    def to_arrays(
        cls, *attrs: str, include_key: bool = ..., order_by: _Any = ..., limit: int | None = ...,
        offset: int | None = ..., squeeze: bool = ...
    ) -> _Any: ...
    @classmethod
    def keys(
        cls, order_by: _Any = ..., limit: int | None = ..., offset: int | None = ...
    ) -> list[dict[str, _Any]]: ...
    @classmethod
    def head(cls, limit: int = ...) -> list[_R]: ...
    @classmethod
    def tail(cls, limit: int = ...) -> list[_R]: ...
''',
    table='''    @classmethod
    def insert(
        cls, rows: _Any, replace: bool = ..., skip_duplicates: bool = ..., ignore_extra_fields: bool = ...,
        allow_direct_insert: bool | None = ..., chunk_size: int | None = ...
    ) -> None: ...
    @classmethod
    def insert_dataframe(cls, df: _Any, index_as_pk: bool | None = ..., **insert_kwargs: _Any) -> None: ...
    @classmethod
    def validate(cls, rows: _Any, *, ignore_extra_fields: bool = ...) -> _Any: ...
    @classmethod
    def staged_insert1(cls) -> _Any: ...
    @classmethod
    def delete(cls, *, transaction: bool = ..., prompt: bool | None = ..., part_integrity: str = ...) -> int: ...
    @classmethod
    def drop(cls, *, prompt: bool | None = ..., part_integrity: str = ...) -> None: ...
''',
    populate='''    @classmethod
    def populate(
        cls, *restrictions: _Any, suppress_errors: bool = ..., return_exception_objects: bool = ...,
        reserve_jobs: bool = ..., max_calls: int | None = ..., display_progress: bool = ..., processes: int = ...,
        make_kwargs: dict[str, _Any] | None = ..., priority: int | None = ..., refresh: bool | None = ...
    ) -> dict[str, _Any]: ...
    @classmethod
    def progress(cls, *restrictions: _Any, display: bool = ...) -> tuple[int, int]: ...
''',
    part='''    @classmethod
    def delete(cls, *, part_integrity: str = ..., **kwargs: _Any) -> int: ...
    @classmethod
    def drop(cls, *, part_integrity: str = ..., **kwargs: _Any) -> None: ...
''',
)


# DataJoint 2.x's fetches of a whole result, alike but for what they return.
_V2["query"] = _V2["query"].format(to_frames="".join(f'''    @classmethod
    def {name}(
        cls, order_by: _Any = ..., limit: int | None = ..., offset: int | None = ..., squeeze: bool = ...
    ) -> {returns}: ...
''' for name, returns in (("to_dicts", "list[_R]"), ("to_pandas", "_Any"), ("to_polars", "_Any"), ("to_arrow", "_Any"))))


def preamble(datajoint_2: bool) -> str:
    """The typed base classes of a stub for DataJoint 2.x (``datajoint_2``) or 0.14."""
    return _COMMON.format(**(_V2 if datajoint_2 else _V014))


# The Python type of an attribute's values as DataJoint fetches them, by the first word of its type (the type
# DataJoint declared, else the server's); any other type (blobs, json, attachments, filepaths, adapted types:
# what DataJoint returns depends on the data or the adapter) is `_Any`. The table in docs/seeing-a-pipeline.md.
_PYTHON_TYPES = {
    **dict.fromkeys(("tinyint", "smallint", "mediumint", "int", "integer", "bigint", "year", "serial", "bigserial",
                     "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"), "int"),
    **dict.fromkeys(("bool", "boolean"), "bool"),
    **dict.fromkeys(("float", "double", "real", "float32", "float64"), "float"),
    **dict.fromkeys(("decimal", "numeric"), "_decimal.Decimal"),
    **dict.fromkeys(("char", "varchar", "character", "text", "tinytext", "mediumtext", "longtext"), "str"),
    "date": "_datetime.date",
    **dict.fromkeys(("datetime", "timestamp"), "_datetime.datetime"),
    "uuid": "_uuid.UUID",
}


def python_type(attribute: Attribute, backend: str) -> str:
    """The annotation of an attribute's fetched values: ``_Optional[...]`` when it may be NULL."""
    values = attribute.enum_values
    first = re.match(r"\w+", attribute.type.lower())
    if values is not None:
        annotation = f"_Literal[{', '.join(map(string_literal, values))}]"
    elif first is not None and first[0] == "time":  # PyMySQL gives a TIME as a timedelta, psycopg2 as a time
        annotation = "_datetime.time" if backend == "postgresql" else "_datetime.timedelta"
    else:
        annotation = _PYTHON_TYPES.get(first[0] if first else "", "_Any")
    return f"_Optional[{annotation}]" if attribute.nullable and annotation != "_Any" else annotation
