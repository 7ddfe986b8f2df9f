"""A second example schema that references the university: parts, a Computed table, and
foreign keys into another schema (one of them renamed)."""

from __future__ import annotations

import uuid

import datajoint as dj
import pytest


def declare(schema_name: str, university_name: str) -> dict[str, type]:
    import djimport

    uni = djimport.load(university_name)
    context = {"uni": uni}
    schema = dj.Schema(schema_name, context=context)

    @schema
    class Session(dj.Manual):
        definition = """
        # a recording session of one student
        -> uni.Student
        session : int           # session number
        ---
        -> uni.Student.proj(advisor='student_id')
        note = "" : varchar(60) # free text
        """

        class Trial(dj.Part):
            definition = """
            -> master
            trial : int
            ---
            outcome : enum('hit', 'miss')
            """

    context["Session"] = Session

    @schema
    class Score(dj.Computed):
        definition = """
        -> Session
        ---
        hits : int
        """

        def make(self, key):
            self.insert1(dict(key, hits=len(Session.Trial & key & "outcome='hit'")))

    return {"Session": Session, "Score": Score}


@pytest.fixture
def sessions(university):
    """The sessions schema declared next to the university; yields its name, dropped after."""
    from conftest import drop_schema

    name = f"djtest_{uuid.uuid4().hex[:10]}"
    try:
        declare(name, university)
        yield name
    finally:
        drop_schema(name)
