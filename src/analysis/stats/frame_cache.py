"""What is worked out once per national frame and kept for as long as the frame lives.

A page looks up dozens of indicators and areas in the same national frame (about 80,000 rows).
Finding them by comparing every row's text each time (``frame[frame["indicator_id"] == x]``)
was a fifth of a page's work; the rows of each value are now found in one pass and looked up.
"""
from __future__ import annotations

import weakref

import pandas as pd

_BY_FRAME: dict[int, tuple[weakref.ref, dict]] = {}


def frame_cache(frame: pd.DataFrame) -> dict:
    """A dictionary kept for ``frame`` (not for a copy of it) until the frame is deleted: the
    entry goes with it, so a frame made later with the same id starts afresh."""
    key = id(frame)
    entry = _BY_FRAME.get(key)
    if entry is None:
        entry = (weakref.ref(frame, lambda _, k=key: _BY_FRAME.pop(k, None)), {})
        _BY_FRAME[key] = entry
    return entry[1]


def rows_of(frame: pd.DataFrame, column: str, value) -> pd.DataFrame:
    """The frame's rows whose ``column`` is ``value``, in order, with their index: what
    ``frame[frame[column] == value]`` gives."""
    cache = frame_cache(frame)
    positions = cache.get(("rows of", column))
    if positions is None:
        positions = cache[("rows of", column)] = frame.groupby(column, sort=False).indices
    found = positions.get(value)
    return frame.iloc[found] if found is not None else frame.iloc[0:0]
