"""The drift check for CI: `djimport stubs --check` compares the stubs with the server."""

from __future__ import annotations

import pytest

from djimport._catalog import list_keys
from djimport.cli import main
from djimport.stubs import check_stubs, write_stubs
from tests.helpers import backend, create_table_like, quote, server_queries
from tests.pipeline import split_university  # noqa: F401  (fixture)


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_stubs_just_written_match(university, tmp_path, capsys):
    write_stubs([university], tmp_path)
    assert check_stubs(tmp_path, [university]) == []
    code, out = run(capsys, "stubs", university, "--check", "-o", str(tmp_path))
    assert code == 0 and out.startswith(f"the stubs in {tmp_path / 'djschemas'} match ")


def test_tables_added_and_dropped(university, connection, tmp_path):
    write_stubs([university], tmp_path)
    create_table_like(connection, university, "#room", "#letter_grade")
    connection.query(f"DROP TABLE {quote(connection, university, 'current_term')}")
    assert check_stubs(tmp_path, [university]) == [
        f"+ table `{university}`.`#room` (Room)",
        f"- table `{university}`.`current_term` (CurrentTerm)",
    ]


def _alter(connection, schema: str, table: str, mysql: str, postgresql: str) -> None:
    change = postgresql if backend(connection) == "postgresql" else mysql
    connection.query(f"ALTER TABLE {quote(connection, schema, table)} {change}")


def test_attributes_added_removed_and_retyped(university, connection, tmp_path):
    write_stubs([university], tmp_path)
    _alter(connection, university, "student", "ADD COLUMN email varchar(60)", "ADD COLUMN email varchar(60)")
    _alter(connection, university, "student", "DROP COLUMN home_phone", "DROP COLUMN home_phone")
    _alter(connection, university, "student", "MODIFY home_city varchar(90) NOT NULL",
           "ALTER COLUMN home_city TYPE varchar(90)")
    report = check_stubs(tmp_path, [university])
    if backend(connection) == "mysql":
        city, phone, email = "varchar(60) -> varchar(90)", "varchar(20)", "varchar(60)"
    else:  # DataJoint 2.x keeps the type it declared in the column comment, which ALTER leaves alone
        city = "varchar(60) (character varying(60)) -> varchar(60) (character varying(90))"
        phone, email = "varchar(20) (character varying(20))", "character varying(60)"
    student = f"~ table `{university}`.`student` (Student): "
    assert report == [student + f"+ attribute email : {email}", student + f"- attribute home_phone : {phone}",
                      student + f"attribute home_city : {city}"]


def test_keys_changed(university, connection, tmp_path):
    create_table_like(connection, university, "#room", "#letter_grade")
    write_stubs([university], tmp_path)
    if backend(connection) == "postgresql":
        pkey = connection.query(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
            (quote(connection, university, "#room").replace("%%", "%"),)).fetchone()[0]
        _alter(connection, university, "#room", "", f'DROP CONSTRAINT "{pkey}", ADD PRIMARY KEY (grade, points)')
    else:
        _alter(connection, university, "#room", "DROP PRIMARY KEY, ADD PRIMARY KEY (grade, points)", "")
    grade_fk = next(fk for fk in list_keys(connection, university).foreign if fk.table == "grade"
                    and fk.ref_table == "#letter_grade")
    _alter(connection, university, "grade", f"DROP FOREIGN KEY `{grade_fk.name}`",
           f'DROP CONSTRAINT "{grade_fk.name}"')
    assert check_stubs(tmp_path, [university]) == [
        f"~ table `{university}`.`#room` (Room): primary key (grade) -> (grade, points)",
        f"~ table `{university}`.`grade` (Grade): - foreign key (grade) -> `{university}`.`#letter_grade` (grade)",
    ]


def test_schemas_added_dropped_and_stubs_written_before_the_check(university, split_university, connection, tmp_path):
    catalog, people, enrollment = split_university
    write_stubs([university, catalog, people], tmp_path)
    stub = tmp_path / "djschemas" / f"{people}.pyi"
    stub.write_text(stub.read_text().split("\n\n# The tables as the server had them")[0])  # an older stub
    (tmp_path / "djschemas" / "djtest_gone.pyi").write_text("")
    edited = tmp_path / "djschemas" / f"{university}.pyi"
    edited.write_text(edited.read_text().replace("# djimport table: {", "# djimport table: {,", 1))
    assert not any(line.startswith("+ schema") for line in check_stubs(tmp_path))  # only the stubs there
    report = check_stubs(tmp_path, unstubbed=True)
    assert f"+ schema `{enrollment}`: no stub {tmp_path / 'djschemas' / (enrollment + '.pyi')}" in report
    assert any(line.startswith("- schema `djtest_gone`: not on ") for line in report)
    assert f"? schema `{people}`: {stub} has no readable record of its tables (written before `--check` " \
           "existed, or edited)" in report
    assert f"? schema `{university}`: {edited} has no readable record" in "\n".join(report)
    assert not any(catalog in line for line in report)


