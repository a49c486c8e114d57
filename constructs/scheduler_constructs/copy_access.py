"""What ./scripts/distribute.sh needs in a destination account and Region: a bucket for the
copies' training results, and in the account's first Region the role it assumes there.

The bucket uses S3-managed encryption, not a KMS key: the pipeline's rotation check reads the
copies' summary files through the CDK bootstrap's lookup role, which may not decrypt with a
customer key (fleet/pipeline: pipeline_checks/rotations.py). TLS only, no public access, kept
when the stack goes (it holds the evaluation of versions that run).
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from constructs import Construct
from fleet.config import CopierRole
from scheduler_constructs.nag import Exemption, exempt

BUCKET_EXEMPTIONS = (
    Exemption(
        "The bucket holds the training results Rekognition copies with each version, read by "
        "the rotation checks; S3-managed keys so that the pipeline's lookup role can read them "
        "(a KMS key would need kms:Decrypt the lookup role does not have).",
        findings=(
            "NIST.800.53.R5-S3DefaultEncryptionKMS",
            "cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check",
        ),
        checkov=("CKV_AWS_145",),
    ),
    Exemption(
        "Rekognition writes each copy's results once and nobody edits them; access logs and "
        "versioning would record nothing a reviewer needs, and CloudTrail has the calls.",
        findings=(
            "AwsSolutions-S1",
            "NIST.800.53.R5-S3BucketLoggingEnabled",
            "NIST.800.53.R5-S3BucketVersioningEnabled",
            "cdk-validator-cfnguard::s3_bucket_logging_enabled_check",
            "cdk-validator-cfnguard::s3_bucket_versioning_enabled_check",
            "cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check",
        ),
        checkov=("CKV_AWS_18", "CKV_AWS_21"),
    ),
    Exemption(
        "Nothing reacts to a copy's results being written: the command polls Rekognition for "
        "the copy's status; and the results are kept as long as a store may rotate back to "
        "the version they evaluate (a few kilobytes each), so no lifecycle rule expires them.",
        findings=(
            "cdk-validator-cfnguard::s3_event_notifications_enabled_check",
            "cdk-validator-cfnguard::s3_lifecycle_policy_check",
        ),
    ),
    Exemption(
        "Copies exist in their Region only (CopyProjectVersion is regional); a version whose "
        "results were lost is copied again from its source, so no replica is kept.",
        findings=("NIST.800.53.R5-S3BucketReplicationEnabled",),
    ),
)


class CopyAccess(Construct):
    """The copies bucket of an account and Region, and the account's copier role if given."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bucket_name: str,
        role: CopierRole | None,
        partition: str,
    ) -> None:
        super().__init__(scope, construct_id)
        bucket = s3.Bucket(
            self,
            "Bucket",
            bucket_name=bucket_name,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=RemovalPolicy.RETAIN,
        )
        exempt(bucket, *BUCKET_EXEMPTIONS)
        self.bucket_name = bucket_name
        self.role_arn: str | None = None
        if role is None:
            return
        copier = iam.Role(
            self,
            "CopierRole",
            role_name=role.role_name,
            description="Assumed by ./scripts/distribute.sh to copy model versions into this "
            "account's projects",
            assumed_by=iam.CompositePrincipal(
                *(iam.AccountPrincipal(account) for account in role.trusted_accounts)
            ),
        )
        buckets = [f"arn:{partition}:s3:::{name}" for name in role.buckets]
        policy = iam.ManagedPolicy(
            self,
            "CopierPolicy",
            statements=[
                iam.PolicyStatement(
                    sid="CopyIntoTheTargetsProjects",
                    actions=[
                        "rekognition:CopyProjectVersion",
                        "rekognition:DescribeProjectVersions",
                    ],
                    resources=[*role.projects, *role.sources],
                ),
                iam.PolicyStatement(
                    sid="PruneOldCopies",
                    actions=["rekognition:DeleteProjectVersion"],
                    resources=list(role.projects),
                ),
                iam.PolicyStatement(
                    sid="WriteAndReadTheCopiesResults",
                    actions=["s3:PutObject", "s3:GetObject"],
                    resources=[f"{arn}/*" for arn in buckets],
                ),
                iam.PolicyStatement(
                    sid="CheckTheCopiesBuckets",
                    actions=["s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketAcl"],
                    resources=buckets,
                ),
            ],
        )
        copier.add_managed_policy(policy)
        exempt(
            policy,
            Exemption(
                "The versions a copy creates get names Rekognition chooses (a timestamp), and "
                "the objects of the results keys it chooses: the resources end in /* within the "
                "targets' projects and the copies buckets only.",
                findings=tuple(
                    f"AwsSolutions-IAM5[Resource::{resource}]"
                    for resource in [
                        *role.projects,
                        *role.sources,
                        *(f"{arn}/*" for arn in buckets),
                    ]
                ),
            ),
        )
        self.role_arn = copier.role_arn
