"""The front page: a summary written from the data, headline tiles, where the area stands out
(chosen by a stated rule), and the inspection outcomes from the partnership's lists.

The headline measures are listed in data/reference/key_findings.csv: the partnership's own
volume figures (shown only when the area has partnership figures) and the national measures
every partnership reports (referrals, re-referrals, child protection, children looked after).
Where the area stands out is not chosen by hand: see `STAND_OUT_RULE` and `stand_out`.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML

from analysis.config import display_path
from analysis.inputs.catalogue import load_key_findings, load_sections
from analysis.pages.page import Page
from analysis.present.formatting import comparator_figures, format_value, ordinal
from analysis.present.spreadsheets import TableData
from analysis.present.tables import WithDownload, table_html, together
from analysis.present.wording import (
    england_comparison, figure_change, quartile_label, year_on_year_verdict,
)
from analysis.stats import compare
from analysis.stats.frame_cache import rows_of
from analysis.vocabulary import NOT_COMPARABLE, SAME, UP

BEST, WORST = quartile_label(1, "up_good"), quartile_label(4, "up_good")  # the one quartile wording
STAND_OUT_LIMIT = 5  # at most this many measures in each of the best and worst lists
STAND_OUT_RULE = (
    "Every national measure in this book where a higher or a lower figure is better, and for which {area} "
    "has a published value for {period}, is ranked among all local authorities in England. The measures "
    "in the {best} are listed best first, and those in the {worst} worst first, at most {limit} "
    "of each, by the area's position in the ranking (its rank divided by the number of authorities ranked; "
    "measures in the same position are listed alphabetically). Measures with no better direction, such as "
    "the number of referrals, are not ranked as better or worse, and a measure with no published value for "
    "{area} in {period} (suppressed, or latest published for an earlier year) is not included."
)


# --------------------------------------------------------------------------------------
# Where the area stands out: the rule
# --------------------------------------------------------------------------------------
RANKED_COLUMNS = ["indicator_id", "title", "section", "polarity", "unit", "value", "decimals",
                  "rank", "ranked", "position", "quartile"]


def ranked_measures(national: pd.DataFrame, catalogue: pd.DataFrame, area_code: str,
                    time_period: int) -> pd.DataFrame:
    """Every measure with a better direction (polarity up_good or up_bad) for which the area has
    a published value in `time_period`, with its rank among local authorities (1 = best, ties
    share the better rank), the number ranked, its position (rank / ranked) and quartile band."""
    rows = []
    for meta in catalogue.itertuples(index=False):
        if meta.polarity == "neutral":
            continue
        indicator = rows_of(national, "indicator_id", meta.indicator_id)
        year = indicator[(indicator["time_period"] == int(time_period))
                         & (indicator["geographic_level"] == "Local authority")]
        published = year[year["value"].notna()].set_index("area_code")
        if area_code not in published.index:
            continue  # suppressed, not published or not reported: not eligible
        ranks = compare.rank_values(published["value"], meta.polarity)
        rank, ranked = int(ranks[area_code]), len(ranks)
        rows.append({"indicator_id": meta.indicator_id, "title": meta.title, "section": meta.section,
                     "polarity": meta.polarity, "unit": meta.unit,
                     "value": float(published.at[area_code, "value"]),
                     "decimals": int(published.at[area_code, "decimals"]) if "decimals" in published else None,
                     "rank": rank, "ranked": ranked, "position": rank / ranked,
                     "quartile": compare.quartile_band(rank, ranked)})
    return pd.DataFrame(rows, columns=RANKED_COLUMNS)


def stand_out(ranked: pd.DataFrame, limit: int = STAND_OUT_LIMIT) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(best, worst): the measures in the best quartile, best position first, and those in the
    worst quartile, worst position first; at most `limit` of each; equal positions by title."""
    best = ranked[ranked["quartile"] == 1].sort_values(["position", "title"])
    worst = ranked[ranked["quartile"] == 4].sort_values(["position", "title"], ascending=[False, True])
    return best.head(limit).reset_index(drop=True), worst.head(limit).reset_index(drop=True)


def _measures(count: int) -> str:
    return f"{count} measure" if count == 1 else f"{count} measures"


