"""Rounding as statistical publications do it: half up, not Python's half to even."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float, decimals: int = 0) -> float:
    """Round 2.5 to 3 and 0.125 to 0.13 (to 2 places), as DfE and ONS do.

    The value goes through its shortest decimal representation (repr) so that
    0.125 is treated as the 0.125 a person typed, not its binary neighbour.
    """
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    return float(rounded)
