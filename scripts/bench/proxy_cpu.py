#!/usr/bin/env python3
"""CPU time per proxied request: undelete-proxy build(s) against nginx's proxy_pass.

    python3 scripts/bench/proxy_cpu.py [--runs 3] [--seconds 6] [--log info] NAME=BINARY ...

On a shared, noisy machine requests/s move by tens of percent between runs; the CPU a process
spends per request moves much less. For each round this runs wrk (the same load as
`proxy_overhead.sh`'s throughput reference, but -c32: POST ListSecrets, body {}) once against nginx's own
`proxy_pass` and once against every given proxy binary, in a rotating order (so builds are
interleaved, never measured at different times), and reads utime+stime (and context switches)
of the measured process from /proc before and after. The upstream is a separate nginx
instance (`return 200` with the same fixed JSON as `proxy_overhead.sh`), and so is the
proxy_pass floor, so each figure is only that process tree's own CPU. Prints the median over
the rounds per target: CPU µs/request (and the user-space part of it), requests/s, context
switches per request of the measured process, and the upstream's CPU µs/request. A tool for
comparing builds by hand (docs/proxy.md); `make bench` does not run it.
"""
import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def body():
    text = open(os.path.join(HERE, "proxy_overhead.sh")).read()
    return re.search(r"^BODY='(.*)'$", text, re.M).group(1)


def wait_up(url, proc, seconds=10):
    for _ in range(seconds * 10):
        if proc.poll() is not None:
            sys.exit(f"{url}: process exited")
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:
            time.sleep(0.1)
    sys.exit(f"{url} did not come up")


def tree(pid):
    """pid and its direct children (nginx master + workers)."""
    pids = [pid]
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                pids += [int(p) for p in f.read().split()]
    except FileNotFoundError:
        pass
    return pids


