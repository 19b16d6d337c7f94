"""Assurance: the run manifest, the privacy scan, reproducibility checks and the assurance pages."""
