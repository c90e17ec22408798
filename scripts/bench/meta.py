#!/usr/bin/env python3
"""Writes a bench result dir's meta.json: date, seconds taken, machine, load average, tools.

  meta.py OUT/meta.json STAMP SECONDS "LOAD AT THE START"
"""

import json
import os
import platform
import subprocess
import sys


def sh(c: str) -> str:
    try:
        return subprocess.run(c, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception:
        return ""


cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
json.dump({"date": sys.argv[2], "seconds": int(sys.argv[3]),
           "machine": f"{cpu}, {os.cpu_count()} cores, {memory} GiB, {platform.system()} {platform.release()}",
           "load": sh("cut -d' ' -f1-3 /proc/loadavg"), "load_start": sys.argv[4],
           "tools": sh("rustc --version; trunk --version; wasm-opt --version; /usr/bin/chromium --version 2>/dev/null;"
                       " nginx -v 2>&1; wrk --version 2>&1 | head -1").split("\n")},
          open(sys.argv[1], "w"))
