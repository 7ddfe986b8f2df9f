"""Write the floors of setup.cfg's install_requires as pinned requirements (``name[extras]==floor``), for the
tox environments that test them: every dependency at the ``>=`` bound it declares (one without a floor is an
error), DataJoint at the oldest release of the line given (``0.14`` or ``2``) that the requirement admits.

    python .ci/floors.py LINE OUTPUT
"""

from __future__ import annotations

import configparser
import itertools
import sys
from pathlib import Path

from packaging.requirements import Requirement


def floor(requirement: Requirement, datajoint_line: str) -> str:
    """The lowest release ``requirement`` admits: its ``>=`` bound, or for DataJoint the first admitted
    release of the line (``0.14`` -> 0.14.0, 0.14.1, ...; ``2`` -> 2.0.0, 2.0.1, ..., 2.1.0, ...)."""
    if requirement.name == "datajoint":
        rest = itertools.product(range(30), repeat=3 - len(datajoint_line.split(".")))
        candidates = [".".join([datajoint_line, *map(str, numbers)]) for numbers in rest]
    else:
        candidates = [spec.version for spec in requirement.specifier if spec.operator == ">="]
    admitted = [version for version in candidates if requirement.specifier.contains(version)]
    if not admitted:
        sys.exit(f"setup.cfg: {requirement} declares no floor (>=) that it admits")
    return admitted[0]


def main(datajoint_line: str, output: str) -> None:
    setup = configparser.ConfigParser()
    setup.read(Path(__file__).resolve().parent.parent / "setup.cfg")
    lines = []
    for line in setup["options"]["install_requires"].split("\n"):
        if line.strip():
            requirement = Requirement(line)
            extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
            lines.append(f"{requirement.name}{extras}=={floor(requirement, datajoint_line)}\n")
    Path(output).write_text("".join(lines))


if __name__ == "__main__":
    main(*sys.argv[1:])
