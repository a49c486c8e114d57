"""An in-process Rekognition and S3 for the distribution's tests: every request is validated
against botocore's own service model (a misspelt parameter fails as the real API would), copies
take a few looks to finish, project policies have revisions, and at most 5 copies run at once
per account (the fake raises LimitExceededException beyond, as Rekognition would)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import botocore.session
from botocore.exceptions import ClientError
from botocore.response import StreamingBody
from botocore.validate import ParamValidator

from distribute.accounts import Clients, UnreachableError

_SESSION = botocore.session.get_session()
MODELS = {name: _SESSION.get_service_model(name) for name in ("rekognition", "s3")}
# The boto3 method name -> the API's operation name.
OPERATIONS = {
    "describe_project_versions": "DescribeProjectVersions",
    "copy_project_version": "CopyProjectVersion",
    "list_project_policies": "ListProjectPolicies",
    "put_project_policy": "PutProjectPolicy",
    "delete_project_policy": "DeleteProjectPolicy",
    "delete_project_version": "DeleteProjectVersion",
    "get_object": "GetObject",
}
CHANGING = frozenset(
    {
        "copy_project_version",
        "put_project_policy",
        "delete_project_policy",
        "delete_project_version",
    }
)


def client_error(code: str, message: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


def version_arn(project_arn: str, name: str, stamp: int = 1765000000000) -> str:
    return f"{project_arn.rsplit('/', 1)[0]}/version/{name}/{stamp}"


@dataclass
class Version:
    arn: str
    status: str
    f1: float
    summary: tuple[str, str] | None
    source: str | None = None
    looks_left: int = 0  # looks until a copy finishes
    fails_with: str | None = None  # a copy that ends COPYING_FAILED with this message
    created: datetime = datetime(2026, 12, 1, tzinfo=UTC)

    def description(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "ProjectVersionArn": self.arn,
            "Status": self.status,
            "CreationTimestamp": self.created,
            "EvaluationResult": {"F1Score": self.f1},
        }
        if self.summary:
            bucket, key = self.summary
            found["EvaluationResult"]["Summary"] = {"S3Object": {"Bucket": bucket, "Name": key}}
        if self.source:
            found["SourceProjectVersionArn"] = self.source
        if self.status == "COPYING_FAILED":
            found["StatusMessage"] = self.fails_with
        return found


@dataclass
class World:
    """Every account's projects, policies and objects, and what was called."""

    projects: dict[str, dict[str, Version]] = field(default_factory=dict)  # project -> name -> v
    policies: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)  # name -> rev
    objects: dict[tuple[str, str], str] = field(default_factory=dict)
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # account, op
    looks_per_copy: int = 2
    failing_copies: dict[str, str] = field(default_factory=dict)  # copy name -> StatusMessage
    unreachable: dict[str, str] = field(default_factory=dict)  # account -> why
    # Someone else's change lands before this run's next PutProjectPolicy.
    policy_race: bool = False
    # KeyboardInterrupt after this many CopyProjectVersion calls (an interrupted run).
    interrupt_after_copies: int | None = None
    most_at_once: dict[str, int] = field(default_factory=dict)
    revisions: int = 0

    def add_version(
        self, project_arn: str, name: str, f1: float, labels: str | None, status: str = "RUNNING"
    ) -> str:
        arn = version_arn(project_arn, name)
        where = None
        if labels is not None:
            where = (f"training-{arn.split(':')[4]}", f"{name}/summary.json")
            self.objects[where] = labels
        self.projects.setdefault(project_arn, {})[name] = Version(arn, status, f1, where)
        return arn

    def reach(self, account: str) -> Clients:
        if account in self.unreachable:
            raise UnreachableError(f"account {account}: {self.unreachable[account]}")
        return Clients(FakeRekognition(self, account), FakeS3(self, account))

    def changed(self) -> list[tuple[str, str]]:
        return [(account, op) for account, op, _ in self.calls if op in CHANGING]


class _Fake:
    service = ""

    def __init__(self, world: World, account: str) -> None:
        self.world, self.account = world, account

    def _called(self, method: str, params: dict[str, Any]) -> None:
        shape = MODELS[self.service].operation_model(OPERATIONS[method]).input_shape
        assert shape is not None
        report = ParamValidator().validate(params, shape)
        if report.has_errors():
            raise AssertionError(f"{method}: {report.generate_report()}")
        self.world.calls.append((self.account, method, params))


class FakeS3(_Fake):
    service = "s3"

    def get_object(self, **params: Any) -> dict[str, Any]:
        self._called("get_object", params)
        text = self.world.objects.get((params["Bucket"], params["Key"]))
        if text is None:
            raise client_error("NoSuchKey", "The specified key does not exist.", "GetObject")
        data = text.encode()
        return {"Body": StreamingBody(io.BytesIO(data), len(data))}


