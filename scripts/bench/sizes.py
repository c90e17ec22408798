#!/usr/bin/env python3
"""Transfer size of a release dist/ next to the card floor's, and where the wasm bytes go.

  sizes.py --dist dist --floor bench/card-floor/dist --out sizes.json [--named-wasm W --twiggy T]

Sizes: raw, `gzip -9` and `brotli -q 11` (the CLIs, as a static server would pre-compress) per
file and total, over every file Trunk wrote (wasm, js, css, html, copied files); the build's own
`.gz`/`.br` copies beside them are not counted twice. With --named-wasm (the same wasm run through wasm-opt -Oz with -g, so function
names survive) and --twiggy, also `twiggy top`: the largest items, and those items summed per
crate (from their demangled names).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from collections import Counter
from pathlib import Path


def compressed(path: Path, cmd: list[str]) -> int:
    return len(subprocess.run(cmd + [str(path)], check=True, capture_output=True).stdout)


def files(dist: Path) -> list[dict]:
    out = []
    for p in sorted(dist.rglob("*")):
        if not p.is_file() or any(part.startswith(".") for part in p.relative_to(dist).parts):
            continue
        if p.suffix in (".gz", ".br"):  # the build's precompressed copies of the files counted
            continue
        out.append({"file": str(p.relative_to(dist)), "raw": p.stat().st_size,
                    "gzip": compressed(p, ["gzip", "-9", "-n", "-c"]),
                    "brotli": compressed(p, ["brotli", "-q", "11", "-c"])})
    return out


def total(fs: list[dict]) -> dict:
    return {k: sum(f[k] for f in fs) for k in ("raw", "gzip", "brotli")}


CRATE = re.compile(r"^(?:<|&|\*|dyn |impl |mut )*([A-Za-z_][A-Za-z0-9_]*)::")


STD = {"core", "alloc", "std", "str", "dlmalloc", "compiler_builtins", "hashbrown"}


def crate_of(name: str) -> str:
    # Named items: "crate::path::fn::h1234"; trait impls: "<crate::T as other::Trait>::f".
    name = re.sub(r"\[[0-9a-f]+\]", "", name)
    # "<T as crate::Trait>::f" (a generic type): the trait's crate.
    generic = re.match(r"^<[&*]?(?:mut |dyn )?[A-Z]\w* as ([a-z_]\w*)::", name)
    if generic:
        c = generic.group(1)
        return "std/core/alloc" if c in STD else c
    if re.match(r"^<(str|\[|\(|u8|u16|u32|u64|usize|i32|i64|f64|char|bool)\b", name):
        return "std/core/alloc"
    m = CRATE.match(name.lstrip("<"))
    if m:
        c = m.group(1)
        return "std/core/alloc" if c in STD else c
    if name.startswith(("data[", "data segment")):
        return "(data segments: strings, tables)"
    if name.startswith(("code[", "type[", "import", "export", "elem", "table", "memory", "global", "func")):
        return "(unnamed code / wasm structure)"
    return "(other: " + name.split("(")[0].split("[")[0][:24] + ")"


def twiggy(twiggy_bin: str, wasm: Path) -> dict:
    raw = subprocess.run([twiggy_bin, "top", "-n", "1000000", "--format", "json", str(wasm)],
                         check=True, capture_output=True, text=True).stdout
    # Not shipped: the name section (kept only so items have names) and other custom sections.
    items = [i for i in json.loads(raw) if "subsection" not in i["name"]
             and i["name"] not in ('"name" section',) and not i["name"].startswith("custom section")]
    size = sum(i["shallow_size"] for i in items)
    by_crate = Counter()
    for i in items:
        by_crate[crate_of(i["name"])] += i["shallow_size"]
    return {
        "wasm_bytes_without_names": size,
        "top_items": [{"name": i["name"][:90], "bytes": i["shallow_size"],
                       "percent": round(100 * i["shallow_size"] / size, 2)} for i in items[:12]],
        "by_crate": [{"crate": c, "bytes": b, "percent": round(100 * b / size, 1)}
                     for c, b in by_crate.most_common(14)],
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dist", required=True)
    ap.add_argument("--floor", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--named-wasm")
    ap.add_argument("--twiggy")
    a = ap.parse_args()
    app, floor = files(Path(a.dist)), files(Path(a.floor))
    res = {"app": {"files": app, "total": total(app)}, "floor": {"files": floor, "total": total(floor)}}
    if a.named_wasm and a.twiggy:
        res["twiggy"] = twiggy(a.twiggy, Path(a.named_wasm))
    Path(a.out).write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
