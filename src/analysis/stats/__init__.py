"""Statistics: rates, intervals and tests (``significance``), and comparisons of an area with
other areas and with earlier years (``compare``)."""
