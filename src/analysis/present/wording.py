"""How the book words changes and comparisons: one home for every phrasing.

Changes between two values:

* :func:`percent_change`: 'up 5.0%', 'down 42.2%', 'up about 5%', 'unchanged';
* :func:`figure_change`: between two of the partnership's figures, no finer than either;
* :func:`when`: 'on 31 March 2025' for a snapshot date, 'in 2024-25' for a year;
* :func:`points_change`: for percentages, 'up 1.5 percentage points';
* :func:`describe_change`: between two editions, 'up 412 (4.8%)' or in points;
* :func:`year_on_year_verdict`: a tested change, only as strong as the test allows;
* :func:`trend_chart_title`: a trend chart's headline: the level against England when
  that is the story, otherwise what the test says about the latest year;
* :func:`against_england`: 'about twice England's', 'below England's';
* :func:`national_gap`: 'The national figure is 8 percentage points higher'.

Comparisons with other areas:

* :func:`quartile_label`: 'best quartile' ... 'worst quartile', or lowest to highest;
* :func:`rank_wording`, :func:`not_ranked_wording`, :func:`rank_note`: a rank among
  local authorities and who was not ranked;
* :func:`benchmark_summary`: the rank and quartile in one sentence;
* :func:`england_comparison`: 'England 22.6%; second quartile of local authorities';
* :func:`neighbour_average_cell`, :func:`neighbour_minimum_sentence`: the neighbours'
  average and how many neighbours it is of.

Periods and reorganised authorities:

* :func:`latest_published_period`: '2022-23 (latest published)' for a figure older than the edition;
* :func:`joined_series_note`, :func:`series_start_note`: a trend across a reorganisation.

The comparisons themselves are computed in :mod:`analysis.stats.compare`; the functions
here take plain values, or its results by their attributes.
"""
from __future__ import annotations

from analysis.periods import period_label
from analysis.present.formatting import format_number, format_pair, format_statistic, format_value, ordinal
from analysis.rounding import round_half_up
from analysis.vocabulary import DOWN, NOT_COMPARABLE, POLARITIES, SAME, SYMBOLS, UP

# Quartile bands 1 to 4. Rank 1 is the best value unless neither direction is better,
# when it is the lowest.
QUARTILES = {
    "up_good": ("best quartile", "second quartile", "third quartile", "worst quartile"),
    "up_bad": ("best quartile", "second quartile", "third quartile", "worst quartile"),
    "neutral": ("lowest quartile", "second lowest quartile", "second highest quartile", "highest quartile"),
}
RANK_ORDER = {"up_good": "1 = highest, higher is better", "up_bad": "1 = lowest, lower is better",
              "neutral": "1 = lowest"}
# A change smaller than this share of the earlier figure "rose slightly" or "fell slightly".
SLIGHT_CHANGE = 0.05
# A chart's headline leads with the level against England when the area's figure is at
# least this share above or below England's; otherwise with the change on the year.
LEVEL_STORY = 0.25


def when(period: str) -> str:
    """A period after a figure: 'on 31 March 2025' for a snapshot date, 'in 2024-25' for a year."""
    text = str(period)
    return f"on {text}" if text[:1].isdigit() and " " in text else f"in {text}"


def continued_sentence(start: str, rest: str) -> str:
    """One sentence from a heading and the words that continue it: ('Address disproportionality',
    'In safeguarding responses.') -> 'Address disproportionality in safeguarding responses.'
    An acronym at the start of the continuation ('SEND') keeps its capitals."""
    start, rest = str(start).strip(), str(rest).strip()
    if not rest:
        return start
    first_word = rest.split()[0]
    if not (len(first_word) > 1 and first_word.isupper()):
        rest = rest[0].lower() + rest[1:]
    # 'including ...' adds to the whole heading, so it follows a comma.
    joiner = ", " if first_word.lower() == "including" else " "
    return f"{start}{joiner}{rest}"


def direction(difference: float, up: str = "up", down: str = "down", same: str = "unchanged") -> str:
    """The word for the sign of a difference."""
    return up if difference > 0 else down if difference < 0 else same


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


# --------------------------------------------------------------------------------------
# Changes between two values
# --------------------------------------------------------------------------------------
def percent_change(old: float, new: float, decimals: int = 1, approximate: bool = False) -> str:
    """Plain-English percentage change: 'up 5.0%' / 'down 42.2%' / 'unchanged'.

    ``approximate``: either figure is rounded or worked out from a rounded figure, so the
    change is 'about' and in whole percentages ('up about 5%'), never finer than its inputs.
    """
    if old == 0:
        return "not comparable (previous value was zero)"
    change = (new - old) / old * 100
    if approximate:
        decimals = 0
    if round_half_up(change, decimals) == 0:
        return "unchanged"
    about = "about " if approximate else ""
    return f"{direction(change)} {about}{format_number(abs(change), decimals)}%"


