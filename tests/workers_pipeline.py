"""A lab's own pipeline module as its worker processes import it: tables computed from an imported schema.

The imported schema is named by DJIMPORT_TEST_WORKERS_SCHEMA, set by the test before any worker
starts. ``Initial`` is a Computed table of that schema declared by someone else: this module
subclasses djimport's class to give it ``make``. ``NameLength`` is this module's own table, in
schema ``<name>_own``, referencing the imported ``Student``.
"""

import os

import datajoint as dj

import djimport

SCHEMA = os.environ["DJIMPORT_TEST_WORKERS_SCHEMA"]
uni = djimport.load(SCHEMA)
own = dj.Schema(SCHEMA + "_own")


class Initial(uni.Initial):
    def make(self, key):
        self.insert1({**key, "initial": (uni.Student & key).fetch1("first_name")[0]})


@own
class NameLength(dj.Computed):
    definition = """
    -> uni.Student
    ---
    length : smallint
    """

    def make(self, key):
        self.insert1({**key, "length": len((uni.Student & key).fetch1("first_name"))})
