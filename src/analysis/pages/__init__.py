"""What the notebooks call: a page and its glued figures, national statistics on a page, and the
content of the key findings, reconciliation, data dictionary, methods and changes pages."""
