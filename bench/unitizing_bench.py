"""Unitizing alpha benchmark: two coders with 1,000 codings each on a 600,000-character document.

The second coder repeats 80 % of the first coder's codings with boundaries moved by up to 30
characters and codes 20 % elsewhere; codings spread over 20 codes. Prints the time of
``unitizing_alpha`` (per code and overall) and a growing curve (codings per coder against time).
Run: ``.venv/bin/python -m bench.unitizing_bench``.
"""

from __future__ import annotations

import argparse
import random
import time

import pandas as pd

from qualcode.analysis.unitizing import OVERALL, unitizing_alpha


def spans(chars: int, per_coder: int, codes: int, seed: int = 3) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    for _ in range(per_coder):
        code = f"C{rng.randrange(codes)}"
        start = rng.randrange(chars - 2000)
        end = start + rng.randrange(20, 1500)
        rows.append(("first", code, "doc", start, end))
        if rng.random() < 0.8:
            s = max(0, start + rng.randint(-30, 30))
            rows.append(("second", code, "doc", s, max(s + 1, min(chars, end + rng.randint(-30, 30)))))
        else:
            s = rng.randrange(chars - 2000)
            rows.append(("second", code, "doc", s, s + rng.randrange(20, 1500)))
    return pd.DataFrame(rows, columns=["coder", "code", "document", "start", "end"])


def timed(chars: int, per_coder: int, codes: int) -> tuple[float, float]:
    data = spans(chars, per_coder, codes)
    began = time.perf_counter()
    result = unitizing_alpha(data, {"doc": chars}, ["first", "second"])
    elapsed = time.perf_counter() - began
    return elapsed, float(result.loc[result["code"] == OVERALL, "alpha"].iloc[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=600_000)
    parser.add_argument("--codings", type=int, default=1000, help="codings per coder")
    parser.add_argument("--codes", type=int, default=20)
    args = parser.parse_args()
    elapsed, alpha = timed(args.chars, args.codings, args.codes)
    print(f"unitizing alpha, {args.chars:,} characters, 2 coders x {args.codings:,} codings, {args.codes} codes: "
          f"{elapsed * 1000:.1f} ms (overall alpha {alpha:.3f})")
    print("codings per coder  time (ms)")
    for n in (250, 500, 1000, 2000, 4000, 8000):
        elapsed, _ = timed(args.chars, n, args.codes)
        print(f"{n:>17,}  {elapsed * 1000:9.1f}")


if __name__ == "__main__":
    main()