class FakeRekognition(_Fake):
    service = "rekognition"

    def _project(self, arn: str, operation: str) -> dict[str, Version]:
        if arn.split(":")[4] != self.account:
            raise client_error(
                "AccessDeniedException", f"{arn} is not in {self.account}", operation
            )
        if arn not in self.world.projects:
            raise client_error("ResourceNotFoundException", f"no project {arn}", operation)
        return self.world.projects[arn]

    def describe_project_versions(self, **params: Any) -> dict[str, Any]:
        self._called("describe_project_versions", params)
        versions = self._project(params["ProjectArn"], "DescribeProjectVersions")
        found = []
        for name in params.get("VersionNames", list(versions)):
            version = versions.get(name)
            if version is None:
                continue
            if version.status == "COPYING_IN_PROGRESS":
                version.looks_left -= 1
                if version.looks_left <= 0:
                    version.status = "COPYING_FAILED" if version.fails_with else "COPYING_COMPLETED"
            found.append(version.description())
        return {"ProjectVersionDescriptions": found}

    def copy_project_version(self, **params: Any) -> dict[str, Any]:
        self._called("copy_project_version", params)
        world = self.world
        copies = sum(1 for _, op, _ in world.calls if op == "copy_project_version")
        if world.interrupt_after_copies is not None and copies > world.interrupt_after_copies:
            raise KeyboardInterrupt
        source_arn = params["SourceProjectVersionArn"]
        source_project = params["SourceProjectArn"]
        source_account = source_arn.split(":")[4]
        if source_account != self.account:
            role = f"arn:aws:iam::{self.account}:role/"
            allowed = any(
                source_arn == json.loads(doc)["Statement"][0]["Resource"]
                and any(
                    p.startswith(role) for p in json.loads(doc)["Statement"][0]["Principal"]["AWS"]
                )
                for _, doc in world.policies.get(source_project, {}).values()
            )
            if not allowed:
                raise client_error(
                    "AccessDeniedException", "no project policy allows it", "CopyProjectVersion"
                )
        destination = self._project(params["DestinationProjectArn"], "CopyProjectVersion")
        running = [
            v
            for project, versions in world.projects.items()
            if project.split(":")[4] == self.account
            for v in versions.values()
            if v.status == "COPYING_IN_PROGRESS"
        ]
        if len(running) >= 5:
            raise client_error("LimitExceededException", "5 copies at once", "CopyProjectVersion")
        world.most_at_once[self.account] = max(
            world.most_at_once.get(self.account, 0), len(running) + 1
        )
        name = params["VersionName"]
        if name in destination:
            raise client_error("ResourceInUseException", f"{name} exists", "CopyProjectVersion")
        source = world.projects[source_project][source_arn.split("/version/")[1].split("/")[0]]
        output = params["OutputConfig"]
        where = None
        if source.summary:
            where = (output["S3Bucket"], f"{output['S3KeyPrefix']}{name}/summary.json")
            world.objects[where] = world.objects[source.summary]
        made = sum(1 for _, op, _ in world.calls if op == "copy_project_version")
        arn = version_arn(params["DestinationProjectArn"], name, 1765100000000 + made)
        destination[name] = Version(
            arn,
            "COPYING_IN_PROGRESS",
            source.f1,
            where,
            source=source_arn,
            looks_left=world.looks_per_copy,
            fails_with=world.failing_copies.get(name),
            created=datetime(2026, 12, 2, tzinfo=UTC).replace(microsecond=made),
        )
        return {"ProjectVersionArn": arn}

    def list_project_policies(self, **params: Any) -> dict[str, Any]:
        self._called("list_project_policies", params)
        self._project(params["ProjectArn"], "ListProjectPolicies")
        found = self.world.policies.get(params["ProjectArn"], {})
        return {
            "ProjectPolicies": [
                {"PolicyName": n, "PolicyRevisionId": rev, "PolicyDocument": doc}
                for n, (rev, doc) in found.items()
            ]
        }

    def put_project_policy(self, **params: Any) -> dict[str, Any]:
        self._called("put_project_policy", params)
        world = self.world
        policies = world.policies.setdefault(params["ProjectArn"], {})
        if world.policy_race:
            world.policy_race = False
            world.revisions += 1
            name = params["PolicyName"]
            policies[name] = (f"rev-{world.revisions}", policies.get(name, ("", "{}"))[1])
        current = policies.get(params["PolicyName"])
        given = params.get("PolicyRevisionId")
        if (current is None) != (given is None) or (current and current[0] != given):
            raise client_error(
                "InvalidPolicyRevisionIdException", "revision mismatch", "PutProjectPolicy"
            )
        assert len(params["PolicyDocument"]) <= 2000
        world.revisions += 1
        policies[params["PolicyName"]] = (f"rev-{world.revisions}", params["PolicyDocument"])
        assert len(policies) <= 5
        return {"PolicyRevisionId": f"rev-{world.revisions}"}

    def delete_project_version(self, **params: Any) -> dict[str, Any]:
        self._called("delete_project_version", params)
        arn = params["ProjectVersionArn"]
        project = [
            p for p in self.world.projects if p.rsplit("/", 1)[0] == arn.split("/version/")[0]
        ]
        versions = self._project(project[0], "DeleteProjectVersion")
        name = arn.split("/version/")[1].split("/")[0]
        assert versions[name].status not in ("RUNNING", "STARTING")
        del versions[name]
        return {"Status": "DELETING"}

    def delete_project_policy(self, **params: Any) -> dict[str, Any]:
        self._called("delete_project_policy", params)
        self.world.policies.get(params["ProjectArn"], {}).pop(params["PolicyName"], None)
        return {}
