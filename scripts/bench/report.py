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
print("\n1. Transfer size: release dist/ vs the floor (bench/counter: Leptos CSR counter, same profile/tools)")
row("file", "raw", "gzip -9", "brotli")
for f in s["app"]["files"]:
    name = re.sub(r"-[0-9a-f]{16}", "-<hash>", f["file"])
    row("  " + name, kb(f["raw"]), kb(f["gzip"]), kb(f["brotli"]))
at, ft = s["app"]["total"], s["floor"]["total"]
row("  total (dist/)", kb(at["raw"]), kb(at["gzip"]), kb(at["brotli"]))
row("  floor total (counter dist/)", kb(ft["raw"]), kb(ft["gzip"]), kb(ft["brotli"]))
row("  ratio to floor", f"{at['raw'] / ft['raw']:.2f}x", f"{at['gzip'] / ft['gzip']:.2f}x",
    f"{at['brotli'] / ft['brotli']:.2f}x")
row("  budget: total gzip <= 100 KB", "", kb(at["gzip"]), "", verdict(at["gzip"] <= 100_000))
if "twiggy" in s:
    t = s["twiggy"]
    print(f"\n   Where the wasm bytes go (twiggy top, shallow sizes, {kb(t['wasm_bytes_without_names'])} "
          "without the name section)")
    print("   by crate: " + ", ".join(f"{c['crate']} {c['percent']}%" for c in t["by_crate"][:10]))
    print("   largest items:")
    for i in t["top_items"][:8]:
        print(f"     {i['percent']:5.2f}%  {i['bytes']:>7,} B  {i['name']}")

# 2. time to the list -----------------------------------------------------------------------------
fl, fp, bl = load("list_floor.json"), load("list_floor_proxy.json"), load("browser_list.json")
seq, par = fl["sequential"], fl["partitioned"]
floor_ms = seq["complete_ms_median"]
page_ms = floor_ms / max(1, seq["requests"])
print(f"\n2. Time to the list: moto, {seq['secrets']:,} secrets, {seq['deleted']:,} scheduled for deletion;"
      f" medians (browser: {len(bl['complete_ms'])} loads, floor: {len(seq['complete_ms'])} runs)")
row("metric", "measured", "floor", "ratio", "goal")
ratio = bl["complete_ms_median"] / floor_ms
row("  complete list, Chromium (mark)", ms(bl["complete_ms_median"]), ms(floor_ms), f"{ratio:.2f}x",
    f"<=1.1x {verdict(ratio <= 1.1)}")
fr_goal = page_ms + 100
row("  first row, Chromium (mark)", ms(bl["first_row_ms_median"]), ms(seq["first_page_ms_median"]),
    "", f"<={fr_goal:.0f} ms {verdict(bl['first_row_ms_median'] <= fr_goal)}")
print(f"     floor = plain script, sequential MaxResults=100 paging straight to moto "
      f"({seq['requests']} requests, {page_ms:.0f} ms a page); first-row goal = one page + 100 ms")
if bl.get("first_answer_ms_median") is not None and bl.get("app_mounted_ms_median") is not None:
    print(f"     where it goes: app mounted at {ms(bl['app_mounted_ms_median'])}, first ListSecrets answer in at"
          f" {ms(bl['first_answer_ms_median'])} (the floor's first page: {ms(seq['first_page_ms_median'])});"
          f" all loads {bl['app_mounted_ms']} / {bl['first_answer_ms']}")
row("  plain script through the proxy", ms(fp["sequential"]["complete_ms_median"]), ms(floor_ms),
    f"{fp['sequential']['complete_ms_median'] / floor_ms:.2f}x")
pr = par["complete_ms_median"] / floor_ms
row("  partitioned scan, plain script", ms(par["complete_ms_median"]), ms(floor_ms), f"{pr:.2f}x",
    f"<=0.5x {verdict(pr <= 0.5)}")
print(f"     = first unfiltered page, then disjoint first-character `name` prefix groups, 4 at a time"
      f" ({par['requests']} requests, {par['secrets']:,} secrets, {par['deleted']:,} deleted)")
bp = load("browser_plain.json")
pr_ratio = bp["complete_ms_median"] / floor_ms
row("  plain fetch loop page, Chromium (mark)", ms(bp["complete_ms_median"]), ms(floor_ms), f"{pr_ratio:.2f}x")
print(f"     = the browser floor: scripts/bench/plain_page/ (one fetch loop, no framework, no rendering),"
      f" same proxy, same Chromium; first page read at {ms(bp['first_row_ms_median'])}"
      + (f" (answer in at {ms(bp['first_answer_ms_median'])})" if bp.get("first_answer_ms_median") is not None else ""))
row("  complete list vs the browser floor", ms(bl["complete_ms_median"]), ms(bp["complete_ms_median"]),
    f"{bl['complete_ms_median'] / bp['complete_ms_median']:.2f}x")
row("  Chromium CPU per load: dashboard", ms(bl["chromium_cpu_ms_median"]), ms(bp["chromium_cpu_ms_median"]),
    f"{bl['chromium_cpu_ms_median'] / max(1, bp['chromium_cpu_ms_median']):.2f}x")
print("     = CPU time of every Chromium process during a load (/proc), vs the plain page's")
print(f"   All loads (complete, ms): {bl['complete_ms']}; plain page: {bp['complete_ms']}; page says: {bl['shown']!r}")

