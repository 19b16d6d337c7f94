"""Every glued sentence and every table cell reads as written English, for any area.

Camden (with the partnership's figures), Islington and Kent (national statistics only) are
read page by page: each glued phrase (the numbers and sentences the code writes into the
prose) and each table cell, chart data tables included. The checks are the faults readers
found: a number that does not agree with its noun ('1 reviews', '1 authority ... are'),
doubled brackets, a date written as if it were a year ('in 31 March 2025'), a sentence that
starts in lower case, and a symbol's meaning that does not read after 'is'.
"""
import re

import pytest
from bs4 import BeautifulSoup

# Nouns the book counts. A count of one takes the singular; more than one, the plural.
NOUNS = ["review", "authority", "area", "measure", "figure", "notification", "episode", "referral",
         "victim", "plan", "indicator", "practice review", "rapid review", "local authority"]
PLURALS = {noun: noun[:-1] + "ies" if noun.endswith("y") else noun + "s" for noun in NOUNS + ["year"]}
# Up to two describing words may come between the number and its noun ('1 new practice review');
# a preposition ends the phrase ('1 of 153 local authorities' is right).
BETWEEN = r"(?:(?!(?:of|in|per|to|from|and|or|than|on|at)\b)[a-z-]+ ){0,2}"
ONE_WITH_PLURAL = re.compile(rf"(?<![\d.,])\b1 {BETWEEN}(?:{'|'.join(PLURALS.values())})\b")
MANY_WITH_SINGULAR = re.compile(rf"(?<![\d.,])\b(?:[02-9]|[1-9][\d,]*\d) {BETWEEN}(?:{'|'.join(NOUNS)})\b(?![a-z'-])")
# '1 authority with no published value are ...': the verb may come a few words later.
ONE_WITH_ARE = re.compile(rf"(?<![\d.,])\b1 {BETWEEN}(?:authority|area|review|measure|figure)\b"
                          r"(?:(?!\b(?:is|was|and)\b)[a-z ,-]){0,50}\b(?:are|were)\b")
# Brackets in brackets in prose; a formula's '4n²))' is not prose.
DOUBLED_BRACKETS = re.compile(r"\(\(|[A-Za-z]\)\)")
DATE_AS_YEAR = re.compile(r"\b(?:in|of|during) \d{1,2} (?:January|February|March|April|May|June|July|August|"
                          r"September|October|November|December) \d{4}")
SYMBOL_AS_VERB = re.compile(r"\bis (?:rounds|low reliability)\b")


def _phrases(html_dir) -> list[tuple[str, str]]:
    """(page, text) for every glued phrase and every table cell of every page."""
    phrases = []
    for path in sorted(html_dir.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        for hidden in soup.select("div.cell_input, script, style"):
            hidden.decompose()
        page = path.relative_to(html_dir).as_posix()
        for element in soup.select("span.pasted-text, td, th, caption, p"):
            text = " ".join(element.get_text(" ").split())
            if text:
                phrases.append((page, text))
    return phrases


def faults(text: str) -> list[str]:
    """What is wrong with one phrase's English (empty when nothing is)."""
    found = []
    for name, pattern in (("number and noun disagree", ONE_WITH_PLURAL),
                          ("number and noun disagree", MANY_WITH_SINGULAR),
                          ("one ... are", ONE_WITH_ARE), ("doubled brackets", DOUBLED_BRACKETS),
                          ("a date written as a year", DATE_AS_YEAR), ("a symbol read as a verb", SYMBOL_AS_VERB)):
        match = pattern.search(text)
        if match:
            found.append(f"{name}: '{match.group(0)}'")
    return found


def _sentence_starts_in_lower_case(page_text: str) -> list[str]:
    """Sentences (after '. ') that start with a lower-case letter."""
    return [match.group(0) for match in re.finditer(r"(?<=[a-z\d%)]\. )[a-z]\w*", page_text)]


def test_the_checks_catch_the_faults_readers_found():
    # Each fault as it once appeared in the book, and its correction.
    assert faults("1 new practice reviews") and not faults("1 new practice review")
    assert faults("1 authority with no published value are not ranked") and not faults("1 authority is not ranked")
    assert faults("2 review") and not faults("2 reviews") and not faults("59th of 153 local authorities")
    assert faults("2024-25 (financial year (1 April to 31 March))")
    assert faults("42.8 per 10,000 children in 31 March 2025") and not faults("42.8 per 10,000 children on 31 March 2025")
    assert faults("The 2024 figure is rounds to zero but is not zero")
    assert _sentence_starts_in_lower_case("Referrals rose. for children, it helped.") == ["for"]
    assert _sentence_starts_in_lower_case("Rates rose by 5.0 per cent. The rest fell.") == []


@pytest.mark.parametrize("edition", ["camden_edition", "islington_edition", "kent_edition"])
def test_every_glued_phrase_and_table_cell_is_plain_english(edition, request):
    html_dir = request.getfixturevalue(edition).html_dir
    problems = [f"{page}: {problem} in '{text[:120]}'"
                for page, text in _phrases(html_dir) for problem in faults(text)]
    problems += [f"{page}: a sentence starts in lower case: '{word}'"
                 for page, text in _phrases(html_dir) for word in _sentence_starts_in_lower_case(text)]
    assert not problems, "\n".join(sorted(set(problems)))
