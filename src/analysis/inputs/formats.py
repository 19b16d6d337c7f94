"""The input files of an edition: their names, their columns and what each column holds.

An edition's folder ``data/partnerships/<id>/<year>/`` holds ``figures.csv`` (figures transcribed
from a published report, with the phrase each comes from) and/or partner returns
(``returns/<partner>.csv`` or ``.xlsx``), ``lists.csv`` (the qualitative lists) and
``documents.csv`` (the source documents).
"""
from __future__ import annotations

FIGURES_FILE = "figures.csv"
LISTS_FILE = "lists.csv"
DOCUMENTS_FILE = "documents.csv"

FIGURE_COLUMNS = [
    "indicator_id", "period", "value", "qualifier", "status", "derivation",
    "document_id", "source_section", "source_quote",
]
# Optional columns of figures.csv. quote_number is optional as a column (an edition of partner
# returns has no quotes), but a reported figure with a source_quote must fill it in
# (analysis.inputs.rules.quote_number_problems).
FIGURE_OPTIONAL_COLUMNS = ["numerator", "denominator", "quote_number"]
QUALIFIERS = {"", "about", "more than", "fewer than", "at least"}
STATUSES = {"reported", "derived"}
DOCUMENT_REQUIRED_COLUMNS = ["document_id", "title"]

# Columns of the loaded figures table (PartnershipData.figures).
LOADED_COLUMNS = FIGURE_COLUMNS + FIGURE_OPTIONAL_COLUMNS + [
    "source_file", "source_row", "source_sheet", "origin",
]

FIGURE_COLUMN_MEANINGS = {
    "indicator_id": "The indicator's identifier, from the catalogue below.",
    "period": "The period the value covers: 2024-25 for a financial year, 2024 for a calendar year, 2024/25 for an academic year.",
    "value": "The number, without units or thousands separators (a percentage as 79.4, not 79.4%).",
    "qualifier": "Blank, or how the report qualifies the number: about, more than, fewer than, at least.",
    "status": "reported (stated in the source) or derived (worked out from other figures).",
    "derivation": "For a derived value: how it was worked out.",
    "document_id": "The source document, from documents.csv in the same folder.",
    "source_section": "The section of the source document the value comes from.",
    "source_quote": "The exact phrase in the source document that states the value.",
    "quote_number": "For a reported value: which number of the quote it is, exactly as the quote writes it "
                    "(8,583, 79.4%, five). The reproduction page reads that number from the source document.",
    "numerator": "Optional, for a percentage: the number of children counted (the top of the fraction).",
    "denominator": "Optional, for a percentage: the number of children it is a percentage of.",
}

RETURNS_FOLDER = "returns"
RETURN_SHEET = "figures"
GUIDANCE_SHEET = "guidance"
RETURN_SUFFIXES = (".csv", ".xlsx")

# Columns of a partner return, in template order. The partner fills in the columns
# marked "fill in"; the others are there for reference and are not read back.
RETURN_COLUMNS = [
    "indicator_id", "title", "unit", "period", "required", "previous_period", "previous_value",
    "value", "numerator", "denominator", "qualifier", "source", "notes", "definition",
]
RETURN_REQUIRED_COLUMNS = ["indicator_id", "period", "value"]
RETURN_REFERENCE_COLUMNS = ["title", "unit", "required", "previous_period", "previous_value", "definition"]
RETURN_COLUMN_MEANINGS = {
    "indicator_id": "The indicator's identifier from the catalogue. Do not change.",
    "title": "What is counted (for reference; not read back).",
    "unit": "count, percentage (0 to 100), percentage_change, rate_per_10000 (for reference).",
    "period": "The period the value covers, filled in with the period expected. Change it only if "
              "the value is for a different period (it will be checked).",
    "required": "yes: the report cannot be built without this value; no: shown as 'not supplied' "
                "when blank (for reference).",
    "previous_period": "The period of last year's value (for reference; not read back).",
    "previous_value": "Last year's value as published (for reference; not read back).",
    "value": "FILL IN: the number, without units (a percentage as 79.4, not 79.4%). "
             "Leave blank if you cannot supply it.",
    "numerator": "Optional, for a percentage: the number of children counted (the top of the fraction).",
    "denominator": "Optional, for a percentage: the number of children it is a percentage of.",
    "qualifier": "Optional: about, more than, fewer than or at least, if the value is approximate.",
    "source": "Optional: where the value comes from (system, report, date of the extract).",
    "notes": "Optional: anything the analyst should know (a change of definition, a caveat).",
    "definition": "The indicator's definition (for reference; not read back).",
}

LIST_COLUMNS = ["list_id", "period", "position", "item", "detail", "document_id", "source_section", "source_quote"]
DOCUMENT_COLUMNS = ["document_id", "title", "publisher", "date", "location", "licence"]

# The report's claims that national statistics could test (claims.csv, read and checked by
# analysis.pages.claims; new-edition writes it with this header).
CLAIMS_FILE = "claims.csv"
CLAIM_COLUMNS = ["claim_id", "section", "quote", "kind", "indicator_id", "periods", "direction", "compared_with",
                 "checkable", "why_not_checkable", "reading"]

PARTNER_NAMES = {
    "council": "the council (children's services)",
    "health": "health (the integrated care board and NHS providers)",
    "police": "the police",
    "education": "education (schools and early years)",
}