def test_the_check_costs_three_queries_however_many_schemas(university, split_university, connection, tmp_path):
    schemas = [university, *split_university]
    write_stubs(schemas, tmp_path)
    for some in (schemas[:1], schemas):
        with server_queries(connection) as count:
            assert check_stubs(tmp_path, some, connection) == []
        assert count.queries == 3, some  # the schemas, the columns and the keys of all of them


def test_command_exits_1_with_the_report_and_how_to_update(university, connection, tmp_path, capsys):
    write_stubs([university], tmp_path)
    create_table_like(connection, university, "#room", "#letter_grade")
    code, out = run(capsys, "stubs", university, "--check", "-o", str(tmp_path))
    assert code == 1
    assert out.splitlines() == [
        f"the stubs in {tmp_path / 'djschemas'} differ from {out.splitlines()[0].split(' differ from ')[1]}",
        f"+ table `{university}`.`#room` (Room)",
        f"update them with: djimport stubs {university} -o {tmp_path}",
    ]
    assert not (tmp_path / "djschemas" / f"{university}.pyi").read_text().count("room")  # nothing written


def test_command_without_names_checks_the_stubs_in_the_directory_and_all_adds_the_others(
    university, split_university, connection, tmp_path, capsys
):
    write_stubs([university], tmp_path)  # the split university's schemas are on the server, without stubs
    code, out = run(capsys, "stubs", "--check", "-o", str(tmp_path))
    assert code == 0 and out.startswith(f"the stubs in {tmp_path / 'djschemas'} match ")
    create_table_like(connection, university, "#room", "#letter_grade")
    code, out = run(capsys, "stubs", "--check", "-o", str(tmp_path))
    assert code == 1 and out.splitlines()[1:] == [
        f"+ table `{university}`.`#room` (Room)",
        f"update them with: djimport stubs {university} -o {tmp_path}",
    ]
    (tmp_path / "djschemas" / "djtest_gone.pyi").write_text("")  # a stub of a schema dropped since
    code, out = run(capsys, "stubs", "--check", "-o", str(tmp_path))
    assert code == 1 and out.splitlines()[-1] == f"update them with: djimport stubs {university} -o {tmp_path}"
    (tmp_path / "djschemas" / "djtest_gone.pyi").unlink()
    code, out = run(capsys, "stubs", "--check", "--all", "-o", str(tmp_path))
    lines = out.splitlines()
    assert code == 1 and lines[-1] == f"update them with: djimport stubs -o {tmp_path}"
    for schema in split_university:
        assert f"+ schema `{schema}`: no stub {tmp_path / 'djschemas' / (schema + '.pyi')}" in lines
    with pytest.raises(SystemExit) as both:
        main(["stubs", university, "--check", "--all", "-o", str(tmp_path)])
    assert both.value.code == 2 and "--all goes with --check and no SCHEMA" in capsys.readouterr().err


def test_help_says_what_check_compares(capsys):
    with pytest.raises(SystemExit):
        main(["stubs", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "Checks the SCHEMAs named, else every schema that has a stub in DIR" in text
    assert "--all with --check and no SCHEMA: also report the schemas on the server that have no stub in DIR" in text


def test_check_needs_the_directory(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["stubs", "--check"])
    assert exit.value.code == 2
    assert "-o/--output" in capsys.readouterr().err



def test_a_missing_or_empty_directory_fails_in_one_line(university, tmp_path, capsys):
    (tmp_path / "empty" / "djschemas").mkdir(parents=True)
    for directory, where in ((tmp_path / "no_such_dir", " (no such directory)"), (tmp_path / "empty", "")):
        for names, of in (([], ""), ([university], f" of {university}")):
            code = main(["stubs", *names, "--check", "-o", str(directory)])
            out, err = capsys.readouterr()
            assert (code, out) == (1, "")
            assert err == (f"djimport: error: no stubs{of} in {directory / 'djschemas'}{where}: write them with: "
                           f"djimport stubs {''.join(n + ' ' for n in names)}-o {directory}\n")
    write_stubs([university], tmp_path / "other")  # stubs, but not of the schema named
    with pytest.raises(FileNotFoundError, match="^no stubs of djtest_nothing in "):
        check_stubs(tmp_path / "other", ["djtest_nothing"])
