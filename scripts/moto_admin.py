#!/usr/bin/env python3
"""Admin calls against the seeded moto server, with the `undelete-admin` keys from the state file.

  moto_admin.py --state FILE scheduled            -> JSON list of names scheduled for deletion
  moto_admin.py --state FILE describe NAME        -> JSON {"name", "exists", "deletedDate"}
  moto_admin.py --state FILE force-delete NAME    -> purge now (ForceDeleteWithoutRecovery)
  moto_admin.py --state FILE schedule NAME DAYS   -> DeleteSecret with RecoveryWindowInDays
  moto_admin.py --state FILE restore NAME         -> RestoreSecret
  --target ACCOUNT/REGION acts in another account-region of a --fleet seed (through the
  account's `undelete-admin` role for a spoke).
Used by the e2e suite (to check what the UI did, and to change things behind its back).
"""

from __future__ import annotations

import argparse
import json
import sys

import boto3
from botocore.exceptions import ClientError


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--state", required=True)
    ap.add_argument("--target", help="ACCOUNT/REGION of a --fleet seed (default: the hub's region)")
    ap.add_argument("cmd", choices=["scheduled", "describe", "force-delete", "schedule", "restore"])
    ap.add_argument("args", nargs="*")
    a = ap.parse_args()
    st = json.load(open(a.state))
    account, region = st["accountId"], st["region"]
    if a.target:
        account, _, region = a.target.partition("/")
    keys = dict(aws_access_key_id=st["admin"]["accessKeyId"],
                aws_secret_access_key=st["admin"]["secretAccessKey"])
    if account != st["accountId"]:
        spoke = next(s for s in st["spokes"] if s["account"] == account)
        sts = boto3.client("sts", endpoint_url=st["endpoint"], region_name=region, **keys)
        c = sts.assume_role(RoleArn=spoke["adminRoleArn"], RoleSessionName="e2e")["Credentials"]
        keys = dict(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                    aws_session_token=c["SessionToken"])
    sm = boto3.client("secretsmanager", endpoint_url=st["endpoint"], region_name=region, **keys)

    out: object
    if a.cmd == "scheduled":
        names = []
        for page in sm.get_paginator("list_secrets").paginate(IncludePlannedDeletion=True):
            names += [s["Name"] for s in page["SecretList"] if s.get("DeletedDate")]
        out = sorted(names)
    elif a.cmd == "describe":
        try:
            d = sm.describe_secret(SecretId=a.args[0])
            dd = d.get("DeletedDate")
            out = {"name": d["Name"], "exists": True, "deletedDate": dd.timestamp() if dd else None}
        except ClientError as e:
            if e.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            out = {"name": a.args[0], "exists": False, "deletedDate": None}
    elif a.cmd == "force-delete":
        sm.delete_secret(SecretId=a.args[0], ForceDeleteWithoutRecovery=True)
        out = {"ok": True}
    elif a.cmd == "schedule":
        sm.delete_secret(SecretId=a.args[0], RecoveryWindowInDays=int(a.args[1]))
        out = {"ok": True}
    else:
        sm.restore_secret(SecretId=a.args[0])
        out = {"ok": True}
    json.dump(out, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
