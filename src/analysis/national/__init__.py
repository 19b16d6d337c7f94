"""Published national statistics: the tables the importer knows (``tables``), the indicators
defined in data/reference/national_indicators.csv (``indicators``), reading EES and statistical
neighbour files (``ees``, ``neighbours``), the import in three steps (``read``, ``extract``,
``write``, run by ``importer``), and the loaders the pages use (``load``)."""
