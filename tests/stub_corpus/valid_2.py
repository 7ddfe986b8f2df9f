"""DataJoint 2.x's own API, checked as valid.py (with DataJoint 2.x stubs only)."""

import datetime

import djschemas.university as uni

students = uni.Student.to_dicts()
born: datetime.date = students[0]["date_of_birth"]
first: str = (uni.Student & "student_id = 1").to_dicts(limit=1)[0]["first_name"]
keys = uni.Student.keys()
arrays = uni.Student.to_arrays("student_id")
frame = uni.Student.to_pandas()