# 3. filtering ------------------------------------------------------------------------------------
bf = load("browser_filter.json")
print(f"\n3. Filtering: {bf['rows']!r}; per keystroke, keydown -> the next paint, as INP measures it (Event Timing,")
print("   8 ms steps, < 16 ms counted as 16): the rows on screen, done in the frame that answers the key")
row("  median keystroke", ms(bf["first_median_ms"]), "", "", f"<=50 ms {verdict(bf['first_median_ms'] <= 50)}")
if bf.get("first_changed_median_ms") is not None:
    row(f"  median, the {bf['changed_count']} that changed the rows", ms(bf["first_changed_median_ms"]), "", "",
        f"<=50 ms {verdict(bf['first_changed_median_ms'] <= 50)}")
row("  slowest keystroke", ms(bf["first_max_ms"]), "", "", f"<=50 ms {verdict(bf['first_max_ms'] <= 50)}")
print(f"     all: " + ", ".join(
    f"{k['key'] if k['key'] != 'Backspace' else '⌫'} {k['first_ms']:.0f}" for k in bf["keystrokes"]))
print("   keydown -> the first paint after the DOM settles (every row, below the screen too; rows off")
print("   screen catch up over the next frames)")
row("  median keystroke", ms(bf["median_ms"]))
if bf.get("changed_median_ms") is not None:
    row(f"  median, the {bf['changed_count']} that changed the rows", ms(bf["changed_median_ms"]))
w = bf["worst"]
row("  slowest keystroke", ms(bf["max_ms"]))
print(f"     slowest: {w['key']!r} -> {w['shown']!r}; all: " + ", ".join(
    f"{k['key'] if k['key'] != 'Backspace' else '⌫'} {k['ms']:.0f}" for k in bf["keystrokes"]))

# 4. proxy ----------------------------------------------------------------------------------------
p = load("proxy.json")
print("\n4. Proxy: POST ListSecrets through undelete-proxy (release) vs straight to the same fast upstream")
print("   (nginx `return 200`, fixed ~1 KB JSON) on loopback, same run")
print(f"   latency: {p['latency_method']}")
row("added latency (proxy minus direct)", "direct", "proxy", "added", "goal")
for conns, label in (("c1", "1 connection"), ("c50", "50 connections, paced")):
    direct, via, added = p[f"{conns}_direct"], p[f"{conns}_proxy"], p[f"{conns}_added"]
    for q in ("p50", "p99"):
        plus = added[f"{q}_ms"]
        goal = f"<=2 ms {verdict(plus <= 2.0)}" if conns == "c50" and q == "p99" else ""
        row(f"  {label}, {q}", f"{direct[f'{q}_ms']:.2f} ms", f"{via[f'{q}_ms']:.2f} ms", f"{plus:+.2f} ms", goal)
    print(f"     ({direct['rps']:,.0f} vs {via['rps']:,.0f} calls/s; non-2xx {direct['non2xx']} / {via['non2xx']};"
          f" p99 added in each round: {', '.join(f'{x:+.2f}' for x in added['rounds_p99_ms'])} ms)")
L = p["load"]
print(f"   under load: wrk -t2 -c{L['connections']} -d{L['seconds']}s unpaced, through the proxy:"
      f" {L['requests']:,} calls, {L['rps']:,.0f}/s, p50 {L['p50_ms']:.2f} ms, p99 {L['p99_ms']:.2f} ms")
row("  socket errors", L["socket_errors"], "", "", f"0 {verdict(L['socket_errors'] == 0)}")
row("  good requests refused (non-2xx)", L["non2xx"], "", "", f"0 {verdict(L['non2xx'] == 0)}")
rss = L["rss_kb_end"] / L["rss_kb_5s"] if L.get("rss_kb_5s") and L.get("rss_kb_end") else float("inf")
row("  RSS at the end / after the first 5 s", f"{rss:.2f}x", f"{L['rss_kb_5s'] / 1024:.1f} MB" if L.get("rss_kb_5s") else "?",
    f"{L['rss_kb_end'] / 1024:.1f} MB" if L.get("rss_kb_end") else "?", f"<=1.2x {verdict(rss <= 1.2)}")
print(f"     (RSS before the load {L['rss_kb_before'] / 1024:.1f} MB, after it {L['rss_kb_after'] / 1024:.1f} MB)")
h, m = p["hostile"], p["mixed"]
print(f"   hostile mix: the refusal corpus of proxy/tests/refusals.rs ({h['cases']} requests) sent"
      f" {h['sent']:,} times, 4 at a time, during wrk -c50 of good calls ({m['requests']:,})")
row("  hostile requests without their usual answer", h["wrong"], "", "", f"0 {verdict(h['wrong'] == 0 and h['sent'] > 0)}")
for example in h.get("examples", []):
    print(f"     e.g. {example}"[:W])
row("  good requests refused or failed", m["non2xx"] + m["socket_errors"], "", "",
    f"0 {verdict(m['non2xx'] + m['socket_errors'] == 0)}")
row("  upstream saw other than the good calls", h["upstream_other_than_good"], "", "",
    f"0 {verdict(h['upstream_other_than_good'] == 0 and h['upstream_requests'] > 0)}")
ngx, px = p["nginx"], p["proxy"]
print(f"   throughput reference (no goal): {p['throughput_method']}")
row("", "calls/s", "p50", "p99", "ratio")
row("  nginx proxy_pass", f"{ngx['rps']:,.0f}", f"{ngx['p50_ms']:.2f} ms", f"{ngx['p99_ms']:.2f} ms")
row("  undelete-proxy", f"{px['rps']:,.0f}", f"{px['p50_ms']:.2f} ms", f"{px['p99_ms']:.2f} ms",
    f"{px['rps'] / ngx['rps']:.2f}x")

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
