"""DataJoint schemas of DataJoint's default server, as modules: ``import djschemas.<schema>``.

This package holds no files: importing it installs djimport's finder, which
builds ``djschemas.<schema>`` from the server (see the djimport package).
"""

from djimport._finder import install as _install
from djimport._root import package_functions as _package_functions, register as _register

__path__ = []  # submodules come from the server, never from files
_register(__name__)
_install()
__getattr__, __dir__ = _package_functions(__name__)
