"""Network benchmark: the co-occurrence network's layout, SVG, PNG and GEXF for growing code sets.

Builds a random weighted graph per size (codes with labels of 10–50 characters in three
codebooks, each code linked to about eight others), then times ``charts.network_layout``,
``charts.network_svg`` (layout and label placement), ``charts.svg_png`` and ``charts.network_gexf``
(median of three runs) and prints seconds per step. Run:
``.venv/bin/python -m bench.network_bench [--sizes 60 150 300]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

import networkx as nx

from qualcode.files import charts


def graph(n: int, seed: int = 5) -> nx.Graph:
    rng = random.Random(seed)
    out = nx.Graph()
    for i in range(n):
        out.add_node(f"code_{i}", label=f"Kode {i} " + "x" * rng.randint(4, 44), codebook=f"Buku {i % 3}",
                     colour=f"#{rng.randrange(0x1000000):06X}", segments=rng.randint(1, 80))
    nodes = list(out.nodes)
    for node in nodes:
        for other in rng.sample(nodes, min(4, n - 1)):
            if other != node:
                out.add_edge(node, other, weight=rng.randint(1, 12))
    return out


def seconds(step: Callable[[], object]) -> float:
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        step()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[60, 150, 300])
    args = parser.parse_args()
    print(f"{'codes':>6} {'links':>6} {'layout s':>9} {'svg s':>7} {'png s':>7} {'gexf s':>7}")
    for n in args.sizes:
        g = graph(n)
        svg = charts.network_svg(g)
        layout = seconds(lambda g=g: charts.network_layout(g))
        drawing = seconds(lambda g=g: charts.network_svg(g))
        png = seconds(lambda svg=svg: charts.svg_png(svg))
        gexf = seconds(lambda g=g: charts.network_gexf(g))
        print(f"{n:>6} {g.number_of_edges():>6} {layout:>9.2f} {drawing:>7.2f} {png:>7.2f} {gexf:>7.2f}")


if __name__ == "__main__":
    main()
