# mypy resolves `constructs` to this folder, not to the library it also is at run time
# (see __init__.py), so the library's names are typed loosely here.
from typing import Any

Construct: Any
IConstruct: Any

def __getattr__(name: str) -> Any: ...
