#!/usr/bin/env python3
"""Prints the `make bench` table from the JSON files scripts/bench/run.sh wrote to a result dir.

  report.py artifacts/bench/<date>/
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

d = Path(sys.argv[1])
load = lambda name: json.loads((d / name).read_text())  # noqa: E731
W = 104


def kb(n: float) -> str:
    return f"{n / 1000:,.1f} KB"


def ms(x: float) -> str:
    return f"{x:,.0f} ms" if x >= 100 else f"{x:,.1f} ms"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def row(*cols, widths=(48, 14, 14, 14, 16)):
    out = ""
    for i, c in enumerate(cols):
        w = widths[i] if i < len(widths) else 12
        out += str(c).ljust(w) if i == 0 else str(c).rjust(w)
    print(out.rstrip())


meta = load("meta.json")
print("=" * W)
print(f"Undelete benchmarks  {meta['date']}  ({meta['seconds']} s)")
print(f"machine: {meta['machine']}")
print(f"load average (1/5/15 min): {meta.get('load_start', '?')} at the start, {meta['load']} at the end")
print("=" * W)

# 1. sizes ----------------------------------------------------------------------------------------
s = load("sizes.json")
print("\n1. Transfer size: release dist/ vs the card floor (bench/card-floor: Leptos CSR + gloo-net + serde,")
print("   ListSecrets paged into a table; same profile, Trunk and wasm-opt settings)")
row("file", "raw", "gzip -9", "brotli")
for f in s["app"]["files"]:
    name = re.sub(r"-[0-9a-f]{16}", "-<hash>", f["file"])
    row("  " + name, kb(f["raw"]), kb(f["gzip"]), kb(f["brotli"]))
at, ft = s["app"]["total"], s["floor"]["total"]
row("  total (dist/)", kb(at["raw"]), kb(at["gzip"]), kb(at["brotli"]))
row("  card floor total", kb(ft["raw"]), kb(ft["gzip"]), kb(ft["brotli"]))
size_ratio = at["gzip"] / ft["gzip"]
row("  ratio to the card floor", f"{at['raw'] / ft['raw']:.2f}x", f"{size_ratio:.2f}x",
    f"{at['brotli'] / ft['brotli']:.2f}x")
row("  goal: total gzip <= 1.8x the card floor's", "", f"{size_ratio:.2f}x", "",
    f"<=1.8x {verdict(size_ratio <= 1.8)}")
if "twiggy" in s:
    t = s["twiggy"]
    print(f"\n   Where the wasm bytes go (twiggy top, shallow sizes, {kb(t['wasm_bytes_without_names'])} "
          "without the name section)")
    print("   by crate: " + ", ".join(f"{c['crate']} {c['percent']}%" for c in t["by_crate"][:10]))
    print("   largest items:")
    for i in t["top_items"][:8]:
        print(f"     {i['percent']:5.2f}%  {i['bytes']:>7,} B  {i['name']}")

# 2. time to the list -----------------------------------------------------------------------------
bl = load("browser_list.json")["pages"]
dash, card, plain = bl["dashboard"], bl["card_floor"], bl["plain_page"]
seeded = load("moto_list.json")
print(f"\n2. Time to the list: moto, {seeded['total']:,} secrets, {seeded['deleted']:,} scheduled for deletion;"
      f" medians of {len(dash['complete_ms'])} loads per page, turn about")
print("   (headless Chromium, the pages' own marks: set once the frame that draws the rows is painted)")
row("metric", "measured", "floor", "ratio", "goal")
ratio = dash["complete_ms_median"] / plain["complete_ms_median"]
row("  complete list, dashboard", ms(dash["complete_ms_median"]), ms(plain["complete_ms_median"]),
    f"{ratio:.2f}x", f"<=1.1x {verdict(ratio <= 1.1)}")
row("  complete list, card floor", ms(card["complete_ms_median"]), ms(plain["complete_ms_median"]),
    f"{card['complete_ms_median'] / plain['complete_ms_median']:.2f}x")
print("     floor = the browser floor: scripts/bench/plain_page/ (one fetch loop, JSON.parse, no framework,"
      " no rendering), same proxy, same moto, same Chromium")
fr_goal = card["first_row_ms_median"] + 100
row("  first row, dashboard", ms(dash["first_row_ms_median"]), ms(card["first_row_ms_median"]),
    f"{dash['first_row_ms_median'] - card['first_row_ms_median']:+.0f} ms",
    f"<={fr_goal:.0f} ms {verdict(dash['first_row_ms_median'] <= fr_goal)}")
print("     floor = the card floor's first row; goal = the card floor's + 100 ms")


def where(p: dict) -> str:
    parts = []
    if p.get("app_mounted_ms_median") is not None:
        parts.append(f"app mounted at {ms(p['app_mounted_ms_median'])}")
    if p.get("first_answer_ms_median") is not None:
        parts.append(f"first ListSecrets answer in at {ms(p['first_answer_ms_median'])}")
    return ", ".join(parts)


for label, p in (("dashboard", dash), ("card floor", card), ("plain page", plain)):
    print(f"     {label}: first row {ms(p['first_row_ms_median'])}; {where(p)}")
row("  Chromium CPU per load, dashboard", ms(dash["chromium_cpu_ms_median"]), ms(plain["chromium_cpu_ms_median"]),
    f"{dash['chromium_cpu_ms_median'] / max(1, plain['chromium_cpu_ms_median']):.2f}x")
row("  Chromium CPU per load, card floor", ms(card["chromium_cpu_ms_median"]), ms(plain["chromium_cpu_ms_median"]),
    f"{card['chromium_cpu_ms_median'] / max(1, plain['chromium_cpu_ms_median']):.2f}x")
print("     = CPU time of every Chromium process during a load (/proc), vs the plain page's")
print(f"   All loads (complete, ms): dashboard {dash['complete_ms']}; card floor {card['complete_ms']};"
      f" plain page {plain['complete_ms']}")
print(f"   All loads (first row, ms): dashboard {dash['first_row_ms']}; card floor {card['first_row_ms']}")
print(f"   The pages say: dashboard {dash['shown']!r}; card floor {card['shown']!r}; plain page {plain['shown']!r}")


# 3. search and re-sort ---------------------------------------------------------------------------
def latency(bf: dict, what: str, goal: bool) -> None:
    g = lambda x: f"<=50 ms {verdict(x <= 50)}" if goal else ""  # noqa: E731
    row(f"  median {what}", ms(bf["first_median_ms"]), "", "", g(bf["first_median_ms"]))
    if bf.get("first_changed_median_ms") is not None and bf["changed_count"] != len(bf["samples"]):
        row(f"  median, the {bf['changed_count']} that changed the rows", ms(bf["first_changed_median_ms"]))
    row(f"  slowest {what}", ms(bf["first_max_ms"]))
    short = lambda k: "⌫" if k == "Backspace" else k  # noqa: E731
    print("     all: " + ", ".join(f"{short(k['key'])} {k['first_ms']:.0f}" for k in bf["samples"]))
    print("   -> the first paint after the DOM settles (every row, below the screen too)")
    row(f"  median {what}", ms(bf["median_ms"]))
    if bf.get("changed_median_ms") is not None and bf["changed_count"] != len(bf["samples"]):
        row(f"  median, the {bf['changed_count']} that changed the rows", ms(bf["changed_median_ms"]))
    w = bf["worst"]
    row(f"  slowest {what}", ms(bf["max_ms"]))
    print(f"     slowest: {w['key']!r} -> {w['shown']!r}; all: "
          + ", ".join(f"{short(k['key'])} {k['ms']:.0f}" for k in bf["samples"]))


bf = load("browser_filter.json")["pages"]["dashboard"]
print(f"\n3. Search: {bf['rows']!r}; per keystroke, keydown -> the next paint, as INP measures it (Event Timing,")
print("   8 ms steps, < 16 ms counted as 16): the rows on screen, done in the frame that answers the key")
latency(bf, "keystroke", goal=True)
if (d / "browser_sort.json").exists():
    bs = load("browser_sort.json")["pages"]["dashboard"]
    print(f"\n   Re-sort: {bs['rows']!r}; per click on a sort button, click -> the next paint (Event Timing)")
    latency(bs, "click", goal=False)

# 4. proxy ----------------------------------------------------------------------------------------
p = load("proxy.json")
print(f"\n4. Proxy overhead: {p['wrk']} -> nginx `return 200` upstream (fixed JSON) on loopback")
row("", "requests/s", "p50", "p99", "ratio")
row("  nginx proxy_pass (floor)", f"{p['nginx']['rps']:,.0f}", f"{p['nginx']['p50_ms']:.2f} ms",
    f"{p['nginx']['p99_ms']:.2f} ms")
r = p["proxy"]["rps"] / p["nginx"]["rps"]
row("  undelete-proxy (release)", f"{p['proxy']['rps']:,.0f}", f"{p['proxy']['p50_ms']:.2f} ms",
    f"{p['proxy']['p99_ms']:.2f} ms", f"{r:.2f}x")
row("  goal: >= 0.8x nginx throughput", "", "", "", verdict(r >= 0.8))
if "proxy_quiet" in p:
    q = p["proxy_quiet"]
    row("  undelete-proxy, RUST_LOG=warn (no info lines)", f"{q['rps']:,.0f}", f"{q['p50_ms']:.2f} ms",
        f"{q['p99_ms']:.2f} ms", f"{q['rps'] / p['nginx']['rps']:.2f}x")
if p["proxy"]["non2xx"] or p["nginx"]["non2xx"]:
    print(f"   WARNING: non-2xx answers: proxy {p['proxy']['non2xx']}, nginx {p['nginx']['non2xx']}")

crit = (d / "criterion.txt").read_text()
print("\n   SigV4 signing, criterion (median of the estimate) — goal <= 20 µs")
name = None
for line in crit.splitlines():
    m = re.search(r"time:\s+\[(\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\]", line)
    if not m:
        if line.strip() and not line.startswith(" "):
            name = line.strip()
        continue
    head = line.split("time:")[0].strip() or name
    val, unit = float(m.group(3)), m.group(4)
    us = val * {"ns": 1e-3, "µs": 1.0, "us": 1.0, "ms": 1e3, "s": 1e6}[unit]
    row(f"  {head}"[:44], f"{us:.2f} µs", "", "", f"<=20 µs {verdict(us <= 20)}")
print("=" * W)