def stand_out_sentence(area: str, period: str, eligible: int, best: int, worst: int) -> str:
    """The summary's sentence on how many measures place the area in the best and worst quarter."""
    if eligible == 0:
        return (f"None of the national measures with a better direction has a published value for {area} "
                f"in {period}, so {area} is not ranked against other local authorities on this page.")
    verb = "places" if best == 1 else "place"
    have = "has" if eligible == 1 else "have"
    return (f"Of the {_measures(eligible)} with a better direction that {have} a published value for {area} "
            f"in {period}, {best} {verb} {area} in the {BEST} of local authorities in England and "
            f"{worst} in the {WORST}.")


# --------------------------------------------------------------------------------------
# Headline tiles
# --------------------------------------------------------------------------------------
@dataclass
class Tile:
    """One headline measure as a tile: every text in it is registered on the page."""

    indicator_id: str
    heading: str
    figure: str
    period: str
    change: str  # the change on the previous period, in words
    verdict: str  # whether the change is real: the year-on-year test, or why there is none
    badge: str  # the verdict in two or three words ('Significant increase', 'No significant change')
    comparison: str  # with England, when like for like; '' when there is no like-for-like figure
    section: str
    notebook: str
    trend: list  # (period label, value) oldest first, for the sparkline
    unit: str
    decimals: int | None = None  # the decimals the source gives, for the sparkline's text


PARTNERSHIP_NOT_TESTED = ("Not tested: no national figures show how much the partnership's own counts vary from "
                          "year to year, so a test could not tell a real change from normal variation")


def badge_for(direction: str, significant: bool | None) -> str:
    """The verdict of a year-on-year test in a few words, so it needs no colour to be read."""
    if direction == NOT_COMPARABLE or significant is None:
        return "Not tested"
    if direction == SAME:
        return "No change"
    if significant:
        return "Significant increase" if direction == UP else "Significant decrease"
    return "No significant change"


def _partnership_tile(page: Page, finding, sections: pd.DataFrame) -> Tile:
    indicator = finding.indicator_id
    figure = page.glue_figure(f"key_{indicator}", indicator)
    series = page.partnership.series(indicator)
    change, verdict, badge = "no earlier figure", "No earlier figure to compare with", "Not tested"
    if figure and len(series) >= 2:
        previous, latest = series[-2], series[-1]
        moved = figure_change(previous, latest)  # never finer than the two figures
        change = page.glue_text(f"key_{indicator}_change", f"{moved} from {previous.text} in {previous.period}",
                                source_kind="derived", indicator_id=indicator,
                                source=f"change between the two periods of {indicator} in the partnership figures")
        # The national measures vary between years far more than a plain Poisson test allows
        # (analysis.stats.dispersion), and nothing measures how much a partnership's own counts do:
        # a test could call normal variation a real change, so none is made.
        if previous.qualifier or latest.qualifier:
            verdict = "Not tested: a figure is approximate"
        else:
            verdict = PARTNERSHIP_NOT_TESTED
        page.glue_text(f"key_{indicator}_verdict", verdict, source_kind="derived", indicator_id=indicator,
                       source=f"analysis.pages.findings: the partnership's own figures for {previous.period} and "
                              f"{latest.period} are compared, not tested")
    section = page.partnership.catalogue.at[indicator, "section"]
    # An approximate figure ('about 8,174') cannot be drawn or described as an exact point.
    trend = [] if any(f.qualifier for f in series) else [(f.period, f.value) for f in series]
    return Tile(indicator, finding.headline, figure.text if figure else "not supplied",
                figure.period if figure else "", change, verdict, badge, "", sections.at[section, "title"],
                sections.at[section, "notebook"], trend, figure.unit if figure else "",
                max((f.decimals for f in series), default=0))


def _national_tile(page: Page, national, finding, sections: pd.DataFrame) -> Tile:
    indicator = finding.indicator_id
    meta = national.catalogue.loc[indicator]
    section = sections.loc[meta["section"]]
    shown = national.glue_value(f"key_{indicator}", indicator)
    period = national.latest_period(indicator)
    if period is None:
        return Tile(indicator, finding.headline, shown, "", "", "No published figure", "Not tested", "",
                    section["title"], section["notebook"], [], meta["unit"])
    change = national.change(indicator, period)
    verdict = year_on_year_verdict(change)
    result = compare.benchmark(national.national, national.neighbours, indicator, page.area_code, period,
                               national.catalogue)
    comparison = england_comparison(comparator_figures(result).get("england", ""), result.quartile, result.polarity)
    source = national.source(indicator, period)
    page.glue_text(f"key_{indicator}_change", verdict, source_kind="national", period=str(period),
                   source=f"{source}; compared with {period - 1}", indicator_id=indicator)
    page.glue_text(f"key_{indicator}_england", comparison, source_kind="national", period=str(period),
                   source=f"{national.extract}: {indicator}, E92000001 and all local authorities, {period}",
                   indicator_id=indicator)
    history = compare.trend(national.national, indicator, page.area_code, national.catalogue)
    trend = [(row.period, row.value) for row in history.itertuples() if row.time_period <= period]
    return Tile(indicator, finding.headline, shown, national.period_text(indicator, period), verdict, verdict,
                badge_for(change.direction, change.significant), comparison, section["title"],
                section["notebook"], trend, meta["unit"], int(history["decimals"].max()))


