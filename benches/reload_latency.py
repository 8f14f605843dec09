#!/usr/bin/env python3
"""Time from a one-file save to the live-reload event of `oogst serve`, per kind of edit.

Starts `oogst serve --port 0` on a site, opens the event stream, then for each kind of edit
N times changes one conclusion the way editors do (write a temporary file, rename it over;
a new file is renamed into place, a deleted one removed) and measures the time until the
`reload` event arrives. Prints the median and the spread in milliseconds per kind.

    python3 benches/reload_latency.py OOGST_BINARY SITE_DIR [--edits 15] [--kinds body,title]
                                      [--pause 0.3]

`--pause` is the time between the reload and the next save. After an edit the preview makes
the files that hold every item (print edition, matrix, search index, feed, open data) once
the changed pages are out; a save that comes sooner waits for them.

Kinds: body (a sentence added), title, summary, relation (a theme added and taken away
again), number (a new number, unused), new (a conclusion added), delete (that conclusion
removed), and all (every kind, in that order).
"""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time


def start(binary, site):
    proc = subprocess.Popen(
        [binary, "serve", "--port", "0", "--root", site],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.time() + 600
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if match:
            return proc, int(match.group(1))
    proc.kill()
    sys.exit("oogst serve printed no URL")


def open_events(port):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"GET /__oogst/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    sock.settimeout(60)
    buffer = b""
    while b": connected" not in buffer:
        buffer += sock.recv(4096)
    return sock


def wait_for(sock, word):
    buffer = b""
    while word not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            sys.exit("the event stream closed")
        buffer += chunk


KINDS = ["body", "title", "summary", "relation", "number", "new", "delete"]


def front_value(text, key, change):
    """The text with the front-matter line `key: ...` changed by `change(old value)`."""
    pattern = re.compile(rf"^{key}:[ \t]*(.*)$", re.M)
    match = pattern.search(text)
    if not match:
        sys.exit(f"the conclusion has no `{key}:` line to edit")
    value = change(match.group(1))
    return text[: match.start()] + f"{key}: {value}" + text[match.end() :]


def quoted(value, n):
    """A YAML string value with ` (n)` added inside it."""
    bare = value.strip().strip('"')
    return '"' + bare + f" ({n})" + '"'


def edited(kind, original, n, themes):
    """The conclusion's text after the `n`th edit of `kind`."""
    if kind == "body":
        return original + f"\n\nEdit number {n}.\n"
    if kind == "title":
        return front_value(original, "title", lambda v: quoted(v, n))
    if kind == "summary":
        return front_value(original, "summary", lambda v: quoted(v, n))
    if kind == "number":
        return front_value(original, "number", lambda v: str(900000 + n))
    if kind == "relation":
        # Odd edits relate the conclusion to one more theme, even ones take it away.
        if n % 2 == 0:
            return original
        return original.replace("themes:\n", f"themes:\n  - {themes[n % len(themes)]}\n", 1)
    raise ValueError(kind)


def save(path, text):
    """Writes `text` to `path` as editors do: a temporary file renamed over it."""
    temp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.tmp")
    with open(temp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temp, path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("site")
    parser.add_argument("--edits", type=int, default=15)
    parser.add_argument("--kinds", default="body")
    parser.add_argument("--pause", type=float, default=0.3)
    args = parser.parse_args()
    kinds = KINDS if args.kinds == "all" else args.kinds.split(",")
    for kind in kinds:
        if kind not in KINDS:
            sys.exit(f"unknown kind of edit `{kind}`; known: {', '.join(KINDS)}, all")

    folder = os.path.join(args.site, "content", "conclusions")
    # Files in the site's own language: a translation (`name.en.md`) has no number.
    names = sorted(f for f in os.listdir(folder) if f.endswith(".md") and f.count(".") == 1 and not f.startswith("_"))
    target = os.path.join(folder, names[0])
    with open(target, encoding="utf-8") as f:
        original = f.read()
    theme_dir = os.path.join(args.site, "content", "themes")
    themes = sorted(
        f[:-3]
        for f in os.listdir(theme_dir)
        if f.endswith(".md") and f.count(".") == 1 and not f.startswith("_") and f"- {f[:-3]}\n" not in original
    )
    added = [os.path.join(folder, f"zz-bench-new-{n}.md") for n in range(args.edits + 1)]
    new_text = lambda n: front_value(original, "number", lambda v: str(800000 + n))

    proc, port = start(args.binary, args.site)
    results = []
    try:
        sock = open_events(port)
        for kind in kinds:
            times = []
            for n in range(args.edits + 1):
                started = time.perf_counter()
                if kind == "new":
                    save(added[n], new_text(n))
                elif kind == "delete":
                    if not os.path.exists(added[n]):
                        save(added[n], new_text(n))
                        wait_for(sock, b"event: reload")
                        time.sleep(args.pause)
                        started = time.perf_counter()
                    os.remove(added[n])
                else:
                    save(target, edited(kind, original, n + 1, themes))
                wait_for(sock, b"event: reload")
                elapsed = (time.perf_counter() - started) * 1000
                if n > 0:  # the first edit of a kind warms up
                    times.append(elapsed)
                time.sleep(args.pause)
            if kind not in ("new", "delete"):
                save(target, original)
                wait_for(sock, b"event: reload")
                time.sleep(args.pause)
            results.append((kind, times))
    finally:
        with open(target, "w", encoding="utf-8") as f:
            f.write(original)
        for path in added:
            if os.path.exists(path):
                os.remove(path)
        proc.kill()
        proc.wait()
    for kind, times in results:
        print(
            f"save-to-reload, {kind:8}: median {statistics.median(times):7.1f} ms "
            f"(min {min(times):.1f}, max {max(times):.1f}, {len(times)} edits)"
        )


if __name__ == "__main__":
    main()
