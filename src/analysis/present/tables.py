"""Tables as the book shows them: full text (pandas would cut long cells), a caption, no index."""
from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML


def table_html(table: pd.DataFrame, caption: str, css_class: str = "table") -> str:
    """An accessible HTML table: caption, column headers with scope, every cell in full."""
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in table.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>" for v in row) + "</tr>"
        for row in table.itertuples(index=False)
    )
    return (f'<table class="{css_class}"><caption>{html.escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


def show_table(table: pd.DataFrame, caption: str) -> HTML:
    """Display a table in a notebook (return it as the last line of a cell)."""
    return HTML(f'<div class="table-wrapper">{table_html(table, caption)}</div>')
