"""Tables as the book shows them: full text (pandas would cut long cells), a caption, no index.

In a table of CARD_COLUMNS or more columns each cell carries its column's header in a
``data-label`` attribute, so that on a phone the book's stylesheet
(book/_static/analysis-book.css) shows each row as a card of labelled lines instead of a
table wider than the screen; narrower tables fit a phone as they are. Long definitions go under the table in a
``<details>`` list (:func:`notes_html`) rather than in a narrow column, and a table that
shows DfE symbols gets a key (:func:`symbol_key_html`).

A table or chart whose data is also a spreadsheet is shown as :class:`WithDownload`: its HTML,
then the link to the spreadsheet as a second, Markdown output (a ``{download}`` link must be
MyST Markdown for Sphinx to publish the file; analysis.present.spreadsheets writes both).
"""
from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML, Markdown, display

from analysis.present.wording import symbol_meaning
from analysis.vocabulary import SYMBOLS


# Tables this wide are shown as cards on a phone (the stylesheet picks them by data-label).
CARD_COLUMNS = 4
# A cell this short ("2023-24", "146 / 149", "8.3") is kept on one line.
SHORT_CELL = 10


def _cell(value) -> str:
    return html.escape("" if pd.isna(value) else str(value))


def _td(text: str, label: str | None) -> str:
    """A cell: labelled with its column header in a wide table, kept on one line when short."""
    attributes = f' data-label="{label}"' if label is not None else ""
    if text and len(text) <= SHORT_CELL:
        attributes += ' class="short-cell"'
    return f"<td{attributes}>{text}</td>"


def table_html(table: pd.DataFrame, caption: str, css_class: str = "table") -> str:
    """An accessible HTML table: caption, column headers with scope, every cell in full, in
    a wide table each cell labelled with its column's header, and short cells on one line."""
    labels = [html.escape(str(c), quote=True) for c in table.columns]
    head = "".join(f'<th scope="col">{label}</th>' for label in labels)
    wide = len(labels) >= CARD_COLUMNS
    rows = "".join(
        "<tr>" + "".join(_td(_cell(v), label if wide else None) for label, v in zip(labels, row)) + "</tr>"
        for row in table.itertuples(index=False)
    )
    return (f'<table class="{css_class}"><caption>{html.escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


def symbols_in(table: pd.DataFrame) -> list[str]:
    """The DfE symbols the table shows (the formatter writes a value with a symbol as the
    symbol alone, so a symbol is a whole cell), in the order of analysis.vocabulary.SYMBOLS."""
    words = {str(v).strip() for v in table.to_numpy().ravel() if not pd.isna(v)}
    return [symbol for symbol in SYMBOLS if symbol in words]


def symbol_key_html(symbols: list[str]) -> str:
    """A key for the DfE symbols a table shows ('' when it shows none)."""
    if not symbols:
        return ""
    items = "".join(f"<li><code>{html.escape(s)}</code>: {html.escape(symbol_meaning(s))}</li>" for s in symbols)
    return f'<div class="table-key"><p>Symbols used in the table:</p><ul>{items}</ul></div>'


def notes_html(summary: str, notes: dict[str, str]) -> str:
    """Longer text that belongs with a table (definitions, explanations) as a collapsible
    list under it: ``notes`` maps each term to its text."""
    items = "".join(f"<dt>{html.escape(term)}</dt><dd>{html.escape(text)}</dd>" for term, text in notes.items())
    return f'<details class="table-notes"><summary>{html.escape(summary)}</summary><dl>{items}</dl></details>'


class WithDownload(HTML):
    """HTML followed on the page by ``link``, the Markdown linking its data as a spreadsheet, or
    several such pairs one after another (``parts``, see :func:`together`).

    ``.data`` is the HTML alone. IPython calls ``_ipython_display_`` both for ``display(...)``
    and for the last line of a cell, so either shows each HTML then its Markdown; the notebook
    cell renders its Markdown as MyST (cell metadata ``mystnb.markdown_format: myst``)."""

    def __init__(self, html_text: str, link: str = "", parts: tuple[tuple[str, str], ...] = ()):
        self.parts = tuple(parts) or ((html_text, link),)
        super().__init__("".join(text for text, _ in self.parts))

    def _ipython_display_(self) -> None:
        for text, link in self.parts:
            display(HTML(text))
            if link:
                display(Markdown(link))


def together(shown: list[HTML]) -> WithDownload:
    """Several tables (HTML, or WithDownload with their links) shown one after another."""
    return WithDownload("", parts=tuple(part for item in shown
                                        for part in getattr(item, "parts", ((item.data, ""),))))


def show_table(table: pd.DataFrame, caption: str, after: str = "", link: str = "") -> HTML:
    """Display a table in a notebook (return it as the last line of a cell), with a key for
    any DfE symbol it shows, ``after`` (notes, as HTML) beneath it, then ``link`` (Markdown: the
    link to its spreadsheet), when given."""
    key = symbol_key_html(symbols_in(table))
    shown = f'<div class="table-wrapper">{table_html(table, caption)}</div>{key}{after}'
    return WithDownload(shown, link) if link else HTML(shown)