def figure_change(earlier, later) -> str:
    """The change between two of the partnership's figures (anything with ``value``, ``unit``,
    ``decimals``, ``qualifier`` and ``is_derived``), never finer than the figures themselves:
    a percentage moves in points at the fewer decimals of the two ('up 3 percentage points');
    other figures by a percentage, 'about' and whole when either figure is approximate or
    derived ('up about 5%')."""
    if later.unit == "percentage":
        return points_change(earlier.value, later.value, min(earlier.decimals, later.decimals))
    approximate = any(f.qualifier or f.is_derived for f in (earlier, later))
    return percent_change(earlier.value, later.value, approximate=approximate)


def _points(size: str) -> str:
    return f"{size} percentage point{'' if size == '1' else 's'}"


def points_change(old: float, new: float, decimals: int = 1) -> str:
    """A change in a percentage, in percentage points: 'up 1.5 percentage points'."""
    difference = new - old
    if round_half_up(abs(difference), decimals) == 0:
        return "unchanged"
    return f"{direction(difference)} {_points(format_number(abs(difference), decimals))}"


def describe_change(old_value: float, new_value: float, unit: str, decimals: int) -> str:
    """How an indicator moved between two editions, in words.

    Percentages (and percentage changes) move in percentage points; counts and rates by
    the difference and the percentage change ('up 412 (4.8%)').
    """
    if unit in ("percentage", "percentage_change"):
        return points_change(old_value, new_value, decimals)
    difference = new_value - old_value
    if round_half_up(abs(difference), decimals) == 0:
        return "unchanged"
    relative = percent_change(old_value, new_value)
    size = format_number(abs(difference), decimals)
    if relative.startswith(("up ", "down ")):
        return f"{direction(difference)} {size} ({relative.split(' ', 1)[1]})"
    return f"{direction(difference)} {size}"


def national_gap(gap: float, unit: str, decimals: int) -> str:
    """A national figure against the report's (gap = national - report's), at ``decimals``:
    'The national figure is 8 percentage points higher', '... is 4 lower', 'The same value'."""
    if round_half_up(gap, decimals) == 0:
        return "The same value"
    size = format_number(abs(gap), decimals)
    amount = _points(size) if unit == "percentage" else size
    return f"The national figure is {amount} {direction(gap, 'higher', 'lower')}"


# --------------------------------------------------------------------------------------
# A tested change between two years (a YearOnYear from analysis.stats.compare)
# --------------------------------------------------------------------------------------
def symbol_meaning(symbol: str) -> str:
    """What a DfE symbol means: 'c' -> 'suppressed to protect confidentiality (small number)'."""
    return SYMBOLS.get(symbol) or "not available"


def _not_comparable_verdict(change, subject: str) -> str:
    if change.missing_year is None:
        if subject:
            return (f"{subject} cannot be compared between the two years because a figure or its "
                    "denominator is not available")
        return "The two years cannot be compared because a figure or its denominator is not available"
    period = period_label(change.missing_year, change.period_type)
    if change.missing_symbol:
        return (f"The {period} figure is {symbol_meaning(change.missing_symbol)} ({change.missing_symbol}), "
                "so the two years cannot be compared")
    return f"No figure for {period}, so the two years cannot be compared"


def _moved(change) -> str:
    """'rose', 'fell', 'rose slightly' or 'fell slightly': a change the test does not call real."""
    return ("rose" if change.direction == UP else "fell") + (
        " slightly" if abs(change.relative_change) < SLIGHT_CHANGE else "")


def _shown_equal(change) -> bool:
    """Whether the two figures of a change are the same as shown (to its decimals)."""
    return round_half_up(change.shown_previous, change.decimals) == round_half_up(change.shown_current, change.decimals)


def _untested_verdict(change, lead: str, first: str, second: str) -> str:
    """A change with both figures but no test: it says why (an estimate is never tested)."""
    why = f"{getattr(change, 'not_tested', '') or 'no test'}: not tested for statistical significance"
    if _shown_equal(change):
        return _sentence(f"{lead}{'was ' if lead else ''}unchanged at {second} ({why})")
    return _sentence(f"{lead}{_moved(change)} from {first} to {second} ({why})")


