#!/usr/bin/env python3
"""Merges the splitter's shared chunks into one module, chunk_shared.wasm (scripts/split-wasm.sh).

wasm-split-cli puts the code that two or more parts use in a chunk per set of parts that use it:
about 120 small modules, of which a page loads 40 to 70. Each is a request and an instantiation,
and together they cost the Jobs page about 80 ms before its first row, even from the cache.
Merged, a part is two files: its own module and the shared one (the usual "common chunk"). A part
opened first loads shared code it does not use yet; every part opened after costs one file.

Why merging is sound: every chunk imports only the main module's memory, table and stack
pointer, has no exports and no start function, and writes its code and data at fixed table
indexes and addresses that no other module uses. One module holding them all does exactly what
loading them all would do. wasm-merge joins them but keeps one import per input (which would make
a module with many memories), so the imports are made one again in the text form.

Usage: merge-chunks.py OUT_DIR (with __wasm_split.js and chunk_*.wasm); tools from PATH or
WASM_MERGE / WASM_DIS / WASM_AS.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

FEATURES = ["--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-multimemory"]
CHUNK_DEF = re.compile(
    r'/\* (?P<parts>[^*]*) \*/\nconst __chunk_(?P<n>\d+) = makeLoad\(\(\) => \{\n'
    r'    const src = fetch\(new URL\("\./chunk_(?P=n)\.wasm", import\.meta\.url\)\);\n'
    r'(?:.*\n)*?\}\n, \[\]\);\n'
)
DEPS = re.compile(r", \[(?:__chunk_\d+(?:, )?)+\]\)\);")
IMPORT = re.compile(r'^ \(import "([^"]+)" "([^"]+)" \((memory|table|global|func) (\$\S+) .*\n', re.M)


def fail(message):
    sys.exit(f"merge-chunks: {message}")


def tool(name, *args):
    exe = os.environ.get(name.upper().replace("-", "_"), name)
    done = subprocess.run([exe, *args], capture_output=True, text=True)
    if done.returncode != 0:
        fail(f"{name} failed: {done.stderr.strip()}")
    return done.stdout


def one_set_of_imports(wat):
    """Every import of the same memory, table or global becomes the first one of its name."""
    first = {}
    renames = {}
    for line in IMPORT.finditer(wat):
        module, field, kind, name = line.groups()
        keep = first.setdefault((module, field, kind), name)
        if keep != name:
            renames[name] = keep
    wat = IMPORT.sub(lambda m: "" if m.group(4) in renames else m.group(0), wat)
    if renames:
        # A name ends where the text has a space or a parenthesis.
        names = re.compile("(" + "|".join(re.escape(n) for n in sorted(renames, key=len, reverse=True)) + r")(?=[\s()])")
        wat = names.sub(lambda m: renames[m.group(1)], wat)
    imports = [m.groups()[:3] for m in IMPORT.finditer(wat)]
    if len(imports) != len(set(imports)):
        fail(f"an import is still there twice: {sorted(imports)}")
    return wat


def main():
    out = Path(sys.argv[1])
    loader_path = out / "__wasm_split.js"
    loader = loader_path.read_text()
    defs = list(CHUNK_DEF.finditer(loader))
    files = sorted(out.glob("chunk_*.wasm"))
    if len(defs) != len(files) or not defs:
        fail(f"the loader defines {len(defs)} chunks, the splitter wrote {len(files)}: its format changed?")
    if len(defs) == 1:
        return

    chunks = [out / f"chunk_{d['n']}.wasm" for d in defs]
    merged = out / "merged.wasm"
    args = [arg for chunk in chunks for arg in (str(chunk), chunk.stem)]
    tool("wasm-merge", *FEATURES, *args, "-o", str(merged))
    wat = out / "merged.wat"
    wat.write_text(one_set_of_imports(tool("wasm-dis", *FEATURES, str(merged))))
    shared = out / "chunk_shared.wasm"
    tool("wasm-as", *FEATURES, str(wat), "-o", str(shared))
    for path in [merged, wat, *chunks]:
        path.unlink()

    # The loader: one definition for the shared module, and every part depends on it alone.
    first = defs[0]
    shared_def = first.group(0).replace(f"__chunk_{first['n']}", "__chunk_shared")
    shared_def = shared_def.replace(f"./chunk_{first['n']}.wasm", "./chunk_shared.wasm")
    shared_def = shared_def.replace(f"/* {first['parts']} */", f"/* shared: {len(defs)} chunks merged */")
    loader = loader[: first.start()] + shared_def + CHUNK_DEF.sub("", loader[first.end() :])
    loader, parts = DEPS.subn(", [__chunk_shared]));", loader)
    if parts == 0 or re.search(r"__chunk_\d|chunk_\d+\.wasm", loader):
        fail("the loader still names a merged chunk")
    loader_path.write_text(loader)
    print(f"merge-chunks: {len(defs)} chunks into chunk_shared.wasm ({shared.stat().st_size} B), used by {parts} parts")


if __name__ == "__main__":
    main()
