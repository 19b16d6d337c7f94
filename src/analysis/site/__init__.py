"""The published site: the index of editions and the edition stamp on every page."""