def headline_tiles(page: Page) -> list[Tile]:
    """The headline measures of data/reference/key_findings.csv as tiles, in their order; the
    partnership's own only when the area has partnership figures for the year."""
    sections = load_sections(page.data_dir)
    national = page.national()
    tiles = []
    for finding in load_key_findings(page.data_dir).itertuples():
        if finding.source == "national":
            if national.available:
                tiles.append(_national_tile(page, national, finding, sections))
        elif page.partnership.available:
            tiles.append(_partnership_tile(page, finding, sections))
    for tile in tiles:
        if len([v for _, v in tile.trend if pd.notna(v)]) >= 2:
            page.glue_text(f"key_{tile.indicator_id}_trend",
                           sparkline_description(tile.trend, tile.unit, tile.decimals),
                           source_kind="derived", indicator_id=tile.indicator_id,
                           source=f"every published period of {tile.indicator_id} up to the edition's")
    return tiles


def key_findings_table(page: Page) -> pd.DataFrame:
    """The headline tiles as a table, one row per measure (each value glued and registered)."""
    return pd.DataFrame([{
        "Finding": t.heading, "Figure": t.figure, "Period": t.period, "Change on the previous period": t.change,
        "Is the change real": t.verdict, "Compared with England": t.comparison or "no like-for-like national figure",
        "Section": t.section, "notebook": t.notebook,
    } for t in headline_tiles(page)])


# --------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------
def sparkline_description(trend: list, unit: str, decimals: int | None = None) -> str:
    """The sparkline's alternative text: its span, lowest, highest and latest values, written
    with the decimals the source gives (the unit's default when None)."""
    points = [(label, value) for label, value in trend if pd.notna(value)]
    low = min(points, key=lambda p: p[1])
    high = max(points, key=lambda p: p[1])

    def shown(point):
        return f"{format_value(point[1], unit, decimals)} ({point[0]})"

    return (f"Trend line from {points[0][0]} to {points[-1][0]}: lowest {shown(low)}, highest {shown(high)}, "
            f"latest {shown(points[-1])}.")


def sparkline_svg(trend: list, unit: str, decimals: int | None = None, width: int = 120, height: int = 32) -> str:
    """A small inline SVG line of the values, oldest on the left, latest marked with a dot;
    its title is the alternative text. '' with fewer than two values."""
    points = [(label, value) for label, value in trend if pd.notna(value)]
    if len(points) < 2:
        return ""
    values = [value for _, value in points]
    low, high = min(values), max(values)
    span = (high - low) or 1.0  # a flat line sits in the middle
    pad = 3

    def xy(i: int, value: float) -> tuple[float, float]:
        x = pad + i * (width - 2 * pad) / (len(points) - 1)
        y = height / 2 if high == low else pad + (high - value) * (height - 2 * pad) / span
        return round(x, 1), round(y, 1)

    coordinates = [xy(i, v) for i, v in enumerate(values)]
    line = " ".join(f"{x},{y}" for x, y in coordinates)
    last_x, last_y = coordinates[-1]
    description = html.escape(sparkline_description(trend, unit, decimals))
    return (f'<svg class="analysis-sparkline" role="img" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" aria-label="{description}" focusable="false">'
            f"<title>{description}</title>"
            f'<polyline points="{line}" fill="none" stroke="#12436D" stroke-width="2" />'
            f'<circle cx="{last_x}" cy="{last_y}" r="3" fill="#12436D" /></svg>')


RATE_UNIT = " per 10,000 children"


