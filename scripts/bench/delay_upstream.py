#!/usr/bin/env python3
"""A pass-through that adds a fixed delay to every call, as a real AWS endpoint's round trip does,
for `make bench`'s fleet phase: the proxy's `--endpoint-url` points here, and this forwards each
request unchanged (method, path, headers including `Host`, so SigV4 signatures stay valid, and
body) to the upstream after sleeping --delay-ms, then returns the upstream's answer.

  delay_upstream.py --port 5098 --upstream http://127.0.0.1:5099 [--delay-ms 50]

Every call is delayed: Secrets Manager and STS alike (the proxy sends its STS calls, AssumeRole
and GetCallerIdentity, to the same endpoint). The standard library's ThreadingHTTPServer parses
the requests (a thread per connection, HTTP/1.1 keep-alive) and http.client sends them on.

Prints one JSON line on stdout when ready ({"endpoint", "upstream", "delayMs"}); on SIGTERM or
SIGINT, prints the calls it forwarded per action ({"calls": {"secretsmanager.ListSecrets": N,
"sts.AssumeRole": N, ...}}) and exits.
"""

from __future__ import annotations

import argparse
import http.client
import json
import signal
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# Not forwarded either way: they describe one connection, not the message.
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-connection", "proxy-authorization", "proxy-authenticate"}


def action_of(headers, body: bytes) -> str:
    """`secretsmanager.ListSecrets` (X-Amz-Target), or `sts.AssumeRole` (the form's Action)."""
    target = headers.get("X-Amz-Target")
    if target:
        return target
    action = parse_qs(body.decode("utf-8", "replace")).get("Action", ["?"])[0]
    return f"sts.{action}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--upstream", required=True, help="http://HOST:PORT")
    ap.add_argument("--delay-ms", type=float, default=50.0)
    args = ap.parse_args()
    upstream = urlsplit(args.upstream)
    if upstream.scheme != "http" or not upstream.hostname or not upstream.port:
        raise SystemExit(f"delay_upstream: --upstream {args.upstream!r}: expected http://HOST:PORT")
    delay = args.delay_ms / 1000
    calls: Counter[str] = Counter()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as reqwest's pool expects

        def do_POST(self) -> None:
            self.forward()

        def do_GET(self) -> None:
            self.forward()

        def forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                calls[action_of(self.headers, body)] += 1
            time.sleep(delay)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                answer = conn.getresponse()
                payload = answer.read()
            finally:
                conn.close()
            self.send_response(answer.status, answer.reason)
            for k, v in answer.getheaders():
                if k.lower() not in HOP_BY_HOP and k.lower() not in ("content-length", "date", "server"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_args) -> None:  # one line per call is noise here
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    stopped = threading.Event()

    def stop(*_args) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"endpoint": f"http://127.0.0.1:{args.port}", "upstream": args.upstream,
                      "delayMs": args.delay_ms}), flush=True)
    stopped.wait()
    server.shutdown()
    with lock:
        print(json.dumps({"calls": dict(sorted(calls.items()))}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
