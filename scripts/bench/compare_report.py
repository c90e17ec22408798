#!/usr/bin/env python3
"""Prints the table of scripts/bench/compare_lists.sh from the JSON files it wrote.

  compare_report.py artifacts/bench/compare-<date>/

Every figure is a median over the loads (list) or over all inputs of all loads (search, sort);
B - A and B / A say how build B differs from build A in the same run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

d = Path(sys.argv[1])


def ms(x: float) -> str:
    return f"{x:,.0f} ms" if abs(x) >= 100 else f"{x:,.1f} ms"


def row(*cols, widths=(44, 12, 12, 12, 10)):
    print("".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cols, widths))))


dists = json.loads((d / "dists.json").read_text())
print(f"A = {dists['a']}\nB = {dists['b']}\nload average at the start: {dists['load_start']}")

if (d / "list.json").exists():
    pages = json.loads((d / "list.json").read_text())["pages"]
    a, b, plain = pages["a"], pages["b"], pages["plain_page"]
    print(f"\nList: 5,000 secrets, 1,667 scheduled; median of {len(a['complete_ms'])} loads each, turn about")
    row("", "A", "B", "B - A", "B / A")
    for label, key in (("complete list", "complete_ms_median"), ("first row", "first_row_ms_median"),
                       ("Chromium CPU per load", "chromium_cpu_ms_median")):
        row(f"  {label}", ms(a[key]), ms(b[key]), ms(b[key] - a[key]), f"{b[key] / a[key]:.2f}x")
    p = plain["complete_ms_median"]
    row("  complete list / the browser floor", f"{a['complete_ms_median'] / p:.2f}x",
        f"{b['complete_ms_median'] / p:.2f}x", "", "")
    print(f"     browser floor (plain fetch loop page): {ms(p)}")
    print(f"   complete, all loads: A {a['complete_ms']}; B {b['complete_ms']}; plain {plain['complete_ms']}")
    print(f"   first row, all loads: A {a['first_row_ms']}; B {b['first_row_ms']}")
    print(f"   the pages say: A {a['shown']!r}; B {b['shown']!r}")

for part, what in (("search", "keystroke"), ("sort", "click")):
    if not (d / f"{part}.json").exists():
        continue
    pages = json.loads((d / f"{part}.json").read_text())["pages"]
    a, b = pages["a"], pages["b"]
    print(f"\n{part.capitalize()}: {a['rows']!r} (B: {b['rows']!r}); {len(a['samples'])} {what}s each"
          f" over {a['rounds']} loads, turn about")
    row("", "A", "B", "B - A", "")
    lines = [("next paint (Event Timing), median", "first_median_ms"),
             ("next paint, slowest", "first_max_ms"),
             ("DOM settled and painted, median", "median_ms"),
             ("DOM settled and painted, slowest", "max_ms")]
    if part == "search":
        lines[1:1] = [("next paint, median of row-changing keys", "first_changed_median_ms")]
        lines[-1:-1] = [("DOM settled, median of row-changing keys", "changed_median_ms")]
    for label, key in lines:
        if a.get(key) is None or b.get(key) is None:
            continue
        row(f"  {label}", ms(a[key]), ms(b[key]), ms(b[key] - a[key]))
