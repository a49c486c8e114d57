"""Small readers for synthesized templates, shared by the template tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Template = dict[str, Any]


def resources(template: Template, resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: body
        for logical_id, body in template["Resources"].items()
        if body["Type"] == resource_type
    }


def one(template: Template, resource_type: str) -> tuple[str, dict[str, Any]]:
    found = resources(template, resource_type)
    assert len(found) == 1, f"expected one {resource_type}, found {sorted(found)}"
    return next(iter(found.items()))


def schedule(template: Template, name: str) -> dict[str, Any]:
    """The properties of the schedule called `name` (start-model / stop-model)."""
    for body in resources(template, "AWS::Scheduler::Schedule").values():
        if body["Properties"]["Name"] == name:
            props: dict[str, Any] = body["Properties"]
            return props
    raise AssertionError(f"no schedule named {name}")


def resolve_partition(value: Any, partition: str = "aws") -> Any:
    """Resolve `Fn::Join` over `Ref: AWS::Partition` and literals, as CloudFormation would."""
    if isinstance(value, dict) and set(value) == {"Fn::Join"}:
        separator, parts = value["Fn::Join"]
        return separator.join(
            partition if part == {"Ref": "AWS::Partition"} else part for part in parts
        )
    return value


def walk(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every (path, value) pair in a JSON document, depth first."""
    yield path, node
    if isinstance(node, dict):
        for key, child in node.items():
            yield from walk(child, f"{path}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from walk(child, f"{path}/{index}")
