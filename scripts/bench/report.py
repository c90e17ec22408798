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


def fleet_section() -> None:
    """5. The fleet list: the dashboard over 12 targets vs the fleet floor, and one target alone."""
    bf = load("browser_fleet.json")["pages"]
    dash, plain, one = bf["fleet_dashboard"], bf["fleet_plain"], bf["one_target"]
    seeded, up = load("moto_fleet.json"), load("fleet_upstream.json")
    n = seeded["targets"]
    print(f"\n5. Fleet list: {n} targets ({n // len(seeded['regions'])} accounts, 2 through AssumeRole,"
          f" x {len(seeded['regions'])} regions), {seeded['perTarget']:,} secrets each,"
          f" {seeded['deletedPerTarget']:,} of them scheduled for deletion")
    print(f"   ({n * seeded['deletedPerTarget']:,} rows), behind an upstream adding {up['delayMs']:g} ms to every call"
          f" (Secrets Manager and STS); medians of {len(dash['complete_ms'])} loads per page, turn about")
    row("metric", "measured", "floor", "ratio", "goal")
    ratio = dash["complete_ms_median"] / plain["complete_ms_median"]
    row("  complete fleet list, dashboard", ms(dash["complete_ms_median"]), ms(plain["complete_ms_median"]),
        f"{ratio:.2f}x", f"<=1.15x {verdict(ratio <= 1.15)}")
    print("     floor = the fleet floor: scripts/bench/plain_fleet/ (GET /api/config, then one fetch loop per target,"
          " 6 targets in flight, no rendering), same moto, same upstream, same Chromium")
    row("  complete list, dashboard, one target alone", ms(one["complete_ms_median"]), "", "",
        f"fleet {dash['complete_ms_median'] / one['complete_ms_median']:.2f}x it")
    print(f"     = the same {seeded['perTarget']}-secret target ({seeded['ownAccount']}, {seeded['regions'][0]}),"
          " the proxy started with that one region and no roles")
    row("  first row, dashboard", ms(dash["first_row_ms_median"]), ms(plain["first_row_ms_median"]),
        f"{dash['first_row_ms_median'] - plain['first_row_ms_median']:+.0f} ms")
    row("  Chromium CPU per load, dashboard", ms(dash["chromium_cpu_ms_median"]), ms(plain["chromium_cpu_ms_median"]),
        f"{dash['chromium_cpu_ms_median'] / max(1, plain['chromium_cpu_ms_median']):.2f}x")
    print("   Where the time goes (resource timing of the ListSecrets calls; medians of the loads, ms since navigation)")
    row("", "dashboard", "fleet floor", "one target", widths=(48, 14, 14, 14))
    rq = [dash["requests"], plain["requests"], one["requests"]]

    def line(label: str, key: str, fmt=ms) -> None:
        row(f"  {label}", *("-" if r[key] is None else fmt(r[key]) for r in rq), widths=(48, 14, 14, 14))

    line("/api/config answer in", "config_in_ms")
    line("first ListSecrets call out", "first_call_ms")
    line("last ListSecrets answer in", "last_answer_ms")
    line("list-complete mark after the last answer", "after_last_answer_ms")
    line("calls per load", "calls", lambda x: f"{x:.0f}")
    line("calls in flight on average, first to last", "mean_in_flight", lambda x: f"{x:.2f}")
    line("one call (sent -> last byte in), median", "call_ms_median")
    line("one call, slowest", "call_ms_max")
    line("page in -> that target's next call, median", "page_gap_ms_median")
    line("page in -> that target's next call, slowest", "page_gap_ms_max")
    line("one target, first call -> last page in, median", "target_ms_median")
    line("one target, slowest", "target_ms_max")
    line("slot freed -> next target's first call, median", "handover_ms_median")
    line("slot freed -> next target's first call, slowest", "handover_ms_max")
    mt = [p.get("main_thread") for p in (dash, plain, one)]
    if all(mt):
        print("   The main thread until the mark (the renderer's counters, CPU time; frames over 50 ms, Long Animation")
        print("   Frames, wall time; medians of the loads)")
        row("", "dashboard", "fleet floor", "one target", widths=(48, 14, 14, 14))
        for label, key, fmt in (("all tasks", "task_ms", ms), ("  script", "script_ms", ms),
                                ("  layout", "layout_ms", ms), ("  style recalculation", "style_ms", ms),
                                ("frames over 50 ms, count", "long_frames", lambda x: f"{x:.0f}"),
                                ("  script in them", "long_frame_script_ms", ms),
                                ("  style, layout and paint in them", "long_frame_layout_ms", ms)):
            row(f"  {label}", *(fmt(m[key]) for m in mt), widths=(48, 14, 14, 14))
    print(f"   All loads (complete, ms): dashboard {dash['complete_ms']}; fleet floor {plain['complete_ms']};"
          f" one target {one['complete_ms']}")
    print(f"   The pages say: dashboard {dash['shown']!r}; fleet floor {plain['shown']!r}; one target {one['shown']!r}")
    if up.get("calls"):
        print("   The upstream forwarded (all loads, warm-up and the 3 proxies' start-up included): "
              + ", ".join(f"{k} {v:,}" for k, v in up["calls"].items()))


