#!/usr/bin/env python3
"""An in-process moto server seeded for the benchmarks: 5,000 secrets, 1,667 scheduled for deletion.

  moto_bench.py --port 5099 [--total 5000] [--deleted-every 3]

Seeding goes straight into moto's Secrets Manager backend (no HTTP): 5,000 secrets take about a
second instead of ~35 s over HTTP. IAM auth stays off, so any access key is accepted (requests are
routed by their SigV4 credential scope only). Names come from scripts/seed_moto.py's generator
(`{env}/{service}/{kind}`), the same realistic shape the demo uses. Every `--deleted-every`-th
secret (from the first) is scheduled for deletion: 1,667 of 5,000.

Prints one JSON line on stdout when ready ({"endpoint", "total", "deleted", "seconds"}), then
serves until SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import json
import signal
import socket
import sys
import threading
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no scripts/__pycache__ from the import below
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from seed_moto import live_secrets  # noqa: E402  (the project's own realistic name generator)

from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.secretsmanager.models import secretsmanager_backends  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402


def start_server(port: int, who: str) -> ThreadedMotoServer:
    """An in-process moto server on 127.0.0.1:`port` (`who` names the script in errors)."""
    # ThreadedMotoServer.start() waits forever if its thread cannot bind: fail fast instead.
    probe = socket.socket()
    try:
        probe.bind(("127.0.0.1", port))
    except OSError as e:
        raise SystemExit(f"{who}: port {port} is not free: {e}")
    finally:
        probe.close()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server


def seed_backend(backend, secrets, deleted_every: int) -> int:
    """Creates `secrets` (name, description, tags) in a Secrets Manager backend, scheduling every
    `deleted_every`-th one (from the first) for deletion; returns how many were."""
    deleted = 0
    for i, (name, description, tags) in enumerate(secrets):
        backend.create_secret(
            name=name, secret_string='{"user":"svc","password":"x"}', secret_binary=None,
            description=description,
            tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()] or None,
            kms_key_id=None, client_request_token=None, replica_regions=[], force_overwrite=False)
        if i % deleted_every == 0:
            schedule_deletion(backend, name, i)
            deleted += 1
    return deleted


def schedule_deletion(backend, name: str, i: int) -> None:
    """Schedules the `i`-th seeded secret, `name`, for deletion (a recovery window of 7 to 30
    days, by `i`): what DeleteSecret does, straight in the backend."""
    backend.delete_secret(name, recovery_window_in_days=7 + i % 24,
                          force_delete_without_recovery=False)


def serve_until_signalled(server: ThreadedMotoServer) -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.stop()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--total", type=int, default=5000)
    ap.add_argument("--deleted-every", type=int, default=3)
    args = ap.parse_args()

    t0 = time.monotonic()
    server = start_server(args.port, "moto_bench")
    backend = secretsmanager_backends[DEFAULT_ACCOUNT_ID][args.region]
    deleted = seed_backend(backend, live_secrets(args.total), args.deleted_every)
    print(json.dumps({"endpoint": f"http://127.0.0.1:{args.port}", "region": args.region,
                      "total": args.total, "deleted": deleted,
                      "seconds": round(time.monotonic() - t0, 2)}), flush=True)
    serve_until_signalled(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
