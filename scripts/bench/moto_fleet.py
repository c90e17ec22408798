#!/usr/bin/env python3
"""An in-process moto server seeded as a fleet for `make bench`'s fleet phase: 3 accounts (the
proxy's own and two spokes reached through AssumeRole) x 4 regions = 12 targets, each with 300
secrets, 100 of them scheduled for deletion.

  moto_fleet.py --port 5099 [--regions us-east-1,eu-west-1,us-west-2,ap-southeast-2]
                [--spoke 111111111111] [--spoke 222222222222] [--per-target 300] [--deleted-every 3]

As in scripts/seed_moto.py's hub-and-spoke set-up, each spoke account gets a role `undelete`
(inline policy docs/iam-policy.json), created over HTTP with credentials assumed into that
account (moto lets any role ARN be assumed while its IAM auth is off). IAM auth then stays off,
as in the other phases: any access key is accepted; calls made with the assumed credentials act
in the role's account. The secrets go straight into moto's Secrets Manager backends (no HTTP),
names from scripts/seed_moto.py's generator, the same names in every target; every
`--deleted-every`-th secret (from the first) is scheduled for deletion: 100 of 300.

Prints one JSON line on stdout when ready ({"endpoint", "ownAccount", "regions", "roleArns",
"perTarget", "deletedPerTarget", "targets", "seconds"}), then serves until SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no scripts/__pycache__ from the import below
REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO / "scripts"))
from seed_moto import live_secrets  # noqa: E402  (the project's own realistic name generator)

import boto3  # noqa: E402
from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.secretsmanager.models import secretsmanager_backends  # noqa: E402
from moto_bench import seed_backend, serve_until_signalled, start_server  # noqa: E402  (same dir)

ROLE_NAME = "undelete"
SEED_KEYS = {"aws_access_key_id": "AKIDFLEETSEED0000000", "aws_secret_access_key": "fleet-seed"}


def spoke_role(endpoint: str, account: str, region: str, policy: str) -> str:
    """Creates the spoke's role in `account` with keys assumed into it; returns its ARN."""
    sts = boto3.client("sts", endpoint_url=endpoint, region_name=region, **SEED_KEYS)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/seed",
                            RoleSessionName="bench-seed")["Credentials"]
    iam = boto3.client("iam", endpoint_url=endpoint, region_name=region,
                       aws_access_key_id=creds["AccessKeyId"],
                       aws_secret_access_key=creds["SecretAccessKey"],
                       aws_session_token=creds["SessionToken"])
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{DEFAULT_ACCOUNT_ID}:root"},
        "Action": "sts:AssumeRole"}]}
    arn = iam.create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName=ROLE_NAME, PolicyName="undelete-dashboard", PolicyDocument=policy)
    if not arn.startswith(f"arn:aws:iam::{account}:"):
        raise SystemExit(f"moto_fleet: the role was made in the wrong account: {arn}")
    return arn


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--regions", default="us-east-1,eu-west-1,us-west-2,ap-southeast-2")
    ap.add_argument("--spoke", action="append", default=None, metavar="ACCOUNT",
                    help="a spoke account (12 digits); default 111111111111 and 222222222222")
    ap.add_argument("--per-target", type=int, default=300)
    ap.add_argument("--deleted-every", type=int, default=3)
    args = ap.parse_args()
    regions = [r for r in args.regions.split(",") if r]
    spokes = args.spoke or ["111111111111", "222222222222"]
    for account in spokes:
        if not re.fullmatch(r"\d{12}", account) or account == DEFAULT_ACCOUNT_ID:
            raise SystemExit(f"moto_fleet: --spoke {account!r}: expected 12 digits, not {DEFAULT_ACCOUNT_ID}")

    t0 = time.monotonic()
    server = start_server(args.port, "moto_fleet")
    endpoint = f"http://127.0.0.1:{args.port}"

    policy = (REPO / "docs" / "iam-policy.json").read_text()
    role_arns = [spoke_role(endpoint, account, regions[0], policy) for account in spokes]

    secrets = live_secrets(args.per_target)
    deleted = 0
    for account in [DEFAULT_ACCOUNT_ID, *spokes]:
        for region in regions:
            deleted = seed_backend(secretsmanager_backends[account][region], secrets,
                                   args.deleted_every)
    print(json.dumps({"endpoint": endpoint, "ownAccount": DEFAULT_ACCOUNT_ID, "regions": regions,
                      "roleArns": role_arns, "perTarget": args.per_target,
                      "deletedPerTarget": deleted, "targets": (1 + len(spokes)) * len(regions),
                      "seconds": round(time.monotonic() - t0, 2)}), flush=True)
    serve_until_signalled(server)
    return 0

if __name__ == "__main__":
    sys.exit(main())
