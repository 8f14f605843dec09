#!/usr/bin/env python3
"""Time from a one-file save to the live-reload event of `oogst serve`.

Starts `oogst serve --port 0` on a site, opens the event stream, then N times rewrites one
Markdown file the way editors do (write a temporary file, rename it over) and measures the
time until the `reload` event arrives. Prints the median and the spread in milliseconds.

    python3 benches/reload_latency.py OOGST_BINARY SITE_DIR [--edits 15]
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("site")
    parser.add_argument("--edits", type=int, default=15)
    args = parser.parse_args()

    folder = os.path.join(args.site, "content", "conclusions")
    target = os.path.join(folder, sorted(f for f in os.listdir(folder) if not f.startswith("_"))[0])
    with open(target, encoding="utf-8") as f:
        original = f.read()

    proc, port = start(args.binary, args.site)
    times = []
    try:
        sock = open_events(port)
        for n in range(args.edits + 1):
            text = original + f"\n\nEdit number {n}.\n"
            temp = os.path.join(folder, f".{os.path.basename(target)}.tmp{n}")
            with open(temp, "w", encoding="utf-8") as f:
                f.write(text)
            started = time.perf_counter()
            os.replace(temp, target)
            wait_for(sock, b"event: reload")
            elapsed = (time.perf_counter() - started) * 1000
            if n > 0:  # the first edit warms up
                times.append(elapsed)
            time.sleep(0.3)
    finally:
        with open(target, "w", encoding="utf-8") as f:
            f.write(original)
        proc.kill()
        proc.wait()
    print(
        f"save-to-reload: median {statistics.median(times):.1f} ms "
        f"(min {min(times):.1f}, max {max(times):.1f}, {len(times)} edits)"
    )


if __name__ == "__main__":
    main()
