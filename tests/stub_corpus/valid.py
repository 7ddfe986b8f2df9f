"""Ordinary DataJoint code, checked against stubs of the university, sessions and odd-names schemas: pyright
(basic and standard) and mypy must report nothing here, on both DataJoint lines."""

import datetime
from decimal import Decimal
from typing import Any, Literal, Optional

import djschemas.odd as odd
import djschemas.sessions as ses
import djschemas.university as uni
from djschemas.university import *  # noqa: F403
from djschemas.university import Student, StudentMajor

everything: Any = uni.Student.fetch()
rows = uni.Student.fetch(as_dict=True)
first_name: str = rows[0]["first_name"]
ids: Any = uni.Student.fetch("student_id", order_by="student_id")
key = {"student_id": 1}
row = (uni.Student & key).fetch1()
born: datetime.date = row["date_of_birth"]
sex: Literal["F", "M", "U"] = row["sex"]
name: Any = (uni.Student & key).fetch1("first_name")
credits: Decimal = (uni.Course & "course = 1010").fetch1()["credits"]
term = (uni.Term - uni.CurrentTerm).fetch(as_dict=True, limit=1)
season: Literal["Spring", "Summer", "Fall"] = term[0]["term"]
definition: str = uni.Student.describe()
names: list[str] = uni.Student.heading.names
primary: list[str] = uni.Student.primary_key + Student.primary_key
projected = uni.Student.proj("first_name", born="date_of_birth")
projected_rows = projected.fetch(as_dict=True)
no_major = uni.Student - uni.StudentMajor
with_major = uni.Student & uni.StudentMajor & "student_id < 10"
restricted = (uni.Student & key) - uni.StudentMajor
joined = (uni.Student * uni.StudentMajor).fetch(as_dict=True)
counted = uni.Student.aggr(uni.Enroll, n="count(*)")
size = len(uni.Student()) + len(no_major)
for student in uni.Student:
    print(student["student_id"])
exists = bool(uni.Student & key)
uni.Student.insert1(dict(key, first_name="Ann"))
uni.Student.insert1({"student_id": 2, "first_name": "Bob"})
uni.Student.insert([(3, "Cai")], skip_duplicates=True)
uni.Department.insert1(("BIOL", "Life Sciences", "1 Campus Way", "555-0100"))
table: StudentMajor = StudentMajor()
grade_points: Optional[Decimal] = None
for grade in uni.LetterGrade.fetch(as_dict=True):
    grade_points = grade["points"]
note: str = (ses.Session & key).fetch1()["note"]
outcome: Literal["hit", "miss"] = ses.Session.Trial.fetch(as_dict=True)[0]["outcome"]
trials = ses.Session.Trial * ses.Session
ses.Score.populate()
done, total = ses.Score.progress()
parts: list[Any] = ses.Session.parts()
print(uni.schema, Student.__doc__, Student.table_name, Enroll, Grade)  # noqa: F405
print(odd.False_, odd.False_.None_, odd.None_, odd.True_, odd.Exception, odd.Any, odd.Iterator, odd.Match)
print(odd.Type, odd.TypedDict, odd.Literal, odd.Optional, odd.Schema, odd.Any.fetch(as_dict=True))