def bulk_section() -> None:
    """6. Bulk restore: 200 secrets in one confirmation vs the bulk floor."""
    bb = load("browser_bulk.json")["pages"]
    dash, plain = bb["bulk_dashboard"], bb["bulk_plain"]
    seeded = load("moto_bulk.json")
    n = dash["count"]
    print(f"\n6. Bulk restore: {n:,} secrets scheduled for deletion (of {seeded['total']:,}, one target: {seeded['region']}),"
          " restored in one confirmation")
    print(f"   (Select all shown, Cancel deletion for {n} selected, Confirm restore of {n}); from the Confirm click;"
          f" medians of {len(dash['complete_ms'])} loads per page, turn about, moto re-scheduled before each")
    row("metric", "measured", "floor", "ratio", "goal")
    ratio = dash["complete_ms_median"] / plain["complete_ms_median"]
    row(f"  {n} restored, dashboard (run ended, painted)", ms(dash["complete_ms_median"]), ms(plain["complete_ms_median"]),
        f"{ratio:.2f}x", f"<=1.2x {verdict(ratio <= 1.2)}")
    print(f"     floor = the bulk floor: scripts/bench/plain_bulk/ (the same {n} RestoreSecret calls by a plain fetch loop,"
          " 5 in flight, no rendering), its own proxy, same moto, same Chromium")
    row("  first row gone from the table, dashboard", ms(dash["first_gone_ms_median"]), ms(plain["first_gone_ms_median"]),
        f"{dash['first_gone_ms_median'] - plain['first_gone_ms_median']:+.0f} ms")
    print("     floor = the floor's first answer read")
    row("  Chromium CPU, click to the end", ms(dash["chromium_cpu_ms_median"]), ms(plain["chromium_cpu_ms_median"]),
        f"{dash['chromium_cpu_ms_median'] / max(1, plain['chromium_cpu_ms_median']):.2f}x")
    if dash.get("calls") and plain.get("calls"):
        print("   Where the time goes (resource timing of the calls after the click; medians of the loads, ms since the click)")
        row("", "dashboard", "bulk floor", widths=(48, 14, 14))
        cs = [dash["calls"], plain["calls"]]
        for label, key, fmt in (("first RestoreSecret out", "first_call_ms", ms), ("last answer in", "last_answer_ms", ms),
                                ("bulk-complete mark after the last answer", "after_last_answer_ms", ms),
                                ("calls", "calls", lambda x: f"{x:.0f}"),
                                ("calls in flight on average, first to last", "mean_in_flight", lambda x: f"{x:.2f}"),
                                ("one call (sent -> last byte in), median", "call_ms_median", ms),
                                ("answer in -> next call out, median", "handover_ms_median", ms),
                                ("answer in -> next call out, slowest", "handover_ms_max", ms)):
            row(f"  {label}", *("-" if c[key] is None else fmt(c[key]) for c in cs), widths=(48, 14, 14))
    print(f"   All loads (ms): dashboard {dash['complete_ms']}; floor {plain['complete_ms']}")
    print(f"   All loads (first row gone, ms): dashboard {dash['first_gone_ms']}; floor {plain['first_gone_ms']}")
    print(f"   The pages say: dashboard {dash['status']!r}; floor {plain['status']!r}")


meta = load("meta.json")
print("=" * W)
print(f"Undelete benchmarks  {meta['date']}  ({meta['seconds']} s)")
print(f"machine: {meta['machine']}")
print(f"load average (1/5/15 min): {meta.get('load_start', '?')} at the start, {meta['load']} at the end")
print("=" * W)

# 1. sizes ----------------------------------------------------------------------------------------
if (d / "sizes.json").exists():
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
if (d / "browser_list.json").exists():
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
if (d / "browser_filter.json").exists():
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
if (d / "proxy.json").exists():
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
    for example in h.get("upstream_other_examples", []):
        print(f"     upstream logged: {example!r}"[:W])
    if h.get("upstream_own_sts"):
        print(f"     (besides the good calls, the upstream saw the proxy's own STS GetCallerIdentity {h['upstream_own_sts']}x)")
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
# 5. fleet -----------------------------------------------------------------------------------------
if (d / "browser_fleet.json").exists():
    fleet_section()
# 6. bulk restore ---------------------------------------------------------------------------------
if (d / "browser_bulk.json").exists():
    bulk_section()

print("=" * W)
