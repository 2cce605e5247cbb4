"""Statistics against values worked out by hand."""
import pandas as pd
import pytest

from scripts import stats as st
from scripts.load import load


def test_months_in_period_counts_both_ends():
    assert st.months_in_period("2020-04", "2023-03") == 36   # Apr 2020..Mar 2023
    assert st.months_in_period("2020-05", "2022-09") == 29
    assert st.months_in_period("2020-04", "2021-11") == 20   # Byline Times says "20 months"
    assert st.months_in_period("2021-01", "2021-01") == 1


def test_months_need_a_month():
    with pytest.raises(ValueError):
        st.months_in_period("2020", "2022")


def test_days_in_period_uses_calendar_months():
    # 1 Apr 2020 .. 31 Mar 2023: 365 (Apr20-Mar21, includes 29 Feb? no: Feb 2021) + 365 + 365
    assert st.days_in_period("2020-04", "2023-03") == 1095
    assert st.days_in_period("2020-02", "2020-02") == 29   # leap year


def test_rates_and_shares():
    assert st.per_month(537, 36) == pytest.approx(14.9167, abs=1e-4)
    assert st.days_per_event(537, 1095) == pytest.approx(2.0391, abs=1e-4)
    assert st.percent(44, 44) == 100
    assert st.percent(0, 537) == 0


def test_labels():
    assert st.period_label("2020-04", "2023-03") == "April 2020 to March 2023"
    assert st.month_label("2020-12", abbreviated=True) == "Dec 2020"
    assert st.month_label("2020") == "2020"


def test_referral_rates_leave_year_only_periods_unnormalised():
    figures = pd.DataFrame([
        {"id": "F-1", "value": 60.0, "period_start": "2020-01", "period_end": "2020-12", "source_id": "S-1"},
        {"id": "F-2", "value": 90.0, "period_start": "2020", "period_end": "2022", "source_id": "S-2"},
    ])
    datasets = pd.DataFrame([
        {"id": "a", "figure_id": "F-1", "label": "A", "counts": "domestic abuse victims", "area": "UK", "note": ""},
        {"id": "b", "figure_id": "F-2", "label": "B", "counts": "victims of all crimes", "area": "UK", "note": ""},
    ])
    rates = st.referral_rates(figures, datasets).set_index("dataset")
    assert rates.loc["a", "months"] == 12 and rates.loc["a", "per_month"] == 5.0
    assert pd.isna(rates.loc["b", "per_month"])


def test_vote_margins_from_counts_or_majority():
    figures = pd.DataFrame([{"id": "F-a", "value": 214.0}, {"id": "F-b", "value": 208.0}, {"id": "F-m", "value": 80.0}])
    votes = pd.DataFrame([
        {"id": "V-1", "date": "2024-04-30", "date_certainty": "inferred", "house": "House of Lords", "bill": "B", "question": "Q", "result": "for the firewall",
         "votes_for_figure_id": "F-a", "votes_against_figure_id": "F-b", "majority_figure_id": ""},
        {"id": "V-2", "date": "2021-04-15", "date_certainty": "exact", "house": "House of Commons", "bill": "B", "question": "Q", "result": "against the firewall",
         "votes_for_figure_id": "", "votes_against_figure_id": "", "majority_figure_id": "F-m"},
        {"id": "V-3", "date": "2020-07", "date_certainty": "approximate", "house": "House of Commons", "bill": "B", "question": "Q", "result": "against the firewall",
         "votes_for_figure_id": "", "votes_against_figure_id": "", "majority_figure_id": ""},
    ])
    margins = st.vote_margins(votes, figures).set_index("vote")["margin"]
    assert margins.to_dict() == {"V-1": 6, "V-2": -80}


def test_status_counts_include_zeroes_in_order():
    recs = pd.DataFrame({"status": ["not accepted", "unclear", "not accepted"]})
    assert st.status_counts(recs) == {"accepted": 0, "partly accepted": 0, "not accepted": 2, "unclear": 1}


def test_headline_statistics_of_the_real_data():
    stats = st.compute_statistics(load())
    expected = {
        "referrals_total": "537", "referrals_period": "April 2020 to March 2023", "referrals_months": "36",
        "referrals_per_month": "14.9", "days_per_referral": "2", "forces_sharing": "44", "forces_listed": "44",
        "forces_territorial": "43", "forces_sharing_percent": "100%", "enforcement_actions": "0",
        "enforcement_percent": "0%", "sbs_answered": "16", "lords_2024_margin": "6", "commons_2021_margin": "80",
        "monthly_detail_2020_2022": "92.1", "monthly_jcwi_2020_2022": "110.7", "monthly_byline_2020_2021": "89.4",
        "monthly_ferret_2020_2022": "15.6",
    }
    assert {name: stats[name].display for name in expected} == expected


def test_every_statistic_names_how_it_is_computed():
    for stat in st.compute_statistics(load()).values():
        assert stat.method and stat.label, stat.name


def test_rounding_is_decimal_half_up():
    # 1,787 ÷ 20 is 89.35 on paper; the float is 89.34999…, which f"{x:.1f}" and round() show as 89.3
    assert f"{1787 / 20:.1f}" == "89.3"
    assert st.format_number(1787 / 20, 1) == "89.4"
    assert st.rounded(1787 / 20, 1) == 89.4
    assert st.format_number(2.675, 2) == "2.68"          # float 2.67499…
    assert [st.format_number(x) for x in (0.5, 1.5, 2.5, 3.5)] == ["1", "2", "3", "4"]   # never to even
    assert st.format_number(2656 / 24, 1) == "110.7"
    assert st.format_number(1234567.25, 1) == "1,234,567.3"
    assert st.format_number(-2.5) == "-3"               # half away from zero


