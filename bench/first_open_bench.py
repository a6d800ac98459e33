"""What a researcher waits for right after the server starts: the server's start (until it answers
its health check) and the first open of each page in Chromium (until its content is painted and
the script run is over), served the way ``make run`` serves it (``qualcode/ui/serve.py``, which
loads the pages' libraries during its start) beside the bare ``app.py`` (no start-up work) in the
same run, on the demo study.

Each row is a fresh server and a fresh browser: open the page first, or the Projects page and
then the page (what most sessions do). ``--rounds`` repeats each and prints every figure and the
median.

    python -m bench.first_open_bench [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path, running_server, wait_idle

SCRIPTS = {"app.py (bare)": "app.py", "serve.py (make run)": "qualcode/ui/serve.py"}
# (label, paths opened one after the other; the last is timed)
PATHS = [("Suggestions first", ["suggestions"]), ("Review first", ["review"]), ("Coding first", ["coding"]),
         ("Projects, then Suggestions", ["", "suggestions"]), ("Projects, then Review", ["", "review"])]


def painted(page, path: str) -> None:  # type: ignore[no-untyped-def]
    """The page's content is on screen and its run is over (Suggestions: its first card)."""
    if path == "suggestions":
        page.locator("[data-testid=qc-suggestion]").first.wait_for(timeout=120_000)
    else:
        page.wait_for_selector("h1", timeout=120_000)
    wait_idle(page)


def one(script: str, paths: list[str], chromium: str) -> tuple[float, float]:
    """Seconds until the server answered, and until the last of ``paths`` was painted."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/qualcode.sqlite3"
        env = {**os.environ, "QUALCODE_DATABASE_URL": url, "QUALCODE_DATA_DIR": tmp}
        subprocess.run([sys.executable, "-m", "qualcode", "setup", "--if-empty"], check=True, env=env,
                       capture_output=True)
        started = time.perf_counter()
        with running_server(url, Path(tmp) / "streamlit.log", script, QUALCODE_DATA_DIR=tmp) as server, \
                sync_playwright() as p:
            up = time.perf_counter() - started
            browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            for path in paths:
                opened = time.perf_counter()
                page.goto(f"{server.url}/{path}")
                painted(page, path)
            browser.close()
            return up, time.perf_counter() - opened


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    chromium = chromium_path()
    if chromium is None:
        raise SystemExit("needs Debian's chromium (/usr/bin/chromium or QUALCODE_CHROMIUM)")
    ups: dict[str, list[float]] = {name: [] for name in SCRIPTS}
    print(f"first open after a server start, demo study, {args.rounds} rounds (seconds; median in brackets)")
    print(f"{'':30}" + "".join(f"{name:>34}" for name in SCRIPTS) + f"{'ratio':>8}")
    for label, paths in PATHS:
        medians = []
        cells = []
        for name, script in SCRIPTS.items():
            times = []
            for _ in range(args.rounds):
                up, opened = one(script, paths, chromium)
                ups[name].append(up)
                times.append(opened)
            medians.append(statistics.median(times))
            cells.append(" ".join(f"{t:.2f}" for t in times) + f" [{medians[-1]:.2f}]")
        print(f"{label:30}" + "".join(f"{c:>34}" for c in cells) + f"{medians[1] / medians[0]:>8.2f}", flush=True)
    print(f"{'server start (to health)':30}"
          + "".join(f"{statistics.median(v):>34.2f}" for v in ups.values()))


if __name__ == "__main__":
    main()