def usage(pid):
    """(CPU seconds, user CPU seconds, context switches) of pid's tree, all threads."""
    cpu = user = 0.0
    switches = 0
    for p in tree(pid):
        with open(f"/proc/{p}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        cpu += (int(fields[11]) + int(fields[12])) / TICK
        user += int(fields[11]) / TICK
        for tid in os.listdir(f"/proc/{p}/task"):
            try:
                with open(f"/proc/{p}/task/{tid}/status") as f:
                    for line in f:
                        if line.startswith(("voluntary_ctxt", "nonvoluntary_ctxt")):
                            switches += int(line.split()[1])
            except FileNotFoundError:
                pass
    return cpu, user, switches


def nginx_conf(run, name, server):
    os.makedirs(f"{run}/{name}/tmp", exist_ok=True)
    path = f"{run}/{name}/nginx.conf"
    with open(path, "w") as f:
        f.write(f"""worker_processes auto;
pid {run}/{name}/nginx.pid;
error_log {run}/{name}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {run}/{name}/tmp/body;
  proxy_temp_path {run}/{name}/tmp/proxy;
  fastcgi_temp_path {run}/{name}/tmp/fastcgi;
  uwsgi_temp_path {run}/{name}/tmp/uwsgi;
  scgi_temp_path {run}/{name}/tmp/scgi;
  keepalive_requests 1000000;
  {server}
}}
""")
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=6)
    ap.add_argument("--log", default="info", help="RUST_LOG of the proxies")
    ap.add_argument("--no-nginx", action="store_true", help="skip the proxy_pass floor")
    ap.add_argument("--together", action="store_true",
                    help="load every target at the same time (one wrk each), so that all see the "
                         "same machine; steadier for comparing builds, but not the solo figure")
    ap.add_argument("proxies", nargs="+", metavar="NAME=BINARY")
    args = ap.parse_args()
    for tool in ("nginx", "wrk"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing")

    run = tempfile.mkdtemp(prefix="undelete-proxy-cpu.")
    procs = []
    try:
        up, ngx = free_port(), free_port()
        up_conf = nginx_conf(run, "upstream", f"""server {{
    listen 127.0.0.1:{up};
    location / {{
      default_type application/x-amz-json-1.1;
      add_header x-amzn-RequestId 00000000-0000-0000-0000-000000000000;
      return 200 '{body()}';
    }}
  }}""")
        upstream = subprocess.Popen(["nginx", "-p", run, "-c", up_conf, "-g", "daemon off;"])
        procs.append(upstream)
        wait_up(f"http://127.0.0.1:{up}/", upstream)
        targets = []
        if not args.no_nginx:
            floor_conf = nginx_conf(run, "floor", f"""upstream fake_aws {{ server 127.0.0.1:{up}; keepalive 64; }}
  server {{
    listen 127.0.0.1:{ngx};
    location /api/secretsmanager {{
      proxy_pass http://fake_aws/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }}
  }}""")
            floor = subprocess.Popen(["nginx", "-p", run, "-c", floor_conf, "-g", "daemon off;"])
            procs.append(floor)
            wait_up(f"http://127.0.0.1:{ngx}/api/secretsmanager", floor)
            targets.append(("nginx", floor, ngx))
        env = {k: v for k, v in os.environ.items()
               if k not in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE")}
        env.update(AWS_ACCESS_KEY_ID="AKIDBENCHMARK0000000", AWS_SECRET_ACCESS_KEY="benchmark-secret-key",
                   AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE="/dev/null",
                   AWS_SHARED_CREDENTIALS_FILE="/dev/null", RUST_LOG=args.log)
        for spec in args.proxies:
            name, binary = spec.split("=", 1)
            port = free_port()
            log = open(f"{run}/{name}.log", "w")
            p = subprocess.Popen([binary, "--listen", f"127.0.0.1:{port}", "--region", "us-east-1",
                                  "--endpoint-url", f"http://127.0.0.1:{up}"],
                                 env=env, stdout=log, stderr=log)
            procs.append(p)
            wait_up(f"http://127.0.0.1:{port}/healthz", p)
            targets.append((name, p, port))

        lua = f"{run}/post.lua"
        with open(lua, "w") as f:
            f.write('wrk.method = "POST"\nwrk.body = "{}"\n'
                    'wrk.headers["Content-Type"] = "application/x-amz-json-1.1"\n'
                    'wrk.headers["X-Amz-Target"] = "secretsmanager.ListSecrets"\n')

        def start_wrk(port, seconds, threads=2, conns=32):
            return subprocess.Popen(["wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "-s", lua,
                                     f"http://127.0.0.1:{port}/api/secretsmanager"],
                                    stdout=subprocess.PIPE, text=True)

        def wrk_result(w, port):
            out, _ = w.communicate()
            if w.returncode:
                sys.exit(f"wrk failed against port {port}")
            if "Non-2xx" in out or "Socket errors" in out:
                sys.exit(f"errors from port {port}:\n{out}")
            n = int(re.search(r"(\d+) requests in", out).group(1))
            rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
            return n, rps

        def wrk(port, seconds, threads=2, conns=32):
            return wrk_result(start_wrk(port, seconds, threads, conns), port)

        for _, _, port in targets:  # warm-up
            wrk(port, 1, 1, 4)
        results = {name: [] for name, _, _ in targets}
        def record(r, name, before, after, n, rps):
            (c0, us0, s0), (u0, _, _) = before
            (c1, us1, s1), (u1, _, _) = after
            row = ((c1 - c0) / n * 1e6, (us1 - us0) / n * 1e6, rps, (s1 - s0) / n,
                   (u1 - u0) / n * 1e6)
            results[name].append(row)
            print(f"  round {r + 1} {name:>12}: {row[0]:6.1f} µs/req (user {row[1]:4.1f})  "
                  f"{rps:7.0f} req/s  {row[3]:4.2f} cs/req  upstream {row[4]:5.1f} µs/req",
                  file=sys.stderr)

        for r in range(args.runs):
            if args.together:
                # The upstream is shared here, so its figure is per request of all targets.
                before = {name: (usage(proc.pid), usage(upstream.pid)) for name, proc, _ in targets}
                runs = [(name, proc, port, start_wrk(port, args.seconds)) for name, proc, port in targets]
                done = [(name, proc, port, wrk_result(w, port)) for name, proc, port, w in runs]
                total = sum(n for _, _, _, (n, _) in done)
                for name, proc, port, (n, rps) in done:
                    after = (usage(proc.pid), usage(upstream.pid))
                    (c0, us0, s0), (u0, x, y) = before[name]
                    # upstream CPU over all requests of the round
                    record(r, name, ((c0, us0, s0), (u0 * n / total, x, y)),
                           (after[0], (after[1][0] * n / total, 0, 0)), n, rps)
                continue
            order = targets[r % len(targets):] + targets[:r % len(targets)]
            for name, proc, port in order:
                before = (usage(proc.pid), usage(upstream.pid))
                n, rps = wrk(port, args.seconds)
                record(r, name, before, (usage(proc.pid), usage(upstream.pid)), n, rps)
        print(f"{'':>12}  CPU µs/req  user µs/req  req/s  cs/req  upstream µs/req"
              f"   (median of {args.runs} x {args.seconds} s)")
        for name, rows in results.items():
            med = [statistics.median(col) for col in zip(*rows)]
            print(f"{name:>12}  {med[0]:9.1f}  {med[1]:10.1f}  {med[2]:6.0f}  {med[3]:6.2f}  {med[4]:9.1f}")
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(run, ignore_errors=True)


if __name__ == "__main__":
    main()
