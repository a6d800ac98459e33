"""Synthetic Indonesian interview transcripts of a chosen length, for benchmarks."""

from __future__ import annotations

import random

WORDS = (
    "kami saling percaya koordinasi antar OPD memang nggak gampang kalo anggaran APBD terbatas tapi "
    "relawan desa udah dilatih ambulans datang lebih cepat sejak ada dashboard response time rapat "
    "koordinasi bulanan sharing data dengan BLUD dan BPBD Perbup belum jelas aturan mainnya MoU dengan "
    "swasta masih diproses masyarakat mulai percaya kepercayaan dibangun pelan-pelan stakeholder "
    "top-down komitmen pimpinan kuat kapasitas operator kurang sinyal di desa lemah"
).split()


def transcript(words: int, seed: int) -> str:
    rng = random.Random(seed)
    lines: list[str] = [f"Transkrip sintetis {seed}", ""]
    written = 0
    turn = 0
    while written < words:
        label = "P" if turn % 2 == 0 else "I"
        length = rng.randint(8, 20) if label == "P" else rng.randint(40, 160)
        length = min(length, words - written)
        body = " ".join(rng.choice(WORDS) for _ in range(length))
        stamp = f"[{turn // 120:02d}:{(turn // 2) % 60:02d}:{turn % 60:02d}] " if turn % 5 == 0 else ""
        lines.append(f"{stamp}{label}: {body.capitalize()}.")
        lines.append("")
        written += length
        turn += 1
    return "\n".join(lines)