def year_on_year_verdict(change, subject: str = "") -> str:
    """A change between two years in words only as strong as the statistics allow.

    ``change`` is a :class:`analysis.stats.compare.YearOnYear` (or anything with its
    attributes). The words come from the test, never from the rounding: only a
    significant change is said to have "increased" or "decreased" (even when the two
    figures round to the same as shown), with "an improvement" or "a deterioration" when
    the indicator has a better direction; a change the test does not find significant
    "stayed the same" when the two figures as shown are equal, and otherwise "rose" or
    "fell" within the range expected from year-to-year variation. A change with no test
    (an estimate) says why. ``subject`` names what changed ("Referrals").
    """
    if change.direction == NOT_COMPARABLE:
        return _sentence(_not_comparable_verdict(change, subject))
    first, second = format_pair(change.shown_previous, change.shown_current, change.unit, change.decimals)
    lead = f"{subject} " if subject else ""
    if change.test is None:
        return _untested_verdict(change, lead, first, second)
    level = format_value(change.test.confidence * 100, "percentage", 0)
    if change.significant and change.direction != SAME:
        verb = "increased" if change.direction == UP else "decreased"
        figures = f"although both years show as {second} once rounded" if _shown_equal(change) else \
            f"from {first} to {second}"
        verdict = f"{lead}{verb} {figures} (statistically significant at {level})"
        if change.assessment:
            verdict += "; an improvement" if change.assessment == "better" else "; a deterioration"
        return _sentence(verdict)
    if change.direction == SAME or _shown_equal(change):
        return _sentence(f"{lead}stayed the same ({second}); no statistically significant change at {level}")
    return _sentence(f"{lead}{_moved(change)} from {first} to {second}; the change is within the range expected "
                     f"from year-to-year variation (not statistically significant at {level})")


def against_england(area_value: float, england_value: float) -> str:
    """How the area's figure stands against England's, in words a reader can picture:
    'about twice England's', 'about 3 times England's', 'above England's', 'close to
    England's', 'below England's', 'about half England's', 'less than half England's'.

    'Close to' is within a quarter (:data:`LEVEL_STORY`) either way."""
    if england_value <= 0 or area_value < 0:
        raise ValueError(f"comparing with England needs positive figures; got {area_value!r} and {england_value!r}")
    ratio = area_value / england_value
    if ratio >= 1.75:
        times = round_half_up(ratio * 2) / 2
        return "about twice England's" if times == 2 else f"about {times:g} times England's"
    if ratio >= 1 + LEVEL_STORY:
        return "above England's"
    if ratio > 1 - LEVEL_STORY:
        return "close to England's"
    if ratio > 0.6:
        return "below England's"
    if ratio >= 0.4:
        return "about half England's"
    return "less than half England's"


def trend_chart_title(area_name: str, measure: str, period: str, change=None, *,
                      area_value: float | None = None, england_value: float | None = None,
                      unit: str = "", decimals: int | None = None) -> str:
    """A trend chart's headline: the most important thing the chart shows.

    When the area's latest figure is at least a quarter above or below England's, that is
    the story: '<area>: children looked after who went missing (%) was about twice
    England's in 2024-25 (22% against 11%)', adding a significant change on the year.
    Otherwise the headline says what the test on the year says: '... increased in 2024-25'
    only when significant, '... was within the range of normal year-to-year variation'
    when not ('the change in ... was within ...'), '..., 2024-25 against earlier years' without a test. ``change`` is a
    :class:`analysis.stats.compare.YearOnYear` (or None).
    """
    measure = measure[0].lower() + measure[1:]
    significant = None if change is None else change.significant
    moved = {UP: "increased", DOWN: "decreased"}.get(getattr(change, "direction", None), "")
    if (area_value is not None and england_value is not None and england_value > 0
            and abs(area_value / england_value - 1) >= LEVEL_STORY):
        figures = f"{format_value(area_value, unit, decimals)} against {format_value(england_value, unit, decimals)}"
        title = f"{area_name}: {measure} was {against_england(area_value, england_value)} {when(period)} ({figures})"
        return title + (f" and {moved} significantly on the year before" if significant and moved else "")
    if significant:
        return f"{area_name}: {measure} {moved or 'was the same as the year before'} {when(period)}"
    if significant is False:
        return f"{area_name}: the change in {measure} {when(period)} was within the range of normal year-to-year variation"
    return f"{area_name}: {measure}, {period} against earlier years"


# --------------------------------------------------------------------------------------
# Ranks and quartiles (a Benchmark from analysis.stats.compare)
# --------------------------------------------------------------------------------------
def quartile_label(band: int | None, polarity: str) -> str:
    """The quartile band in words: 1 -> 'best quartile' ... 4 -> 'worst quartile'; for a
    neutral indicator 'lowest quartile' ... 'highest quartile'; 'not ranked' without a band."""
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {', '.join(POLARITIES)}; got {polarity!r}")
    if band is None:
        return "not ranked"
    if band not in (1, 2, 3, 4):
        raise ValueError(f"a quartile band is 1, 2, 3 or 4; got {band!r}")
    return QUARTILES[polarity][band - 1]


