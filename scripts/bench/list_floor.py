#!/usr/bin/env python3
"""The floor for "time to the list": ListSecrets paging done by a plain script, straight against
moto (no browser, no proxy, no SigV4 computation: moto's auth is off and routes by the
credential scope of a dummy Authorization header). One keep-alive HTTP connection per worker.

  list_floor.py --endpoint http://127.0.0.1:5099 [--runs 3] [--mode sequential|partitioned|both]
                [--concurrency 4]

sequential:  what the dashboard does today: MaxResults=100, follow NextToken until it is absent.
partitioned: first one unfiltered page (the first rows, and a sample of names), then the name
             alphabet split into disjoint first-character prefix groups (<= 10 values per
             `name` filter, weighted by the sample), paged in parallel with bounded concurrency;
             rows merged by ARN. Same planning as src/model/partitions.rs.

Prints one JSON object: per mode the runs' times in ms (complete list, first page), the number of
requests, secrets seen and secrets scheduled for deletion.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

# Characters AWS allows in secret names (ASCII letters, digits and /_+=.@-).
ALPHABET = ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+=.@-")
MAX_VALUES = 10  # AWS: at most 10 values per filter
PAGE = 100


class Conn:
    def __init__(self, endpoint: str, region: str):
        u = urlparse(endpoint)
        self.c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        self.path = u.path or "/"
        self.headers = {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "secretsmanager.ListSecrets",
            "Authorization": ("AWS4-HMAC-SHA256 Credential=bench/20250101/"
                              f"{region}/secretsmanager/aws4_request, "
                              "SignedHeaders=content-type;host;x-amz-target, Signature=0"),
        }
        self.requests = 0

    def list(self, token=None, prefixes=None):
        body = {"IncludePlannedDeletion": True, "MaxResults": PAGE}
        if token:
            body["NextToken"] = token
        if prefixes:
            body["Filters"] = [{"Key": "name", "Values": prefixes}]
        self.c.request("POST", self.path, json.dumps(body), self.headers)
        r = self.c.getresponse()
        data = r.read()
        self.requests += 1
        if r.status != 200:
            raise SystemExit(f"ListSecrets -> HTTP {r.status}: {data[:300]!r}")
        d = json.loads(data)
        return d.get("SecretList", []), d.get("NextToken")


def plan(sample: list[str], bins: int = 7) -> list[list[str]]:
    """Disjoint first-character groups covering ALPHABET, balanced by the sample's weights."""
    bins = max(bins, -(-len(ALPHABET) // MAX_VALUES))
    weight = {c: 0 for c in ALPHABET}
    for n in sample:
        if n and n[0] in weight:
            weight[n[0]] += 1
    groups = [[] for _ in range(bins)]
    load = [0] * bins
    for c in sorted(ALPHABET, key=lambda c: (-weight[c], ALPHABET.index(c))):
        i = min((i for i in range(bins) if len(groups[i]) < MAX_VALUES),
                key=lambda i: (load[i], len(groups[i])))
        groups[i].append(c)
        load[i] += weight[c]
    order = sorted(range(bins), key=lambda i: -load[i])  # heaviest first
    return [groups[i] for i in order if groups[i]]


def sequential(ep, region):
    conn = Conn(ep, region)
    t0 = time.perf_counter()
    rows, token, first = {}, None, None
    while True:
        page, token = conn.list(token)
        for s in page:
            rows[s["ARN"]] = s
        if first is None:
            first = time.perf_counter() - t0
        if not token:
            break
    return time.perf_counter() - t0, first, conn.requests, rows


def partitioned(ep, region, concurrency):
    t0 = time.perf_counter()
    conn = Conn(ep, region)
    page, token = conn.list()
    first = time.perf_counter() - t0
    rows = {s["ARN"]: s for s in page}
    requests = [conn.requests]
    if token:
        groups = plan([s["Name"] for s in page])
        lock = threading.Lock()
        local = threading.local()

        def walk(prefixes):
            if not hasattr(local, "conn"):
                local.conn = Conn(ep, region)
            c = local.conn
            tok, got, before = None, {}, c.requests
            while True:
                pg, tok = c.list(tok, prefixes)
                for s in pg:
                    got[s["ARN"]] = s
                if not tok:
                    break
            with lock:
                rows.update(got)
                requests[0] += c.requests - before

        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(walk, groups))
    return time.perf_counter() - t0, first, requests[0], rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--mode", default="both", choices=["sequential", "partitioned", "both"])
    ap.add_argument("--concurrency", type=int, default=4)
    args = ap.parse_args()
    out = {}
    modes = ["sequential", "partitioned"] if args.mode == "both" else [args.mode]
    for mode in modes:
        totals, firsts = [], []
        for _ in range(args.runs):
            if mode == "sequential":
                total, first, n, rows = sequential(args.endpoint, args.region)
            else:
                total, first, n, rows = partitioned(args.endpoint, args.region, args.concurrency)
            totals.append(total * 1000)
            firsts.append(first * 1000)
        deleted = sum(1 for s in rows.values() if s.get("DeletedDate"))
        out[mode] = {"complete_ms": [round(t, 1) for t in totals],
                     "complete_ms_median": round(statistics.median(totals), 1),
                     "first_page_ms_median": round(statistics.median(firsts), 1),
                     "requests": n, "secrets": len(rows), "deleted": deleted}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
