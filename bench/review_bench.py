"""The Review page's "count per" switch in headless Chromium on the demo study: click to the end of
the script run it starts (Streamlit's script-finished frame on the app's websocket) and the page
settled (``data-test-script-state`` back to ``notRunning``, no stale element left), twelve
clicks, median and longest. The Review page runs only its open tab; before that (2026-12-07) every
tab ran on every rerun, agreement and the audit trail included, and this switch took a median of
3.3 s on the demo.

Run: ``.venv/bin/python -m bench.review_bench`` (Debian's Chromium, never ``playwright install``).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path, run_finished, running_server, wait_for_app, wait_settled

ROOT = Path(__file__).resolve().parent.parent
CHOICES = ("dokumen", "kelompok pemangku kepentingan", "koder")  # review.by_* in Indonesian
CLICKS = 12


def main() -> None:
    chromium = chromium_path()
    if chromium is None:
        print("Chromium not found (apt-get install chromium, or set QUALCODE_CHROMIUM)")
        sys.exit(1)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'review.sqlite3'}"
        subprocess.run([sys.executable, "-m", "qualcode", "setup", "--if-empty"], cwd=ROOT, check=True,
                       capture_output=True, env={**os.environ, "QUALCODE_DATABASE_URL": url})
        with running_server(url, Path(tmp) / "streamlit.log") as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            sockets: list = []  # type: ignore[type-arg]
            page.on("websocket", lambda ws: sockets.append(ws))
            page.goto(f"{server.url}/review")
            wait_for_app(page, "Tinjauan")
            times = []
            for i in range(CLICKS):
                wait_settled(page)
                start = time.perf_counter()
                with sockets[-1].expect_event("framereceived", predicate=run_finished):
                    page.get_by_text(CHOICES[i % len(CHOICES)], exact=True).first.click()
                wait_settled(page)
                times.append(time.perf_counter() - start)
            browser.close()
    print(f"Review, 'count per' switch, click to settled ({CLICKS} clicks): median {statistics.median(times):.3f} s, "
          f"longest {max(times):.3f} s; each: {', '.join(f'{t:.2f}' for t in times)}")


if __name__ == "__main__":
    main()