def rank_wording(rank: int, ranked: int, polarity: str) -> str:
    """'104th of 153 local authorities with a published value (1 = lowest)'."""
    return f"{ordinal(rank)} of {ranked} local authorities with a published value ({RANK_ORDER[polarity]})"


def not_ranked_wording(count: int) -> str:
    """'2 authorities with a suppressed or unavailable value are not ranked'."""
    if count == 1:
        return "1 authority with a suppressed or unavailable value is not ranked"
    return f"{count} authorities with a suppressed or unavailable value are not ranked"


def rank_note(benchmark) -> str:
    """The area's rank, or why it has none, and how many authorities were not ranked.

    ``benchmark`` is a :class:`analysis.stats.compare.Benchmark` (or anything with its
    area_name, rank, ranked, polarity, symbol and not_ranked).
    """
    if benchmark.rank is None:
        note = f"{benchmark.area_name} is not ranked because its value is {symbol_meaning(benchmark.symbol)}"
    else:
        note = rank_wording(benchmark.rank, benchmark.ranked, benchmark.polarity)
    if benchmark.not_ranked:
        note += f"; {not_ranked_wording(len(benchmark.not_ranked))}"
    return note


def benchmark_summary(benchmark) -> str:
    """'In 2024-25, <area>'s figure was 18.3%: 70th of 153 local authorities with a published
    value (1 = lowest, lower is better), in the second quartile.'

    ``benchmark`` as for :func:`rank_note`, with its time_period, period_type, value,
    unit, decimals and quartile.
    """
    period = period_label(benchmark.time_period, benchmark.period_type)
    if benchmark.rank is None:
        return f"In {period}, {rank_note(benchmark)}."
    figure = format_statistic(benchmark.value, benchmark.unit, benchmark.symbol, benchmark.decimals)
    return (f"In {period}, {benchmark.area_name}'s figure was {figure}: "
            f"{rank_wording(benchmark.rank, benchmark.ranked, benchmark.polarity)}, "
            f"in the {quartile_label(benchmark.quartile, benchmark.polarity)}.")


def england_comparison(england_figure: str, band: int | None, polarity: str) -> str:
    """'England 22.6%; second quartile of local authorities' (the quartile only when ranked;
    'England not available' without an England figure)."""
    text = f"England {england_figure}" if england_figure else "England not available"
    if band is not None:
        text += f"; {quartile_label(band, polarity)} of local authorities"
    return text


# --------------------------------------------------------------------------------------
# Periods, neighbours and reorganised authorities
# --------------------------------------------------------------------------------------
def latest_published_period(label: str) -> str:
    """A period older than the edition's year, said beside its figure: '2022-23 (latest published)'."""
    return f"{label} (latest published)"


def neighbour_average_cell(figure: str, with_value: int, in_model: int, shown: bool) -> str:
    """The statistical neighbours' cell: '17.2 (average of 9 of 10)', or 'too few (3 of 10)'
    when too few neighbours have a value for their average to be shown."""
    if not shown:
        return f"too few ({with_value} of {in_model})"
    return f"{figure} (average of {with_value} of {in_model})"


def neighbour_minimum_sentence(minimum: int) -> str:
    """Why a neighbours' average is sometimes not shown."""
    return (f"The neighbours' average is shown only when at least {minimum} of them have a published figure; "
            "otherwise the table says how many had one.")


def _long_date(day) -> str:
    return f"{day.day} {day:%B %Y}"


def joined_series_note(old_name: str, old_code: str, changed_on, dfe_code: str) -> str:
    """A trend joined across a reorganisation: 'Before 1 April 2023: <old name> (<old code>),
    the authority replaced on that date, published by DfE under the same authority code 815.'"""
    return (f"Before {_long_date(changed_on)}: {old_name} ({old_code}), the authority replaced on that date, "
            f"published by DfE under the same authority code {dfe_code}.")


def series_start_note(area_name: str, old_name: str, old_code: str, changed_on, first_period: str,
                      in_part: bool = True) -> str:
    """A trend that cannot be joined to its predecessor's: '<area> replaced part of <old name>
    (<old code>) on 1 April 2023; <old name>'s figures cover a different area, so the series starts
    at 31 March 2024, the first figure published for <area>.' (``in_part``: the predecessor was
    split between several successors.)"""
    replaced = "replaced part of" if in_part else "replaced"
    return (f"{area_name} {replaced} {old_name} ({old_code}) on {_long_date(changed_on)}; {old_name}'s "
            f"figures cover a different area, so the series starts at {first_period}, the first figure "
            f"published for {area_name}.")
