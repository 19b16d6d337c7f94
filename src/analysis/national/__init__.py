"""Published national statistics: the EES importer and the loaders notebooks use.

* :func:`analysis.national.importer.import_national` reads a folder of EES files and
  writes the tidy extract in ``data/national/``;
* :mod:`analysis.national.load` reads that extract back (``load_national``,
  ``load_areas``, ``area_name``, ``load_neighbours``, ``national_catalogue``).
"""
from .importer import ImportSummary, import_national
from .load import (
    NationalDataMissing,
    UnknownAreaError,
    UnknownIndicatorError,
    area_name,
    catalogue_entry,
    load_areas,
    load_national,
    load_neighbours,
    load_provenance,
    national_catalogue,
)

__all__ = [
    "ImportSummary", "import_national", "NationalDataMissing", "UnknownAreaError", "UnknownIndicatorError",
    "area_name", "catalogue_entry", "load_areas", "load_national", "load_neighbours", "load_provenance",
    "national_catalogue",
]
