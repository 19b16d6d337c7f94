"""Looking rows up in a national frame once per frame (analysis.stats.frame_cache): what
``frame[frame[column] == value]`` gives, for every value, column and frame."""
from __future__ import annotations

import gc

import numpy as np
import pandas as pd
import pytest

from analysis.stats.frame_cache import frame_cache, rows_of


@pytest.fixture
def frame():
    # SYNTHETIC rows, shuffled, with a gap in the index and a missing value.
    rows = pd.DataFrame({
        "indicator_id": ["b", "a", "b", None, "c", "a", "b"],
        "area_code": ["E1", "E1", "E2", "E2", "E1", "E2", "E1"],
        "value": [1.0, 2.0, 3.0, 4.0, np.nan, 6.0, 7.0],
    }, index=[10, 11, 12, 14, 15, 16, 17])
    return rows


@pytest.mark.parametrize("column, value", [("indicator_id", "a"), ("indicator_id", "b"), ("indicator_id", "c"),
                                           ("indicator_id", "absent"), ("area_code", "E1"), ("area_code", "E2")])
def test_the_rows_are_those_a_comparison_finds_in_order_with_their_index(frame, column, value):
    expected = frame[frame[column] == value]
    found = rows_of(frame, column, value)
    pd.testing.assert_frame_equal(found, expected)


def test_each_column_and_each_frame_is_looked_up_on_its_own(frame):
    assert list(rows_of(frame, "indicator_id", "a").index) == [11, 16]
    assert list(rows_of(frame, "area_code", "E2").index) == [12, 14, 16]
    other = frame.iloc[::-1]
    assert list(rows_of(other, "indicator_id", "a").index) == [16, 11]
    assert list(rows_of(frame, "indicator_id", "a").index) == [11, 16]


def test_what_is_kept_goes_with_the_frame(frame):
    frame_cache(frame)["kept"] = True
    assert frame_cache(frame)["kept"]
    copy = frame.copy()
    assert "kept" not in frame_cache(copy)
    kept = frame_cache.__globals__["_BY_FRAME"]
    assert id(copy) in kept
    del copy
    gc.collect()
    assert len([entry for entry in kept.values() if entry[0]() is None]) == 0  # nothing kept for a deleted frame
    assert frame_cache(frame)["kept"]
