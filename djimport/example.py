"""The university example of DataJoint's docs and test suite, with data generated here.

The table definitions follow DataJoint's ``tests/schema_university.py``, written
in DataJoint 2.x's portable core types (``int32``, ``int16``) so that they
declare on MySQL and PostgreSQL alike; for DataJoint 0.14, which predates
core types, :func:`declare` spells them as MySQL types. The rows come from a
seeded generator, so every run has the same data. :func:`create` makes the
example on your own server in one call (``djimport example SCHEMA`` on the
command line); ``djimport demo`` and the test suite load it too.
"""

from __future__ import annotations

import datetime
import random
import re
from typing import Any

import datajoint as dj

from . import _catalog
from ._datajoint import IS_V2, Connection, backend, describe
from ._names import quoted

DEFINITIONS = {
    "Student": ("Manual", """
        student_id : int32   # university-wide ID number
        ---
        first_name      : varchar(40)
        last_name       : varchar(40)
        sex             : enum('F', 'M', 'U')
        date_of_birth   : date
        home_address    : varchar(120) # mailing street address
        home_city       : varchar(60)  # mailing address
        home_state      : char(2)      # US state acronym: e.g. OH
        home_zip        : char(10)     # zipcode e.g. 93979-4979
        home_phone      : varchar(20)  # e.g. 414.657.6883x0881
        """),
    "Department": ("Manual", """
        dept : varchar(6)   # abbreviated department name, e.g. BIOL
        ---
        dept_name    : varchar(200)  # full department name
        dept_address : varchar(200)  # mailing address
        dept_phone   : varchar(20)
        """),
    "StudentMajor": ("Manual", """
        -> Student
        ---
        -> Department
        declare_date :  date  # when student declared her major
        """),
    "Course": ("Manual", """
        -> Department
        course  : int32   # course number, e.g. 1010
        ---
        course_name :  varchar(200)  # e.g. "Neurobiology of Sensation and Movement."
        credits     :  decimal(3,1)  # number of credits earned by completing the course
        """),
    "Term": ("Manual", """
        term_year : int16
        term      : enum('Spring', 'Summer', 'Fall')
        """),
    "Section": ("Manual", """
        -> Course
        -> Term
        section : char(1)
        ---
        auditorium   :  varchar(12)
        """),
    "CurrentTerm": ("Manual", """
        omega=0 : int16
        ---
        -> Term
        """),
    "Enroll": ("Manual", """
        -> Student
        -> Section
        """),
    "LetterGrade": ("Lookup", """
        grade : char(2)
        ---
        points : decimal(3,2)
        """),
    "Grade": ("Manual", """
        -> Enroll
        ---
        -> LetterGrade
        """),
}

LETTER_GRADES = [("A", 4.00), ("A-", 3.67), ("B+", 3.33), ("B", 3.00), ("B-", 2.67), ("C+", 2.33),
                 ("C", 2.00), ("C-", 1.67), ("D+", 1.33), ("D", 1.00), ("F", 0.00)]
