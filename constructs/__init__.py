"""This folder is both our constructs and the `constructs` library.

`python app.py` puts the project root first on sys.path, so `import constructs` (which aws_cdk
itself does) finds this folder before the installed library. Rather than rename a folder the
layout asks for, this package becomes the library too: `__path__` is extended with the library's
folder, and the library's own `__init__.py` runs in this namespace. `constructs.Construct` is then
the library's class, and `constructs.model_schedule` is our module. tests/test_constructs_shim.py
holds both to that.
"""

import os
from pkgutil import extend_path

__path__ = extend_path(__path__, __name__)

# The library is the folder with its jsii bundle, wherever it sits on the path (another copy of
# this project's folder may be on the path too, e.g. in a test that copies the project).
_library_init = next(
    (
        os.path.join(folder, "__init__.py")
        for folder in __path__
        if os.path.isdir(os.path.join(folder, "_jsii"))
    ),
    None,
)
if _library_init is None:
    raise ImportError(
        "the `constructs` library is not installed beside this folder: run ./scripts/setup.sh"
    )
with open(_library_init, encoding="utf-8") as _source:
    exec(compile(_source.read(), _library_init, "exec"), globals())
