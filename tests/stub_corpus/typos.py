"""Typos: every line marked `# typo` must be reported by pyright (basic and standard) and by mypy."""

from typing import Literal

import djschemas.sessions as ses
import djschemas.university as uni

print(uni.Studnet)  # typo
print(ses.Session.Trail)  # typo
uni.Student.fecth()  # typo
print(uni.Student.heading.nmaes + 1)  # typo
row = (uni.Student & {"student_id": 1}).fetch1()
print(row["frist_name"])  # typo
print(uni.Student.fetch(as_dict=True)[0]["last_nmae"])  # typo
print((uni.Student - uni.StudentMajor).fetch1()["home_ctiy"])  # typo
born: str = row["date_of_birth"]  # typo
uni.Student.restrict("student_id = 1")  # typo
sex: Literal["X"] = row["sex"]  # typo
credits: str = (uni.Course & "course = 1010").fetch1()["credits"]  # typo
outcome: int = ses.Session.Trial.fetch(as_dict=True)[0]["outcome"]  # typo
