#!/usr/bin/env python3
"""Seed a running moto server with a realistic Secrets Manager account, then turn IAM auth on.

Usage:
  seed_moto.py --endpoint http://127.0.0.1:5000 --state /tmp/undelete-moto.json
               [--region us-east-1] [--policy docs/iam-policy.json] [--live 140] [--scheduled 12]
               [--no-auth] [--reset] [--fleet] [--regions us-east-1,eu-west-1]
               [--spoke staging=210987654321] [--denied-spoke sandbox=333333333333]

What it creates (with moto's auth still off):
  * IAM user `undelete-admin` with an inline policy allowing everything, and an access key
    (used by the demo/e2e harness to inspect and change moto's state);
  * IAM user `undelete-dashboard` with exactly the proxy's least-privilege policy
    (docs/iam-policy.json, or an equivalent built-in document while that file does not exist),
    and an access key (the proxy runs with these credentials);
  * --live live secrets and 12 secrets scheduled for deletion with different recovery windows
    (names with `/`, descriptions, tags), more than 100 in total so ListSecrets pages; with
    --scheduled above 12, generated `bulk/NNNN` ones besides.
With --fleet, the dashboard user is also the hub of a hub-and-spoke set-up (docs/proxy.md): it
gets docs/iam-hub-policy.json, and each --spoke account (default staging=210987654321) gets a role
`undelete-dashboard` with docs/iam-policy.json trusting it (docs/iam-spoke-trust-policy.json), plus
a role `undelete-admin` the harness assumes to look inside that account. Every account × every
--regions region (default us-east-1,eu-west-1) gets a few secrets scheduled for deletion, one name
(`shared/api-token`) in two targets; the hub's first region keeps the full set above. Each
--denied-spoke account gets a role whose policy lacks ListSecrets (a target that fails).
Then it turns on moto's signature + IAM checks (POST /moto-api/reset-auth, body 0), checks that
the dashboard user can list but not read secret values, and writes everything to --state as JSON:
  {"endpoint", "region", "accountId", "admin": {"accessKeyId", "secretAccessKey"},
   "dashboard": {...}, "scheduled": [{"name", "arn", "recoveryWindowInDays", "deletedDate",
   "description", "tags"}], "live": [names], "total": N}
  and with --fleet also "targets": [{"account", "label", "region", "scheduled": [{"name", "arn",
   "deletedDate"}], "denied"}] and "spokes": [{"label", "account", "roleArn", "adminRoleArn"}].
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

REPO = Path(__file__).resolve().parent.parent

# Used only while docs/iam-policy.json does not exist yet; same actions as the documented policy.
FALLBACK_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "UndeleteDashboard",
            "Effect": "Allow",
            "Action": [
                "secretsmanager:ListSecrets",
                "secretsmanager:DescribeSecret",
                "secretsmanager:RestoreSecret",
            ],
            "Resource": "*",
        }
    ],
}

ADMIN_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}

# The dozen secrets scheduled for deletion. Distinct recovery windows (7..30 days) give a
# deterministic "time left" order. Note the prefix pairs (prod/db vs prod/db-replica...) that
# catch inexact name matching, and one secret with neither description nor tags.
SCHEDULED = [
    ("prod/db", 7, "Primary Postgres credentials for the orders service",
     {"team": "payments", "env": "prod", "owner": "alice"}),
    ("prod/db-replica", 9, "Read replica credentials (reporting)",
     {"team": "payments", "env": "prod"}),
    ("staging/api/stripe-key", 10, "Stripe restricted key for staging checkout",
     {"team": "payments", "env": "staging", "vendor": "stripe"}),
    ("legacy/ldap-bind", 12, "LDAP bind password; the directory was retired in Q2",
     {"team": "identity", "env": "prod", "deprecated": "true"}),
    ("dev/alice/scratch", 14, None, None),
    ("prod/search/opensearch-master", 16, "OpenSearch master user",
     {"team": "search", "env": "prod"}),
    ("ci/github-deploy-token", 19, "Deploy token used by the release pipeline",
     {"team": "platform", "env": "ci", "rotation": "90d"}),
    ("prod/kafka/sasl_scram", 21, "SASL/SCRAM credentials for the events cluster",
     {"team": "data", "env": "prod"}),
    ("analytics/warehouse+etl", 24, "Warehouse ETL service account",
     {"team": "data", "env": "prod", "cost-center": "4711"}),
    ("staging/smtp@relay", 26, "SMTP relay login for staging mails",
     {"team": "platform", "env": "staging"}),
    ("prod/oauth/client.secret", 28, "OAuth client secret for the customer portal",
     {"team": "identity", "env": "prod", "pii": "no"}),
    ("old/unused-token=2019", 30, "Token from 2019, nobody knows what it was for",
     {"team": "unknown"}),
]

ENVS = ["prod", "staging", "dev", "qa"]
SERVICES = ["billing", "checkout", "search", "auth", "catalog", "inventory", "reports",
            "notifications", "gateway", "ledger", "shipping", "profile"]
KINDS = [
    ("db/password", "Database password for {svc} ({env})"),
    ("api-key", "API key used by {svc} in {env}"),
    ("oauth/client-secret", "OAuth client secret of {svc}"),
    ("redis/auth", "Redis AUTH token for the {svc} cache"),
    ("tls/private-key", "TLS private key for {svc}.{env}.example.com"),
    ("webhook/signing-secret", "Webhook signing secret ({svc})"),
]
TEAMS = ["payments", "platform", "search", "identity", "data", "growth"]


def live_secrets(n: int) -> list[tuple[str, str | None, dict[str, str] | None]]:
    rnd = random.Random(4)  # deterministic account
    out = []
    seen = set()
    i = 0
    while len(out) < n:
        env = ENVS[i % len(ENVS)]
        svc = SERVICES[(i // len(ENVS)) % len(SERVICES)]
        kind, desc = KINDS[(i // (len(ENVS) * len(SERVICES))) % len(KINDS)]
        i += 1
        name = f"{env}/{svc}/{kind}"
        if name in seen:
            name = f"{name}-{i}"
        seen.add(name)
        description = desc.format(svc=svc, env=env) if rnd.random() > 0.15 else None
        tags = None
        if rnd.random() > 0.2:
            tags = {"team": rnd.choice(TEAMS), "env": env}
            if rnd.random() > 0.6:
                tags["rotation"] = rnd.choice(["30d", "90d", "manual"])
        out.append((name, description, tags))
    return out


def scheduled_secrets(n: int) -> list[tuple[str, int, str | None, dict[str, str] | None]]:
    """The dozen hand-written ones first; beyond 12, `bulk/NNNN` secrets (windows 7-30 days) for
    tests of large tables."""
    out = list(SCHEDULED[:n])
    for i in range(len(out), n):
        out.append((f"bulk/{i:04d}", 7 + i % 24, f"Bulk secret {i}", {"team": TEAMS[i % len(TEAMS)]}))
    return out


def load_policy(path: Path) -> tuple[dict, str]:
    if path.exists():
        doc = json.loads(path.read_text())
        source = str(path)
    else:
        doc = FALLBACK_POLICY
        source = f"built-in fallback ({path} does not exist yet)"
    # moto evaluates Secrets Manager calls against the resource "*" (it has no per-secret resource
    # resolution), so a statement scoped to secret ARNs would never match there. Keep the actions
    # exactly as documented and widen only the resources, for moto only.
    doc = json.loads(json.dumps(doc))
    for st in doc.get("Statement", []):
        if "Resource" in st and st["Resource"] != "*":
            st["Resource"] = "*"
    return doc, source


def post_moto_api(endpoint: str, path: str, body: str) -> None:
    req = urllib.request.Request(
        endpoint.rstrip("/") + path, data=body.encode(), method="POST",
        headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        resp.read()


def client(service: str, endpoint: str, region: str, key: str = "seed", secret: str = "seed"):
    return boto3.client(
        service, endpoint_url=endpoint, region_name=region,
        aws_access_key_id=key, aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 2, "mode": "standard"}))


def make_user(iam, name: str, policy: dict) -> dict:
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName=f"{name}-inline",
                        PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"userName": name, "accessKeyId": key["AccessKeyId"],
            "secretAccessKey": key["SecretAccessKey"]}


# The fleet's other targets: (account label or "hub", region index) -> (name, window) scheduled.
# `shared/api-token` is scheduled in two targets, so the table has two rows of that name.
FLEET_SCHEDULED = {
    ("hub", 1): [("shared/api-token", 8), ("eu/payments/db", 13)],
    ("spoke", 0): [("shared/api-token", 11), ("staging/queue/creds", 17),
                   ("staging/cdn-signing-key", 25)],
    ("spoke", 1): [("eu/staging/db", 7)],
}
FLEET_LIVE = ["fleet/live-one", "fleet/live-two", "fleet/live-three"]

HUB_POLICY_FALLBACK = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                   "Resource": "arn:aws:iam::*:role/undelete-dashboard"}],
}
# A role that can describe and restore but not list: its target fails with AccessDenied.
DENIED_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["secretsmanager:DescribeSecret"],
                   "Resource": "*"}],
}


def trust_policy(hub_account: str, hub_user: str) -> dict:
    """docs/iam-spoke-trust-policy.json, trusting the seeded hub user (moto does not evaluate
    trust policies, so this is what a real spoke would hold, not something moto checks)."""
    path = REPO / "docs" / "iam-spoke-trust-policy.json"
    doc = json.loads(path.read_text()) if path.exists() else {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ""}, "Action": "sts:AssumeRole"}]}
    for st in doc.get("Statement", []):
        st["Principal"] = {"AWS": f"arn:aws:iam::{hub_account}:user/{hub_user}"}
        # An ExternalId condition is optional (docs/proxy.md); the demo does not use one.
        st.pop("Condition", None)
    return doc


def in_account(ep: str, region: str, account: str):
    """Keys acting in `account` (before auth is on, any role there can be assumed)."""
    sts = client("sts", ep, region)
    c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/seed",
                        RoleSessionName="seed")["Credentials"]
    return c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]


def account_client(service: str, ep: str, region: str, creds):
    return boto3.client(
        service, endpoint_url=ep, region_name=region, aws_access_key_id=creds[0],
        aws_secret_access_key=creds[1], aws_session_token=creds[2],
        config=Config(retries={"max_attempts": 2, "mode": "standard"}))


def make_role(iam, name: str, trust: dict, policy: dict, account: str) -> str:
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName=name, PolicyName=f"{name}-inline",
                        PolicyDocument=json.dumps(policy))
    return f"arn:aws:iam::{account}:role/{name}"


def parse_spokes(values: list[str]) -> list[tuple[str, str]]:
    out = []
    for v in values:
        label, _, account = v.partition("=")
        if not (account.isdigit() and len(account) == 12 and label):
            raise SystemExit(f"seed_moto: --spoke/--denied-spoke {v!r}: expected LABEL=12-digit-account")
        out.append((label, account))
    return out


def seed_fleet(args, ep: str, hub_account: str, iam, dashboard: dict, policy: dict) -> dict:
    regions = [r for r in args.regions.split(",") if r]
    hub_policy_path = REPO / "docs" / "iam-hub-policy.json"
    # Widened to Resource "*" like the dashboard policy (moto matches no role ARNs).
    hub_policy = (load_policy(hub_policy_path)[0] if hub_policy_path.exists()
                  else HUB_POLICY_FALLBACK)
    iam.put_user_policy(UserName=dashboard["userName"], PolicyName="undelete-hub",
                        PolicyDocument=json.dumps(hub_policy))
    trust = trust_policy(hub_account, dashboard["userName"])
    spokes, targets = [], []

    def scheduled_in(creds, region, items, account, label):
        sm = (client("secretsmanager", ep, region) if creds is None
              else account_client("secretsmanager", ep, region, creds))
        for name in FLEET_LIVE:
            sm.create_secret(Name=name, SecretString="live")
        out = []
        for name, window in items:
            arn = sm.create_secret(Name=name, SecretString=os.urandom(9).hex(),
                                   Description=f"{name} in {label} ({region})")["ARN"]
            resp = sm.delete_secret(SecretId=arn, RecoveryWindowInDays=window)
            out.append({"name": name, "arn": arn, "deletedDate": resp["DeletionDate"].timestamp()})
        return out

    for i, region in enumerate(regions[1:], start=1):
        targets.append({"account": hub_account, "label": hub_account, "region": region,
                        "scheduled": scheduled_in(None, region, FLEET_SCHEDULED.get(("hub", i), []),
                                                  hub_account, hub_account),
                        "denied": False})
    spoke_list = ([(label, account, False) for label, account in parse_spokes(args.spoke)]
                  + [(label, account, True) for label, account in parse_spokes(args.denied_spoke)])
    for label, account, denied in spoke_list:
        creds = in_account(ep, regions[0], account)
        spoke_iam = account_client("iam", ep, regions[0], creds)
        role = make_role(spoke_iam, "undelete-dashboard", trust,
                         DENIED_POLICY if denied else policy, account)
        admin_role = make_role(spoke_iam, "undelete-admin", trust, ADMIN_POLICY, account)
        spokes.append({"label": label, "account": account, "roleArn": role,
                       "adminRoleArn": admin_role, "denied": denied})
        for i, region in enumerate(regions):
            items = [] if denied else FLEET_SCHEDULED.get(("spoke", i), [])
            targets.append({"account": account, "label": label, "region": region,
                            "scheduled": scheduled_in(creds, region, items, account, label),
                            "denied": denied})
    return {"regions": regions, "spokes": spokes, "targets": targets}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--state", required=True, help="JSON file to write keys and seeded data to")
    ap.add_argument("--policy", default=str(REPO / "docs" / "iam-policy.json"))
    ap.add_argument("--live", type=int, default=140, help="number of live secrets (default 140)")
    ap.add_argument("--scheduled", type=int, default=len(SCHEDULED),
                    help=f"number of secrets scheduled for deletion (default {len(SCHEDULED)}; more are bulk/NNNN)")
    ap.add_argument("--no-auth", action="store_true", help="leave moto's IAM checks off")
    ap.add_argument("--reset", action="store_true", help="wipe moto's state first")
    ap.add_argument("--fleet", action="store_true",
                    help="also seed spoke accounts and more regions (hub-and-spoke)")
    ap.add_argument("--regions", default="us-east-1,eu-west-1",
                    help="with --fleet: the regions (the first is --region's set)")
    ap.add_argument("--spoke", action="append", default=None, metavar="LABEL=ACCOUNT",
                    help="with --fleet: a spoke account (default staging=210987654321)")
    ap.add_argument("--denied-spoke", action="append", default=[], metavar="LABEL=ACCOUNT",
                    help="with --fleet: a spoke whose role may not list secrets")
    args = ap.parse_args()
    if args.spoke is None:
        args.spoke = ["staging=210987654321"]
    if args.fleet:
        args.regions = ",".join([args.region] + [r for r in args.regions.split(",")
                                                 if r and r != args.region])

    t0 = time.monotonic()
    ep, region = args.endpoint, args.region
    # Auth off while seeding (also resets moto's request counter).
    post_moto_api(ep, "/moto-api/reset-auth", "inf")
    if args.reset:
        post_moto_api(ep, "/moto-api/reset", "")

    policy, policy_source = load_policy(Path(args.policy))
    iam = client("iam", ep, region)
    admin = make_user(iam, "undelete-admin", ADMIN_POLICY)
    dashboard = make_user(iam, "undelete-dashboard", policy)
    account_id = client("sts", ep, region).get_caller_identity()["Account"]

    sm = client("secretsmanager", ep, region)

    def create(name, description, tags):
        kw = {"Name": name, "SecretString": json.dumps({"user": "svc", "password": os.urandom(9).hex()})}
        if description:
            kw["Description"] = description
        if tags:
            kw["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        return sm.create_secret(**kw)["ARN"]

    live = live_secrets(args.live)
    for name, description, tags in live:
        create(name, description, tags)

    scheduled = []
    for name, window, description, tags in scheduled_secrets(args.scheduled):
        arn = create(name, description, tags)
        resp = sm.delete_secret(SecretId=arn, RecoveryWindowInDays=window)
        scheduled.append({
            "name": name, "arn": arn, "recoveryWindowInDays": window,
            "deletedDate": resp["DeletionDate"].timestamp(),
            "description": description, "tags": tags or {},
        })

    fleet = seed_fleet(args, ep, account_id, iam, dashboard, policy) if args.fleet else None

    if not args.no_auth:
        post_moto_api(ep, "/moto-api/reset-auth", "0")
        # Sanity: the dashboard key lists; it cannot read values; an unknown key is refused.
        dsm = client("secretsmanager", ep, region, dashboard["accessKeyId"], dashboard["secretAccessKey"])
        dsm.list_secrets(MaxResults=1, IncludePlannedDeletion=True)
        try:
            dsm.get_secret_value(SecretId=live[0][0])
            print("seed_moto: warning: dashboard user could read a secret value", file=sys.stderr)
        except ClientError as e:
            # moto answers IAM denials with an XML body even for JSON services: botocore then
            # reports the HTTP status as the code.
            if e.response["ResponseMetadata"]["HTTPStatusCode"] != 403:
                raise
        try:
            sm.list_secrets(MaxResults=1)
            raise SystemExit("seed_moto: moto accepted an unknown access key: IAM auth is not on")
        except ClientError:
            pass

    state = {
        "endpoint": ep, "region": region, "accountId": account_id, "authOn": not args.no_auth,
        "policySource": policy_source,
        "admin": admin, "dashboard": dashboard,
        "scheduled": scheduled, "live": [n for n, _, _ in live],
        "total": len(live) + len(scheduled),
    }
    if fleet:
        hub = {"account": account_id, "label": account_id, "region": region,
               "scheduled": [{k: s[k] for k in ("name", "arn", "deletedDate")} for s in scheduled],
               "denied": False}
        state.update(regions=fleet["regions"], spokes=fleet["spokes"],
                     targets=[hub] + fleet["targets"])
    Path(args.state).write_text(json.dumps(state, indent=2))
    print(f"seed_moto: {len(live)} live + {len(scheduled)} scheduled for deletion "
          f"({state['total']} secrets), IAM auth {'on' if state['authOn'] else 'off'}, "
          f"dashboard policy from {policy_source}; {time.monotonic() - t0:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
