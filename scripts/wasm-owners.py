#!/usr/bin/env python3
"""Who owns the bytes of a wasm module: reads `twiggy top -f csv` of a module built with names
(scripts/split-wasm.sh with SPLIT_NAMES_DIR) and sums each function's size under the crate its
name starts with; a generic instantiated with one of our types also counts in the last column.
Usage: twiggy top -f csv module.wasm | scripts/wasm-owners.py [rows]"""
import csv
import re
import sys
from collections import defaultdict

OURS = ("backup_console", "api_types", "price_table")
crate_re = re.compile(r"([a-z_][a-z0-9_]*)\[[0-9a-f]+\]::")

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20
owned = defaultdict(int)
for_us = defaultdict(int)
total = 0
for rec in csv.DictReader(sys.stdin):
    name, size = rec["Name"], int(rec["ShallowSize"])
    if name.startswith("..."):
        continue
    total += size
    if "function names" in name or name.startswith("custom section"):
        continue
    crates = crate_re.findall(name)
    if crates:
        owner = crates[0]
    elif name == "__original_main":
        # `main` with the App and its providers inlined into it.
        owner = "backup_console"
    elif name.startswith("data segment"):
        owner = "(data: strings, constants, vtables)"
    elif name.startswith(("elem[", "table[")):
        owner = "(function table)"
    elif name.startswith(("import ", "export ", "type[")):
        owner = "(imports, exports, types)"
    elif name.startswith("code["):
        owner = "(unnamed code)"
    else:
        owner = "(wasm-bindgen shims, allocator glue)"
    owned[owner] += size
    if owner not in OURS and any(c in OURS for c in crates[1:]):
        for_us[owner] += size

print(f"| crate | bytes (raw, after wasm-opt -Oz) | of which instantiated for our types |")
print(f"|---|---:|---:|")
for owner, size in sorted(owned.items(), key=lambda kv: -kv[1])[:rows]:
    print(f"| {owner} | {size:,} | {for_us.get(owner, 0):,} |")
rest = sum(sorted(owned.values(), reverse=True)[rows:])
print(f"| (other crates) | {rest:,} | |")
print(f"| **total without the names section** | **{sum(owned.values()):,}** | |")
ours = sum(owned.get(c, 0) for c in OURS) + sum(for_us.values())
print(f"\nOurs: {ours:,} B ({100 * ours / sum(owned.values()):.0f} %): our crates plus generics instantiated for our types.")
