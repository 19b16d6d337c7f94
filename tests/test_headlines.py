from analysis.headlines import change_headline, funnel_headline, share_headline, share_word


def test_share_words():
    assert [share_word(v) for v in (99, 85, 50, 20)] == ["Nearly all", "Most", "About half", "A minority"]
    assert share_headline([85, 89, 78], "children looked after meet each measure") == "Most children looked after meet each measure"


def test_change_headline_follows_the_data():
    assert change_headline("Referrals", 8174, 8583) == "Referrals rose on the previous period"
    assert change_headline("Victims", 45, 26) == "Victims fell on the previous period"
    assert change_headline("Victims", 26, 26) == "Victims were unchanged on the previous period"


def test_funnel_headline():
    assert funnel_headline([6, 5, 1], ["notifications", "rapid reviews", "new practice review"]) == \
        "6 notifications led to 5 rapid reviews and 1 new practice review"
