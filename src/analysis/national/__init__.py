"""Published national statistics: reading EES files (``ees``, ``neighbours``), the indicators
the book extracts (``indicators``), the importer that writes ``data/national/``, and the
loaders the pages use (``load``)."""