def figure_with_unit_html(figure: str) -> str:
    """A tile's figure, large, with a long unit set smaller under it ('42.8' above 'per 10,000
    children'), so that the number is what the eye finds."""
    if figure.endswith(RATE_UNIT):
        number = figure[: -len(RATE_UNIT)]
        return f'{html.escape(number)} <span class="analysis-tile-unit">{html.escape(RATE_UNIT.strip())}</span>'
    return html.escape(figure)


def tile_html(tile: Tile) -> str:
    """One tile: heading, figure and period, the test verdict in words, the comparison, the trend."""
    parts = [
        # The heading's colour is set here as well as in the stylesheet: the theme's dark mode would
        # otherwise give it light text on the tile's white panel.
        f'<h3 class="analysis-tile-heading" style="color: #0b0c0c">{html.escape(tile.heading)}</h3>',
        f'<p class="analysis-tile-figure">{figure_with_unit_html(tile.figure)}</p>',
        f'<p class="analysis-tile-period">{html.escape(tile.period)}</p>' if tile.period else "",
        f'<p class="analysis-tile-badge">{html.escape(tile.badge)}</p>',
    ]
    if tile.change and tile.change not in (tile.verdict, "no earlier figure"):  # the verdict says so already
        parts.append(f'<p class="analysis-tile-change">Change: {html.escape(tile.change)}</p>')
    parts.append(f'<p class="analysis-tile-verdict">{html.escape(tile.verdict)}</p>')
    if tile.comparison:
        parts.append(f'<p class="analysis-tile-comparison">{html.escape(tile.comparison)}</p>')
    parts.append(sparkline_svg(tile.trend, tile.unit, tile.decimals))
    parts.append(f'<p class="analysis-tile-link"><a href="{html.escape(tile.notebook)}.html">'
                 f"{html.escape(tile.section)}</a></p>")
    return f'<section class="analysis-tile" id="tile-{html.escape(tile.indicator_id)}">{"".join(parts)}</section>'


def tiles_html(tiles: list[Tile]) -> str:
    """Every tile in a grid (one column on a phone)."""
    return f'<div class="analysis-tiles">{"".join(tile_html(t) for t in tiles)}</div>'


# --------------------------------------------------------------------------------------
# The front page's parts, glued and registered
# --------------------------------------------------------------------------------------
def stand_out_tables(page: Page, sentence_name: str, rule_name: str) -> WithDownload:
    """The best and worst lists as two tables, each with its spreadsheet, every figure in them
    registered; the summary's sentence and the rule glued under the names given. A partnership
    over several authorities is not ranked as a whole (DfE publishes no figure for it): each
    authority gets its lists."""
    national = page.national()
    period = national.time_period
    label = page.year  # the measures ranked are for the year ending 31 March of the edition, or that day
    area = national.area_name
    ranked_areas = national.authorities or {page.area_code: area}
    source = f"{national.extract}: every measure with a better direction, all local authorities, {period}"
    rule_area = f"an authority of {area}" if national.authorities else area
    page.glue_text(rule_name, STAND_OUT_RULE.format(area=rule_area, period=label, limit=STAND_OUT_LIMIT, best=BEST,
                                                    worst=WORST),
                   source_kind="derived", period=str(period), source=f"analysis.pages.findings.stand_out; {source}")
    sentences, parts = [], []
    for code, name in ranked_areas.items():
        ranked = ranked_measures(national.national, national.catalogue, code, period)
        sentences.append(stand_out_sentence(name, label, len(ranked), (ranked["quartile"] == 1).sum(),
                                            (ranked["quartile"] == 4).sum()))
        prefix = f"standout_{code}_" if national.authorities else "standout_"
        parts += _stand_out_lists(page, national, code, name, ranked, prefix, source)
    if national.authorities:
        sentences.insert(0, f"{area} as a whole is not ranked: DfE publishes figures for each of its "
                            f"{len(ranked_areas)} local authorities, and each is ranked among all local authorities "
                            "in England.")
    page.glue_text(sentence_name, " ".join(sentences), source_kind="derived", period=str(period), source=source)
    return together(parts)