STATES = ["OH", "UT", "TX", "NM", "OK", "CA", "NY", "WA", "MA", "IL"]
FIRST = ["Ann", "Bob", "Cai", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kim", "Lou"]
LAST = ["Smith", "Jones", "Lee", "Diaz", "Khan", "Ng", "Brown", "Moore", "Hill", "Wu"]
DEPARTMENTS = [("BIOL", "Life Sciences"), ("CS", "Computer Science"), ("MATH", "Mathematics"),
               ("PHYS", "Physics")]


_MYSQL_TYPES = {"int32": "int", "int16": "smallint"}  # core type -> DataJoint 0.14 type


def definition(name: str) -> str:
    """The definition of table class ``name`` for the installed DataJoint."""
    text = DEFINITIONS[name][1]
    if IS_V2:
        return text
    return re.sub(r"\b(int32|int16)\b", lambda m: _MYSQL_TYPES[m.group(1)], text)


# Term's descendants stay in its schema: DataJoint 2.3 on PostgreSQL cannot declare a foreign key
# into another schema when the key holds an enum (it looks for the enum's type in the child's schema).
SPLIT = {"Department": "catalog", "Course": "catalog", "LetterGrade": "catalog", "Student": "people",
         "StudentMajor": "people", "Term": "enrollment", "Section": "enrollment", "CurrentTerm": "enrollment",
         "Enroll": "enrollment", "Grade": "enrollment"}
"""Table class -> the schema (suffix) it goes to when the example is split over three schemas."""


def declare(schema_name: str, connection: Connection | None = None, split: bool = False) -> dict[str, type[Any]]:
    """Declare the university tables in ``schema_name`` and return their classes.

    With ``split``, the tables go to three schemas, ``<schema_name>_catalog``,
    ``_people`` and ``_enrollment`` (:data:`SPLIT`), linked by foreign keys.
    """
    context: dict[str, type[Any]] = {}
    schemas: dict[str, dj.Schema] = {}
    for name, (tier, _) in DEFINITIONS.items():
        target = f"{schema_name}_{SPLIT[name]}" if split else schema_name
        if target not in schemas:
            schemas[target] = dj.Schema(target, context=context, connection=connection or dj.conn())
        cls = type(name, (getattr(dj, tier),), {"definition": definition(name)})
        context[name] = schemas[target](cls)
    return context


def create(schema_name: str, connection: Connection | None = None) -> dict[str, type[Any]]:
    """Make the university example in a new schema ``schema_name``: declare its tables and fill them.

    The server is DataJoint's default connection unless ``connection`` is given.
    Returns the declared classes, as :func:`declare`. Raises ``ValueError``,
    changing nothing, when the schema exists already or the server cannot
    have a schema of that name.
    """
    connection = connection or dj.conn()
    problem = _catalog.unusable_schema_name(connection, schema_name)
    if problem:
        raise ValueError(f"Cannot create schema {quoted(backend(connection), schema_name)}: {problem}.")
    if schema_name in _catalog.list_schemas(connection):  # never write into a schema of someone's
        raise ValueError(
            f"Schema {quoted(backend(connection), schema_name)} exists already on {describe(connection)}: the example goes into a new "
            "schema, so choose a name that is not taken"
        )
    tables = declare(schema_name, connection=connection)
    fill(tables)
    return tables


def fill(tables: dict[str, type[Any]], students: int = 60, seed: int = 0) -> None:
    """Insert a few hundred rows of made-up but consistent data."""

    def insert(name: str, rows: list[tuple], **options: Any) -> None:
        table = tables[name]  # DataJoint 2.x deprecates positional rows: name the fields
        table.insert([dict(zip(table.heading.names, row)) for row in rows], **options)

    rnd = random.Random(seed)
    insert("LetterGrade", LETTER_GRADES, skip_duplicates=True)
    insert("Department", [(d, name, f"{i + 1} Campus Way", f"555-010{i}") for i, (d, name) in enumerate(DEPARTMENTS)])
    insert("Student", [
        (i, rnd.choice(FIRST), rnd.choice(LAST), rnd.choice("FMU"),
         datetime.date(1980 + rnd.randrange(20), 1 + rnd.randrange(12), 1 + rnd.randrange(28)),
         f"{rnd.randrange(1, 999)} Main St", "Springfield", rnd.choice(STATES), f"{rnd.randrange(10000, 99999)}",
         f"555.{rnd.randrange(100, 999)}.{rnd.randrange(1000, 9999)}")
        for i in range(students)
    ])
    majors = [(i, rnd.choice(DEPARTMENTS)[0], datetime.date(2020, 9, 1)) for i in range(students) if rnd.random() < 0.7]
    insert("StudentMajor", majors)
    courses = [(d, 1000 + 10 * k, f"{name} {k}", rnd.choice([3.0, 4.0])) for d, name in DEPARTMENTS for k in range(4)]
    insert("Course", courses)
    terms = [(year, term) for year in (2022, 2023) for term in ("Spring", "Fall")]
    insert("Term", terms)
    insert("CurrentTerm", [(0, 2023, "Fall")])
    sections = [(d, c, y, t, s, f"R{rnd.randrange(100, 400)}") for d, c, _, _ in courses for y, t in terms for s in "ab"]
    insert("Section", sections)
    enrolls = [(i, *sec[:5]) for i in range(students) for sec in rnd.sample(sections, 4)]
    insert("Enroll", enrolls)
    insert("Grade", [(*e, rnd.choice(LETTER_GRADES)[0]) for e in enrolls if rnd.random() < 0.9])
