"""The words that state a finding: chart headlines and the claims in the prose ('Most episodes',
'Fewer children ... than in previous years', 'up from 70% in 2023-24').

Each is written from the figures it is about, so a new year's figures cannot leave an old claim
behind, and where the figures cannot support a direction the words say so. The functions take
plain values (numbers, periods, formatted texts); `analysis.pages.page` glues their words into
the prose and registers the figures behind them.
"""
from __future__ import annotations

import math
import re

from analysis.rounding import round_half_up

# How the words for a share are chosen, for the register of figures.
SHARE_RULE = ("all at 100%, nearly all from 90%, most above 55%, about half from 45%, "
              "a minority above 0%, none at 0%")
NO_EARLIER_FIGURE = "with no earlier figure to compare it with"
NOT_COMPARABLE = "so it cannot be compared with earlier years"


def sentence_case(text: str) -> str:
    """The text with its first letter in capitals: 'about 20%' -> 'About 20%'."""
    return text[:1].upper() + text[1:]


def mid_sentence(text: str) -> str:
    """A title as it reads mid-sentence: first letter in lower case unless the first word is an
    abbreviation ('Children aged 0 to 17' -> 'children aged 0 to 17', 'LCSPRs' stays)."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _share_words(percentage: float) -> tuple[str, str]:
    """A share in words, on its own and before a plural noun ('about half' but 'about half of')."""
    if percentage >= 100:
        return "all", "all"
    if percentage >= 90:
        return "nearly all", "nearly all"
    if percentage > 55:
        return "most", "most"
    if percentage >= 45:
        return "about half", "about half of"
    if percentage > 0:
        return "a minority", "a minority of"
    return "none", "no"


def share_of(percentage: float | None, group: str = "", *, sentence_start: bool = True) -> str:
    """How much of a group a percentage is: 'Most episodes', 'About half of episodes'.

    Without a group, the word on its own: 'All', 'Nearly all', 'Most', 'About half',
    'A minority', 'None' (mid-sentence, to go before 'of those who ...': 'most').
    A missing percentage is 'an unknown share' (of the group).
    """
    if percentage is None:
        alone, before_noun = "an unknown share", "an unknown share of"
    else:
        alone, before_noun = _share_words(percentage)
    words = f"{before_noun} {group}" if group else alone
    return sentence_case(words) if sentence_start else words


def counted(count: float, singular: str, plural: str | None = None) -> str:
    """'1 new practice review', '5 rapid reviews' (the plural is the singular plus 's' unless given)."""
    return f"{count:,.0f} {noun_for(count, singular, plural)}"


def noun_for(count: float | None, singular: str, plural: str | None = None) -> str:
    """The singular for exactly one, otherwise the plural (also for an unknown count)."""
    return singular if count == 1 else plural or singular + "s"


def funnel_headline(stages: list[float], names: list[str]) -> str:
    """'6 notifications led to 5 rapid reviews and 1 new practice review' from the counts and
    the singular name of each stage."""
    parts = [counted(value, name) for value, name in zip(stages, names)]
    return parts[0] + " led to " + " and ".join(parts[1:])


def article_for(text: str) -> str:
    """'a' or 'an' for a formatted figure as it is read aloud: 'a' 5% increase, 'an' 8% increase,
    'an' 11% decrease; no article ('') for text that does not start with a number ('no change')."""
    if not text[:1].isdigit():
        return ""
    # The number is read by its first group of digits: 'eight thousand ...', 'eleven ...', 'eighteen ...'.
    leading = re.match(r"\d+", text).group()
    return "an" if leading.startswith("8") or leading in ("11", "18") else "a"


def since_previous(latest: float | None, earlier: float | None, earlier_text: str = "",
                   earlier_period: str = "", decimals: int = 0) -> str:
    """How a figure compares with the one before it, to follow the figure in a sentence:
    'up from 70% in 2023-24', 'down from ...', 'the same as in 2023-24'.

    The two are the same when they agree to `decimals` places. Without an earlier figure:
    'with no earlier figure to compare it with'; without this one: 'so it cannot be compared
    with earlier years'.
    """
    if latest is None:
        return NOT_COMPARABLE
    if earlier is None:
        return NO_EARLIER_FIGURE
    difference = round_half_up(latest, decimals) - round_half_up(earlier, decimals)
    if difference == 0:
        return f"the same as in {earlier_period}"
    return f"{'up' if difference > 0 else 'down'} from {earlier_text} in {earlier_period}"


def longer_trend(periods: list[str], values: list[float]) -> str:
    """The direction of a whole series, oldest first, to follow 'the longer trend, ':
    'which has fallen every year since 2019', 'which has risen every year since 2019' or
    'which has not moved in one direction since 2019'. With fewer than three periods there is
    no longer trend to describe: 'for which the figures go back only to 2023'."""
    if not periods:
        return "for which there are no figures"
    if len(periods) < 3:
        return f"for which the figures go back only to {periods[0]}"
    steps = [later - earlier for earlier, later in zip(values, values[1:])]
    if all(step < 0 for step in steps):
        return f"which has fallen every year since {periods[0]}"
    if all(step > 0 for step in steps):
        return f"which has risen every year since {periods[0]}"
    return f"which has not moved in one direction since {periods[0]}"


def compared_with_earlier_years(values: list[float | None], subject: str) -> str:
    """A year's count against the years before it, oldest first: 'Fewer children became looked
    after than in previous years' (below each of at least the two years before), '... than in
    the previous year' (below the year before only), 'More ...', or 'As many ... as in the
    previous year'. `subject` is what was counted, as a plural noun and its verb.

    A missing value (or none for the latest or the previous year) ends the comparison: then
    'It is not known whether fewer or more ... than in earlier years'.
    """
    known = [None if value is None or (isinstance(value, float) and math.isnan(value)) else value
             for value in values]
    if len(known) < 2 or known[-1] is None or known[-2] is None:
        return f"It is not known whether fewer or more {subject} than in earlier years"
    latest = known[-1]
    if latest == known[-2]:
        return f"As many {subject} as in the previous year"
    fewer = latest < known[-2]
    run = 0
    for earlier in reversed(known[:-1]):
        if earlier is None or (latest < earlier) != fewer or latest == earlier:
            break
        run += 1
    than = "than in previous years" if run >= 2 else "than in the previous year"
    return f"{'Fewer' if fewer else 'More'} {subject} {than}"
