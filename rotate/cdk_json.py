"""Change one context value in cdk.json and nothing else: every other byte stays as it was."""

from __future__ import annotations

import codecs
import json
import os
import re
import tempfile
from pathlib import Path


class EditError(ValueError):
    """The value cannot be changed in place; the message says why."""


def read_cdk_json(path: Path) -> str:
    """cdk.json's text exactly as stored (CRLF line endings stay CRLF), or one EditError line
    for a file the rotation cannot edit safely."""
    data = path.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        raise EditError(
            f"{path.name} starts with a UTF-8 byte-order mark: save it as UTF-8 without one "
            '(most editors call it "UTF-8", not "UTF-8 with BOM")'
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise EditError(
            f"{path.name} is not UTF-8 (byte {error.start} is {data[error.start]:#04x}): save it "
            "as UTF-8"
        ) from error
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise EditError(
            f"{path.name} is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg})"
        ) from error
    if not isinstance(document, dict) or not isinstance(document.get("context"), dict):
        raise EditError(f'{path.name} has no "context" object: is it this project\'s cdk.json?')
    return text


def replace_context_value(text: str, key: str, old: str, new: str) -> str:
    """`text` with the string value of context key `key` changed from `old` to `new`."""
    document = json.loads(text)
    context = document.get("context", {})
    if context.get(key) != old:
        raise EditError(f"{key} is not {old!r} in cdk.json's context")
    # The key and its value as JSON wrote them; both are plain ASCII here (store ids and ARNs).
    pattern = re.compile(
        re.escape(json.dumps(key)) + r"(\s*:\s*)" + re.escape(json.dumps(old)), flags=re.ASCII
    )
    matches = list(pattern.finditer(text))
    if len(matches) != 1:
        raise EditError(f"{key} appears {len(matches)} times in cdk.json; edit it by hand")
    match = matches[0]
    edited = (
        text[: match.start()] + json.dumps(key) + match[1] + json.dumps(new) + text[match.end() :]
    )
    expected = json.loads(text)
    expected["context"][key] = new
    if json.loads(edited) != expected:  # the match was not where json.loads found the key
        raise EditError(f"{key} could not be changed in place; edit it by hand")
    return edited


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written cdk.json."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
