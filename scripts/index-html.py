#!/usr/bin/env python3
"""index.html's last touches in the split release build (split-wasm.sh).

1. Trunk's inline loader script moves out into start-<hash>.js.
2. The base tag is written as docs/hosting.md shows it, `<base href="/">` (the minifier drops
   the quotes), so an operator's sed or nginx's sub_filter finds it as documented.

With no inline script, every host can send one fixed Content-Security-Policy
(`script-src 'self' 'wasm-unsafe-eval'`): nginx, Caddy or a CDN need no hash that changes with
each build (docs/hosting.md). The script's relative imports resolve against its own URL, and
index.html's relative URLs against its `<base href>`: the same files either way.

Usage: index-html.py STAGE_DIR
"""
import base64
import hashlib
import re
import sys
from pathlib import Path

stage = Path(sys.argv[1])
html_path = stage / "index.html"
html = html_path.read_text()
inline = list(re.finditer(r"<script type=\"?module\"?>(.*?)</script>", html, re.S))
if len(inline) != 1:
    sys.exit(f"index-html: expected one inline module script in index.html, found {len(inline)}")
body = inline[0].group(1).encode()
name = f"start-{hashlib.sha256(body).hexdigest()[:16]}.js"
(stage / name).write_bytes(body)
sri = "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()
tag = f'<script type=module src="./{name}" integrity="{sri}"></script>'
html = html[: inline[0].start()] + tag + html[inline[0].end() :]
if re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html):
    sys.exit("index-html: index.html still has an inline script")
html, bases = re.subn(r'<base href="?/"?\s*/?>', '<base href="/">', html)
if bases != 1:
    sys.exit(f"index-html: expected one <base href=/> in index.html, found {bases}")
html_path.write_text(html)
print(f"index-html: {name} ({len(body)} B)")
