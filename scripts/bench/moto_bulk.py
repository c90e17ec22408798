#!/usr/bin/env python3
"""An in-process moto server for `make bench`'s bulk restore phase (scripts/bench/bulk.sh): one
target (the default account, us-east-1) with 600 secrets, every 3rd — 200 — scheduled for
deletion, and a control port that schedules them again between loads.

  moto_bulk.py --port 5099 --control-port 5100 [--total 600] [--deleted-every 3]

Seeding and re-scheduling go straight into moto's Secrets Manager backend, with
scripts/bench/moto_bench.py's helpers (names from scripts/seed_moto.py's generator). IAM auth
stays off, as in the other phases.

Control (loopback, JSON answers):
  POST /reschedule  schedules again every seeded secret that is not scheduled any more (a load
                    restored it): {"rescheduled": n, "scheduled": 200}; n is what the last load
                    restored (0 before the first)
  GET  /state       {"scheduled": count scheduled now, "seeded": 200}

Prints one JSON line on stdout when ready ({"endpoint", "control", "region", "total", "deleted",
"seconds"}), then serves until SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.dont_write_bytecode = True  # no scripts/__pycache__ from the imports below
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from seed_moto import live_secrets  # noqa: E402  (the project's own realistic name generator)

from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.secretsmanager.models import secretsmanager_backends  # noqa: E402
from moto_bench import schedule_deletion, seed_backend, serve_until_signalled, start_server  # noqa: E402


class Scheduled:
    """The seeded secrets meant to be scheduled, and the backend they live in."""

    def __init__(self, backend, secrets, deleted_every: int):
        self.backend = backend
        self.lock = threading.Lock()
        self.deleted = seed_backend(backend, secrets, deleted_every)
        self.scheduled = [(i, name) for i, (name, _, _) in enumerate(secrets) if i % deleted_every == 0]

    def count(self) -> int:
        return sum(1 for _, name in self.scheduled if self.backend.secrets[name].is_deleted())

    def reschedule(self) -> int:
        with self.lock:
            again = [(i, name) for i, name in self.scheduled if not self.backend.secrets[name].is_deleted()]
            for i, name in again:
                schedule_deletion(self.backend, name, i)
            return len(again)


def control_server(port: int, scheduled: Scheduled) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def answer(self, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802
            if self.path != "/reschedule":
                return self.send_error(404)
            n = scheduled.reschedule()
            self.answer({"rescheduled": n, "scheduled": scheduled.count()})

        def do_GET(self) -> None:  # noqa: N802
            if self.path != "/state":
                return self.send_error(404)
            self.answer({"scheduled": scheduled.count(), "seeded": len(scheduled.scheduled)})

        def log_message(self, *_args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--control-port", type=int, required=True)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--total", type=int, default=600)
    ap.add_argument("--deleted-every", type=int, default=3)
    args = ap.parse_args()

    t0 = time.monotonic()
    server = start_server(args.port, "moto_bulk")
    scheduled = Scheduled(secretsmanager_backends[DEFAULT_ACCOUNT_ID][args.region], live_secrets(args.total),
                  args.deleted_every)
    control = control_server(args.control_port, scheduled)
    print(json.dumps({"endpoint": f"http://127.0.0.1:{args.port}",
                      "control": f"http://127.0.0.1:{args.control_port}", "region": args.region,
                      "total": args.total, "deleted": scheduled.deleted,
                      "seconds": round(time.monotonic() - t0, 2)}), flush=True)
    serve_until_signalled(server)
    control.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
