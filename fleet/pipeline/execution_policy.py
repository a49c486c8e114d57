"""The CloudFormation execution policy a store account's bootstrap needs for these stacks, and
no more: what CloudFormation does to create, update and delete each resource type the store
and dashboard stacks hold, scoped to this project's names where they are known.

    python -m fleet.pipeline.execution_policy > execution-policy.json

(docs/platform-engineer.md, "Deploying through the pipeline", gives the commands that create the
policy and bootstrap an account with it.) A test holds every resource type of the synthesized
templates covered here, and the policy within IAM's 6,144 characters.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from fleet.names import BOOTSTRAP_ASSETS_BUCKETS, GROUP_PREFIX, STACK_PATTERNS, copies_bucket_name
from fleet.settings.distribution import DEFAULT_ROLE_NAME
from rekognition_model_client.handle import PARAMETER_PREFIX

# CloudFormation names what these stacks do not name after the stack: "ModelSchedule-<store>-..."
# and "ModelScheduleDashboard-<account>-...".
STACKS = "{stacks}"  # each of STACK_PATTERNS: a store's or dashboard's, a serving group's
COPIES_BUCKETS = copies_bucket_name("*", "*").replace("*-*", "*")

# By resource type: the statement that lets CloudFormation manage it.
BY_TYPE: dict[str, dict[str, Any]] = {
    "AWS::IAM::Role": {
        "Sid": "Roles",
        "Action": [
            "iam:CreateRole",
            "iam:DeleteRole",
            "iam:GetRole",
            "iam:UpdateRole",
            "iam:UpdateRoleDescription",
            "iam:UpdateAssumeRolePolicy",
            "iam:TagRole",
            "iam:UntagRole",
            "iam:AttachRolePolicy",
            "iam:DetachRolePolicy",
            "iam:ListAttachedRolePolicies",
            "iam:ListRolePolicies",
            "iam:PassRole",
        ],
        "Resource": "arn:{p}:iam::*:role/" + STACKS,
    },
    "AWS::IAM::ManagedPolicy": {
        "Sid": "ManagedPolicies",
        "Action": [
            "iam:CreatePolicy",
            "iam:DeletePolicy",
            "iam:GetPolicy",
            "iam:GetPolicyVersion",
            "iam:CreatePolicyVersion",
            "iam:DeletePolicyVersion",
            "iam:ListPolicyVersions",
            "iam:ListEntitiesForPolicy",
            "iam:TagPolicy",
            "iam:UntagPolicy",
        ],
        "Resource": "arn:{p}:iam::*:policy/" + STACKS,
    },
    "AWS::Scheduler::ScheduleGroup": {
        "Sid": "ScheduleGroups",
        "Action": [
            "scheduler:CreateScheduleGroup",
            "scheduler:DeleteScheduleGroup",
            "scheduler:GetScheduleGroup",
            "scheduler:TagResource",
            "scheduler:UntagResource",
            "scheduler:ListTagsForResource",
        ],
        "Resource": f"arn:{{p}}:scheduler:*:*:schedule-group/{GROUP_PREFIX}*",
    },
    "AWS::Scheduler::Schedule": {
        "Sid": "Schedules",
        "Action": [
            "scheduler:CreateSchedule",
            "scheduler:UpdateSchedule",
            "scheduler:DeleteSchedule",
            "scheduler:GetSchedule",
        ],
        "Resource": f"arn:{{p}}:scheduler:*:*:schedule/{GROUP_PREFIX}*/*",
    },
    "AWS::Lambda::Function": {
        "Sid": "Functions",
        "Action": [
            "lambda:CreateFunction",
            "lambda:DeleteFunction",
            "lambda:GetFunction",
            "lambda:GetFunctionConfiguration",
            "lambda:UpdateFunctionCode",
            "lambda:UpdateFunctionConfiguration",
            "lambda:TagResource",
            "lambda:UntagResource",
            "lambda:ListTags",
        ],
        "Resource": "arn:{p}:lambda:*:*:function:" + STACKS,
    },
    "AWS::Lambda::EventInvokeConfig": {
        "Sid": "FunctionInvokeConfigs",
        "Action": [
            "lambda:PutFunctionEventInvokeConfig",
            "lambda:UpdateFunctionEventInvokeConfig",
            "lambda:DeleteFunctionEventInvokeConfig",
            "lambda:GetFunctionEventInvokeConfig",
        ],
        "Resource": "arn:{p}:lambda:*:*:function:" + STACKS,
    },
    "AWS::Logs::LogGroup": {
        "Sid": "LogGroups",
        "Action": [
            "logs:CreateLogGroup",
            "logs:DeleteLogGroup",
            "logs:PutRetentionPolicy",
            "logs:AssociateKmsKey",
            "logs:DescribeLogGroups",
            "logs:TagResource",
            "logs:UntagResource",
        ],
        "Resource": "arn:{p}:logs:*:*:log-group:" + STACKS,
    },
    "AWS::SQS::Queue": {
        "Sid": "Queues",
        "Action": [
            "sqs:CreateQueue",
            "sqs:DeleteQueue",
            "sqs:GetQueueAttributes",
            "sqs:SetQueueAttributes",
            "sqs:TagQueue",
            "sqs:UntagQueue",
        ],
        "Resource": "arn:{p}:sqs:*:*:" + STACKS,
    },
    "AWS::SQS::QueuePolicy": {
        "Sid": "QueuePolicies",
        "Action": ["sqs:SetQueueAttributes", "sqs:GetQueueAttributes"],
        "Resource": "arn:{p}:sqs:*:*:" + STACKS,
    },
    "AWS::SNS::Topic": {
        "Sid": "Topics",
        "Action": [
            "sns:CreateTopic",
            "sns:DeleteTopic",
            "sns:GetTopicAttributes",
            "sns:SetTopicAttributes",
            "sns:TagResource",
            "sns:UntagResource",
            "sns:ListTagsForResource",
        ],
        "Resource": "arn:{p}:sns:*:*:" + STACKS,
    },
    "AWS::SNS::TopicPolicy": {
        "Sid": "TopicPolicies",
        "Action": ["sns:SetTopicAttributes", "sns:GetTopicAttributes"],
        "Resource": "arn:{p}:sns:*:*:" + STACKS,
    },
    "AWS::SNS::Subscription": {
        "Sid": "Subscriptions",
        "Action": [
            "sns:Subscribe",
            "sns:Unsubscribe",
            "sns:GetSubscriptionAttributes",
            "sns:SetSubscriptionAttributes",
        ],
        "Resource": "arn:{p}:sns:*:*:" + STACKS,
    },
    "AWS::KMS::Key": {
        # CreateKey has no resource to name; the rest act on keys the stacks created.
        "Sid": "Keys",
        "Action": [
            "kms:CreateKey",
            "kms:DescribeKey",
            "kms:EnableKeyRotation",
            "kms:GetKeyPolicy",
            "kms:GetKeyRotationStatus",
            "kms:PutKeyPolicy",
            "kms:ScheduleKeyDeletion",
            "kms:TagResource",
            "kms:UntagResource",
            "kms:ListResourceTags",
        ],
        "Resource": "*",
    },
    "AWS::CloudWatch::Alarm": {
        # Alarms are named after their store ("<store> <what failed>").
        "Sid": "Alarms",
        "Action": [
            "cloudwatch:PutMetricAlarm",
            "cloudwatch:DeleteAlarms",
            "cloudwatch:DescribeAlarms",
            "cloudwatch:TagResource",
            "cloudwatch:UntagResource",
        ],
        "Resource": "arn:{p}:cloudwatch:*:*:alarm:*",
    },
    "AWS::CloudWatch::Dashboard": {
        "Sid": "Dashboards",
        "Action": [
            "cloudwatch:PutDashboard",
            "cloudwatch:DeleteDashboards",
            "cloudwatch:GetDashboard",
        ],
        "Resource": "arn:{p}:cloudwatch::*:dashboard/rekognition-model-scheduler-*",
    },
    "AWS::SSM::Parameter": {
        "Sid": "ModelHandles",
        "Action": [
            "ssm:PutParameter",
            "ssm:DeleteParameter",
            "ssm:GetParameters",
            "ssm:AddTagsToResource",
            "ssm:RemoveTagsFromResource",
            "ssm:ListTagsForResource",
        ],
        "Resource": f"arn:{{p}}:ssm:*:*:parameter{PARAMETER_PREFIX}/*",
    },
    # The copies bucket of a destination account and Region (stacks/distribution_stack.py).
    "AWS::S3::Bucket": {
        "Sid": "CopiesBuckets",
        "Action": [
            "s3:CreateBucket",
            "s3:DeleteBucket",
            "s3:PutBucketEncryption",
            "s3:PutBucketPublicAccessBlock",
            "s3:PutBucketOwnershipControls",
            "s3:PutBucketTagging",
            "s3:PutBucketPolicy",
            "s3:GetBucketPolicy",
            "s3:DeleteBucketPolicy",
        ],
        "Resource": f"arn:{{p}}:s3:::{COPIES_BUCKETS}",
    },
    "AWS::S3::BucketPolicy": {
        "Sid": "CopiesBucketPolicies",
        "Action": ["s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"],
        "Resource": f"arn:{{p}}:s3:::{COPIES_BUCKETS}",
    },
}
# Lambda reads the function's code from the bootstrap's asset bucket with the caller's rights.
ASSETS = {
    "Sid": "FunctionCode",
    "Action": ["s3:GetObject"],
    "Resource": f"arn:{{p}}:s3:::{BOOTSTRAP_ASSETS_BUCKETS}/*",
}


def execution_policy(
    partition: str = "aws", copier_role: str = DEFAULT_ROLE_NAME
) -> dict[str, Any]:
    """The policy; `copier_role` is fleet.distribution.roleName, the one role a stack names
    itself (IAM names are account-wide: the distribution stacks create it under that name)."""
    statements = []
    for statement in [*BY_TYPE.values(), ASSETS]:
        resource = str(statement["Resource"]).replace("{p}", partition)
        named: str | list[str] = (
            [resource.replace(STACKS, pattern) for pattern in STACK_PATTERNS]
            if STACKS in resource
            else resource
        )
        if statement["Sid"] == "Roles":
            named = [*named, f"arn:{partition}:iam::*:role/{copier_role}"]
        statements.append({**statement, "Effect": "Allow", "Resource": named})
    return {"Version": "2012-10-17", "Statement": statements}


def main(argv: list[str]) -> int:
    """[partition [copier role name]]"""
    print(json.dumps(execution_policy(*argv[:2]), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