def _stand_out_lists(page: Page, national, code: str, area: str, ranked: pd.DataFrame, prefix: str,
                     source: str) -> list[HTML]:
    """The best and worst lists of one authority (or area), each table with its spreadsheet."""
    period = national.time_period
    best, worst = stand_out(ranked)
    parts = []
    for name, chosen in (("best", best), ("worst", worst)):
        caption = f"Measures in which {area} is in the {quartile_label(1 if name == 'best' else 4, 'up_good')} of local authorities"
        anchor = f"standout-{name}" if code == page.area_code else f"standout-{code}-{name}"
        if chosen.empty:
            parts.append(HTML(f'<p class="analysis-standout-none" id="{anchor}">{html.escape(caption)}: none.</p>'))
            continue
        rows = []
        for measure in chosen.itertuples():
            result = compare.benchmark(national.national, national.neighbours, measure.indicator_id, code,
                                       period, national.catalogue)
            figures = comparator_figures(result)
            where = (national.source(measure.indicator_id, period) if code == page.area_code else
                     f"{national.extract}: {measure.indicator_id}, {code}, {period} "
                     f"(from {national.catalogue.at[measure.indicator_id, 'source_file']})")
            value = page.glue_text(f"{prefix}{measure.indicator_id}", figures["area"], raw_value=measure.value,
                                   unit=measure.unit, period=str(period), source_kind="national",
                                   source=where, indicator_id=measure.indicator_id)
            rank = page.glue_text(f"{prefix}{measure.indicator_id}_rank",
                                  f"{ordinal(measure.rank)} of {measure.ranked}",
                                  raw_value=measure.rank, period=str(period), source_kind="derived",
                                  source=source, indicator_id=measure.indicator_id)
            england = page.glue_text(f"{prefix}{measure.indicator_id}_england",
                                     figures.get("england", "not available"),
                                     period=str(period), source_kind="national", indicator_id=measure.indicator_id,
                                     source=f"{national.extract}: {measure.indicator_id}, E92000001, {period}")
            rows.append({"Measure": measure.title, area: value, "England": england, "Rank": rank})
        table, title = pd.DataFrame(rows), f"{caption} (rank 1 = best)"
        link = page.spreadsheet(TableData(table, title, source), anchor)
        parts.append(WithDownload(f'<div id="{anchor}">{table_html(table, title, "table analysis-standout")}</div>',
                                  link))
    return parts


def tiles_sentence(tiles: list[Tile]) -> str:
    """The summary's sentence on how many headline measures changed significantly."""
    if not tiles:
        return "There are no headline measures for this area."
    significant = sum(t.badge.startswith("Significant") for t in tiles)
    within = sum(t.badge in ("No significant change", "No change") for t in tiles)
    untested = len(tiles) - significant - within
    return (f"Of the {_measures(len(tiles))} in the headlines below, {significant} changed significantly on the "
            f"period before, {within} changed no more than year-to-year variation would explain and "
            f"{untested} could not be tested.")


def glue_tiles_summary(page: Page, tiles: list[Tile], name: str) -> None:
    """Glue, under ``name``, the sentence counting the tiles' verdicts."""
    page.glue_text(name, tiles_sentence(tiles), source_kind="derived",
                   source="the year-on-year verdict of each headline measure on this page")


def inspection_findings(page: Page, area: str, summary_name: str) -> str:
    """The inspection outcomes from the partnership's lists, each registered, as a list; the
    first glued under ``summary_name`` for the summary paragraph."""
    items = page.partnership.items("inspections")
    where = f"{display_path(page.partnership.folder / 'lists.csv')}, list inspections"
    if items.empty:
        page.glue_text(summary_name, f"The partnership's own figures and lists for {page.year} are not "
                       f"available for {area}, so this page shows national statistics only.",
                       source_kind="not supplied", source=f"no rows in {where}")
        return (f"<p>The partnership's lists of inspection outcomes for {html.escape(page.year)} are not "
                "available for this area.</p>")
    entries = []
    for item in items.itertuples():
        text = f"{item.item}: {item.detail}" if item.detail else item.item
        page.glue_text(f"inspection_{item.position}", text, source_kind="partnership",
                       source=f"{where}, position {item.position}: \u201c{item.source_quote}\u201d")
        entries.append(f'<li><strong>{html.escape(item.item)}</strong>'
                       + (f": {html.escape(item.detail)}" if item.detail else "") + "</li>")
    first = items.iloc[0]
    summary = f"{first['item']} \u2014 {first['detail']}." if first["detail"] else f"{first['item']}."
    page.glue_text(summary_name, summary,
                   source_kind="partnership", source=f"{where}, position {first['position']}")
    return f'<ul class="analysis-inspections">{"".join(entries)}</ul>'
