"""Presentation: the one number formatter, change wording, tables, charts and chart headlines."""
