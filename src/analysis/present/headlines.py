"""Chart headlines that state the finding, written from the data so a new year's figures
cannot leave an old headline behind."""
from __future__ import annotations


def share_word(percentage: float) -> str:
    """'Nearly all' / 'Most' / 'About half' / 'A minority' for a percentage."""
    if percentage >= 90:
        return "Nearly all"
    if percentage > 55:
        return "Most"
    if percentage >= 45:
        return "About half"
    return "A minority"


def share_headline(values: list[float], subject: str) -> str:
    """Headline for several percentages of the same population, led by the smallest."""
    return f"{share_word(min(values))} {subject}"


def funnel_headline(stages: list[float], names: list[str]) -> str:
    """'6 notifications led to 5 rapid reviews and 1 new practice review' in words."""
    parts = [f"{stages[0]:,.0f} {names[0]}"] + [f"{value:,.0f} {name}" for value, name in zip(stages[1:], names[1:])]
    return parts[0] + " led to " + " and ".join(parts[1:])