def test_a_rate_divides_by_the_sources_own_period_where_it_gives_one():
    figures = pd.DataFrame([{"id": "F-25", "value": 2656.0, "period_start": "2020-05", "period_end": "2022-05", "source_id": "S-1",
                             "evidence": "In the two years since May 2020, 2,656 crime victims were referred"}])
    base = {"id": "jcwi", "figure_id": "F-25", "label": "JCWI", "counts": "victims of all crimes",
            "counted_as": "crime victims referred", "area": "UK", "note": ""}
    calendar = st.referral_rates(figures, pd.DataFrame([{**base, "months": None, "months_words": ""}])).iloc[0]
    assert calendar["months"] == 25 and calendar["per_month"] == 106.2
    assert "May 2020 to May 2022, both included" in calendar["months_counted"]
    own = st.referral_rates(figures, pd.DataFrame([{**base, "months": 24, "months_words": "In the two years since May 2020"}])).iloc[0]
    assert own["months"] == 24 and own["per_month"] == 110.7
    assert own["months_counted"] == "24 months, the source’s own period (“In the two years since May 2020”)"


def test_every_rate_says_how_its_months_were_counted():
    stats = st.compute_statistics(load())
    assert "“In the two years since May 2020”" in stats["monthly_jcwi_2020_2022"].method
    assert "24 months" in stats["monthly_jcwi_2020_2022"].method
    for stat in stats.values():
        if stat.name.startswith("monthly_") or stat.name in ("referrals_per_month", "referrals_months"):
            assert "months" in stat.method and ("own period" in stat.method or "both included" in stat.method), stat.name


def test_months_words_must_be_in_the_evidence():
    from scripts.load import DataError
    tables = load()
    datasets = tables["referral_datasets"].copy()
    datasets.loc[datasets["id"] == "jcwi_2020_2022", "months_words"] = "in the 25 months since May 2020"
    with pytest.raises(DataError, match="is not in the evidence of figure F-025"):
        st.compute_statistics({**tables, "referral_datasets": datasets})


def test_units_travel_with_values():
    """A percentage figure is never shown without %, and a count never with one."""
    tables = load()
    figures = tables["figures"].set_index("id")
    assert (figures["unit"] != "").all(), list(figures.index[figures["unit"] == ""])
    stats = st.compute_statistics(tables)
    for stat in stats.values():
        percentages = [f for f in stat.figure_ids if st.is_percentage(figures.loc[f, "unit"])]
        if stat.name.endswith("_percent"):
            assert stat.display.endswith("%"), stat.name
        elif percentages and len(stat.figure_ids) == 1:
            assert stat.display.endswith("%"), stat.name
        else:
            assert "%" not in stat.display, stat.name
    for figure_id, figure in figures.iterrows():
        shown = figure["wording"] or ("" if pd.isna(figure["value"]) else st.format_number(figure["value"], 1).removesuffix(".0"))
        if st.is_percentage(figure["unit"]) and figure["wording"]:
            assert "%" in shown or "per cent" in shown or "percent" in shown or "quarter" in shown, figure_id
        if not st.is_percentage(figure["unit"]):
            assert "%" not in shown and "per cent" not in shown, figure_id


def test_a_percentage_statistic_needs_a_percentage_unit():
    from scripts.load import DataError
    tables = load()
    figures = tables["figures"].copy()
    figures.loc[figures["id"] == st.QUOTED_FIGURES["enforcement_papers_2020_percent"], "unit"] = "domestic abuse victims"
    with pytest.raises(DataError, match="is named as a percentage"):
        st.compute_statistics({**tables, "figures": figures})


def test_labels_of_the_537_say_referrals_not_people():
    """The 537 are referrals, not necessarily distinct people: no label of a statistic resting on it says otherwise."""
    tables = load()
    stats = st.compute_statistics(tables)
    headline = tables["referral_datasets"].set_index("id").loc[st.HEADLINE_DATASET, "figure_id"]
    resting = [s for s in stats.values() if headline in s.figure_ids]
    assert len(resting) >= 5
    for stat in resting:
        for text in (stat.label, stat.method):
            assert "victims referred" not in text and "people" not in text, (stat.name, text)
    assert "referrals" in stats[f"count_{st.HEADLINE_DATASET}"].label


def test_only_firewall_divisions_count_as_votes_on_a_firewall():
    stats = st.compute_statistics(load())
    assert stats["votes_recorded"].value == 4        # V-002 to V-005; not V-001 (firewall not stated) nor V-006 (no division)
    assert stats["votes_with_numbers"].value == 2


def test_large_and_fractional_numbers_are_shown_in_full():
    assert st.format_number(2100000) == "2,100,000"
    assert st.format_number(18.7, 1) == "18.7"


def test_a_quoted_figure_without_a_value_stops_the_build():
    from scripts.load import DataError
    tables = load()
    figures = tables["figures"].copy()
    figures.loc[figures["id"] == st.QUOTED_FIGURES["enforcement_papers_2020_percent"], "value"] = float("nan")
    with pytest.raises(DataError, match="has no value, but statistic 'enforcement_papers_2020_percent' shows it"):
        st.compute_statistics({**tables, "figures": figures})


def test_pages_claims_are_checked_against_the_data():
    from scripts.load import DataError
    tables = load()
    figures = tables["figures"].copy()
    figures.loc[figures["id"] == st.QUOTED_FIGURES["forces_sharing"], "value"] = 40.0
    with pytest.raises(DataError, match="the pages say every force did"):
        st.compute_statistics({**tables, "figures": figures})
