"""The front page's key findings: each figure, its change on the previous period, its section."""
from __future__ import annotations

import html
import pandas as pd

from analysis.inputs.catalogue import load_key_findings, load_sections
from analysis.pages.page import Page
from analysis.present.formatting import comparator_figures
from analysis.present.wording import england_comparison, percent_change, points_change, year_on_year_verdict
from analysis.stats import compare


def change_on_previous(page: Page, indicator_id: str) -> tuple[str, str]:
    """('up 5.0%', 'from about 8,174 in 2023-24') or ('', '') when there is no earlier value."""
    series = page.partnership.series(indicator_id)
    if len(series) < 2:
        return "", ""
    previous, latest = series[-2], series[-1]
    since = f"from {previous.text} in {previous.period}"
    if latest.unit == "percentage":  # a change in a share is in percentage points, not percent
        return points_change(previous.value, latest.value), since
    return percent_change(previous.value, latest.value), since


def _partnership_finding(page: Page, finding) -> dict:
    figure = page.glue_figure(f"key_{finding.indicator_id}", finding.indicator_id)
    change, since = change_on_previous(page, finding.indicator_id) if figure else ("", "")
    if change:
        page.glue_text(f"key_{finding.indicator_id}_change", f"{change} {since}", source_kind="derived",
                       source=f"change between the two periods of {finding.indicator_id} in the partnership figures",
                       indicator_id=finding.indicator_id)
    return {
        "Figure": figure.text if figure else "not supplied",
        "Period": figure.period if figure else "",
        "Change on the previous period": f"{change} {since}".strip() or "no earlier figure",
        "Compared with England": "no like-for-like national figure (see the reconciliation page)",
        "section": page.partnership.catalogue.at[finding.indicator_id, "section"],
    }


def _national_finding(page: Page, national, finding) -> dict:
    indicator = finding.indicator_id
    shown = national.glue_value(f"key_{indicator}", indicator)
    period = national.latest_period(indicator)
    if period is None:
        return {"Figure": shown, "Period": "", "Change on the previous period": "", "Compared with England": "",
                "section": national.catalogue.at[indicator, "section"]}
    change = compare.indicator_change(national.national, indicator, page.area_code, period, national.catalogue)
    verdict = year_on_year_verdict(change)
    result = compare.benchmark(national.national, national.neighbours, indicator, page.area_code, period,
                               national.catalogue)
    comparison = england_comparison(comparator_figures(result).get("england", ""), result.quartile, result.polarity)
    source = national.source(indicator, period)
    page.glue_text(f"key_{indicator}_change", verdict, source_kind="national", period=str(period),
                   source=f"{source}; compared with {period - 1}", indicator_id=indicator)
    page.glue_text(f"key_{indicator}_england", comparison, source_kind="national", period=str(period),
                   source=f"{national.extract}: {indicator}, E92000001 and all local authorities, {period}", indicator_id=indicator)
    return {"Figure": shown, "Period": national.period_label(indicator, period),
            "Change on the previous period": verdict, "Compared with England": comparison,
            "section": national.catalogue.at[indicator, "section"]}


def key_findings_table(page: Page) -> pd.DataFrame:
    """One row per key finding; each value is glued and registered on the page."""
    sections = load_sections(page.data_dir)
    national = page.national()
    rows = []
    for finding in load_key_findings(page.data_dir).itertuples():
        row = (_national_finding(page, national, finding) if finding.source == "national"
               else _partnership_finding(page, finding))
        section = row.pop("section")
        rows.append({"Finding": finding.headline, **row, "Section": sections.at[section, "title"],
                     "notebook": sections.at[section, "notebook"]})
    return pd.DataFrame(rows)


def key_findings_html(table: pd.DataFrame) -> str:
    """The key findings as an accessible table whose section names link to the sections."""
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in table.columns if c != "notebook")
    body = []
    for row in table.itertuples(index=False):
        cells = [
            f'<th scope="row">{html.escape(row.Finding)}</th>',
            f"<td>{html.escape(row.Figure)}</td>",
            f"<td>{html.escape(row.Period)}</td>",
            f"<td>{html.escape(row[3])}</td>",
            f"<td>{html.escape(row[4])}</td>",
            f'<td><a href="{row.notebook}.html">{html.escape(row.Section)}</a></td>',
        ]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="table key-findings"><caption>Key findings of this edition</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
