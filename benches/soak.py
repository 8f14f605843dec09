#!/usr/bin/env python3
"""A writing session against `oogst serve`, at a person's pace.

Serves a copy of the shipped harvest, keeps one event stream open the whole time (as an
open page does), and edits a conclusion now and then: its body, its title, a broken save
and its fix. Between edits it waits longer than every timeout of the server. After each
reload event it fetches the page over a new connection and checks that it shows the edit.

    python3 benches/soak.py --seconds 600                 # ten minutes, an edit every 10-60 s
    python3 benches/soak.py --seconds 90 --gap 6 15       # the short run of tests/run.sh

Prints one line per edit and a closing line `soak: N passed, N failed`; exits 1 when any
request failed or any reload was missed.
"""

import argparse
import os
import queue
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILE = "content/conclusions/01-cop-als-leerplek.md"
PAGE = "/conclusies/cop-als-leerplek/"
WITHIN = 10.0  # an edit must be announced within this many seconds


def start(binary, root):
    """Starts `oogst serve --port 0` and returns the process and its port."""
    child = subprocess.Popen(
        [binary, "serve", "--port", "0", "--root", root],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = queue.Queue()

    def pump():
        for line in child.stdout:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if found:
            return child, int(found.group(1)), lines
    child.kill()
    sys.exit("soak: oogst serve printed no address")


def get(port, path):
    """A GET over a new connection: (status, body); status 0 when it failed."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while chunk := s.recv(65536):
                data += chunk
    except OSError:
        return 0, ""
    head, _, body = data.partition(b"\r\n\r\n")
    parts = head.split(b" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    return status, body.decode("utf-8", "replace")


class Stream:
    """One event stream, read on a thread of its own; events arrive in `events`."""

    def __init__(self, port):
        self.events = queue.Queue()
        self.closed = threading.Event()
        self.connected = threading.Event()
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=None)
        self.sock.sendall(b"GET /__oogst/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        block = []
        for raw in self.sock.makefile("rb"):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if line == ": connected":
                self.connected.set()
            if line:
                block.append(line)
                continue
            name = next((l[7:] for l in block if l.startswith("event: ")), None)
            if name:
                self.events.put(name)
            block = []
        self.closed.set()

    def wait_for(self, name, within):
        """True when an event `name` arrives within `within` seconds (others are passed over)."""
        deadline = time.monotonic() + within
        while (left := deadline - time.monotonic()) > 0:
            try:
                if self.events.get(timeout=left) == name:
                    return True
            except queue.Empty:
                break
        return False

    def drain(self):
        while not self.events.empty():
            self.events.get_nowait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--gap", type=float, nargs=2, default=[10, 60], metavar=("MIN", "MAX"))
    parser.add_argument("--binary", default=os.path.join(REPO, "target", "release", "oogst"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    tmp = tempfile.mkdtemp(prefix="oogst-soak-")
    for name in ("site.yaml", "content", "static", "templates", "themes"):
        source = os.path.join(REPO, name)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(tmp, name))
        elif os.path.isfile(source):
            shutil.copy(source, os.path.join(tmp, name))
    path = os.path.join(tmp, FILE)
    with open(path, encoding="utf-8") as f:
        original = f.read()

    child, port, _ = start(args.binary, tmp)
    passed = failed = edits = 0
    try:
        stream = Stream(port)
        if not stream.connected.wait(WITHIN):
            sys.exit("soak: the event stream did not open")
        started = time.monotonic()
        kinds = ["body", "title", "broken", "body", "title"]
        while time.monotonic() - started < args.seconds:
            gap = rng.uniform(*args.gap)
            time.sleep(gap)
            kind = kinds[edits % len(kinds)]
            edits += 1
            mark = f"soak {edits} {int(time.time())}"
            if kind == "body":
                text = re.sub(r"\n---\n[\s\S]*$", f"\n---\n\n{mark}.\n", original, count=1)
            elif kind == "title":
                text = re.sub(r"(?m)^title: .*$", f'title: "{mark}"', original, count=1)
            else:
                text = re.sub(r"(?m)^title: .*$", "title: [kapot", original, count=1)
            stream.drain()
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            checks = []
            if kind == "broken":
                checks.append(("errors event", stream.wait_for("errors", WITHIN)))
                status, body = get(port, PAGE)
                checks.append(("last good page served", status == 200))
                with open(path, "w", encoding="utf-8") as f:
                    f.write(original)
                checks.append(("reload after the fix", stream.wait_for("reload", WITHIN)))
                status, body = get(port, PAGE)
                checks.append(("fixed page", status == 200))
            else:
                checks.append(("reload event", stream.wait_for("reload", WITHIN)))
                status, body = get(port, PAGE)
                checks.append(("page shows the edit", status == 200 and mark in body))
            checks.append(("stream still open", not stream.closed.is_set()))
            ok = all(result for _, result in checks)
            passed += sum(1 for _, result in checks if result)
            failed += sum(1 for _, result in checks if not result)
            bad = ", ".join(name for name, result in checks if not result)
            print(f"{time.monotonic() - started:6.1f} s  after {gap:4.1f} s idle: {kind:6} {'ok' if ok else 'FAILED: ' + bad}", flush=True)
    finally:
        child.kill()
        child.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"soak: {edits} edits over {args.seconds:.0f} s")
    print(f"soak: {passed} passed, {failed} failed")
    sys.exit(1 if failed or edits == 0 else 0)


if __name__ == "__main__":
    main()
