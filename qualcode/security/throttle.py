"""How long a sign-in must wait after failures: a few free tries, then a delay that doubles with
each further failure, then a temporary lock. Counted per login name and per client (the
address the attempt came from), over a window that a successful sign-in closes."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    window: dt.timedelta = dt.timedelta(minutes=15)  # failures older than this are forgotten
    free_failures: int = 3  # failures allowed before any delay
    lock_after: int = 10  # failures that lock the login (or the client, times client_factor)
    lock_for: dt.timedelta = dt.timedelta(minutes=15)
    client_factor: int = 3  # a client (a lab behind one address) gets three times as many


LIMITS = Limits()


@dataclass(frozen=True)
class Verdict:
    wait_seconds: int  # 0: the attempt may go ahead
    locked: bool  # the wait is a lock, not a growing delay


def verdict(failures: Sequence[dt.datetime], now: dt.datetime, *, lock_after: int, limits: Limits = LIMITS) -> Verdict:
    """The wait before the next attempt, given the times of the failures that still count."""
    recent = sorted(t for t in failures if now - t < limits.window)
    if len(recent) < limits.free_failures:
        return Verdict(0, False)
    last = recent[-1]
    if len(recent) >= lock_after:
        until = last + limits.lock_for
        locked = True
    else:
        until = last + dt.timedelta(seconds=2 ** (len(recent) - limits.free_failures))
        locked = False
    wait = math.ceil((until - now).total_seconds())
    return Verdict(max(wait, 0), locked and wait > 0)
