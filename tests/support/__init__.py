"""Helpers the tests share: reading built pages, planting differences, checking for external resources."""
