"""A percentage strength and a month-year date are refused with the conversion named, never
guessed (probe findings P5 and P10)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import orders
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from ldncompound_cli import cli

import ldncompound as lc
from ldncompound._parse import parse_date

# --- P5: "4 %" for a concentration ------------------------------------------------------------


def refusal(text: str, field: str = "concentration") -> lc.UnitError:
    with pytest.raises(lc.UnitError) as info:
        lc.parse_strength(text, field=field)
    assert (info.value.code, info.value.field, info.value.value) == (
        "percent-strength",
        field,
        text,
    )
    return info.value


def test_a_bare_percentage_names_the_w_v_conversion_and_is_not_guessed():
    assert refusal("4 %").message == (
        "concentration: '4 %' is a percentage without its basis (w/v or w/w), which the library "
        "does not guess; expected a strength per volume: write 4 % w/v as '40 mg/mL' (a w/w "
        "percentage needs the liquid's density)."
    )


@pytest.mark.parametrize("text", ["4 % w/v", "4%w/v", "4 % W/V", "4 %  w / v"])
def test_a_w_v_percentage_names_its_strength_per_ml(text):
    assert refusal(text).message == (
        f"concentration: '{text}' is a percentage strength (4 g in 100 mL); expected it per "
        "volume: write 4 % w/v as '40 mg/mL'."
    )


def test_a_w_w_percentage_needs_the_density():
    err = refusal("0.5 % w/w")
    assert "needs the liquid's density" in err.message
    assert "mg/mL'" not in err.message.replace("'1 mg/mL'", "")  # no number is guessed


def test_a_v_v_percentage_is_not_a_drug_strength():
    assert "not the strength of a weighed drug" in refusal("4 % v/v").message


def test_an_order_document_refuses_it_the_same_way():
    with pytest.raises(lc.UnitError) as info:
        lc.parse_quantity("4 %", field="concentration", dimension=lc.Dimension.CONCENTRATION)
    assert info.value.code == "percent-strength"


@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal(99), places=3))
def test_the_named_conversion_is_the_strength_per_volume(pct):
    """Whatever the percentage, the strength the sentence names is pct g in 100 mL."""
    text = f"{pct.normalize():f} % w/v"
    message = refusal(text).message
    named = re.search(r"as '([0-9.]+ mg/mL)'", message)
    assert named is not None
    c = lc.parse_strength(named.group(1), field="c").concentration
    assert c.m_as(lc.Unit.MG_PER_ML) == pct * 10  # pct g / 100 mL


def test_cli_refuses_a_percentage_concentration():
    out = CliRunner().invoke(cli, orders.command("liquid", **{"--concentration": "4 %"}))
    assert out.exit_code == 2
    assert out.output.splitlines()[-1] == (
        "Error: --concentration: '4 %' is a percentage without its basis (w/v or w/w), which the "
        "library does not guess; expected a strength per volume: write 4 % w/v as '40 mg/mL' (a "
        "w/w percentage needs the liquid's density)."
    )


# --- P10: a month-year expiry -----------------------------------------------------------------


def month_year(text: str, field: str = "--expiry") -> lc.InputError:
    with pytest.raises(lc.InputError) as info:
        parse_date(text, field=field)
    assert (info.value.code, info.value.field, info.value.value) == ("month-year-date", field, text)
    return info.value


def test_a_month_year_expiry_names_the_last_day_of_the_month():
    assert month_year("2030-01").message == (
        "--expiry: '2030-01' is a month and year without a day (a month-year expiry means the "
        "last day of that month); expected the date in the form YYYY-MM-DD: write '2030-01-31', "
        "the last day of that month."
    )


@pytest.mark.parametrize(
    ("text", "last"),
    [
        ("2028-02", "2028-02-29"),  # a leap year
        ("2030/2", "2030-02-28"),
        ("04/2030", "2030-04-30"),
        ("Jan 2030", "2030-01-31"),
        ("JAN-2030", "2030-01-31"),
        ("Sept. 2030", "2030-09-30"),
        ("december 2030", "2030-12-31"),
    ],
)
def test_every_usual_layout_names_its_last_day(text, last):
    assert f"write '{last}'" in month_year(text, "source.expiry").message


@pytest.mark.parametrize("text", ["2030-13", "13/2030", "Foo 2030", "Ja 2030", "0000-01"])
def test_what_is_not_a_month_stays_a_bad_date(text):
    with pytest.raises(lc.InputError) as info:
        parse_date(text, field="--expiry")
    assert info.value.code == "bad-date"


def test_another_date_asks_for_its_day_without_a_rule_for_it():
    err = month_year("2026-11", "compounded_on")
    assert err.message == (
        "compounded_on: '2026-11' is a month and year without a day (the library never guesses "
        "the day); expected the full date in the form YYYY-MM-DD ('2026-11-DD')."
    )


@given(
    st.integers(min_value=1000, max_value=9999),
    st.integers(min_value=1, max_value=12),
    st.sampled_from(["{y}-{m:02d}", "{y}/{m}", "{m:02d}/{y}", "{m}-{y}"]),
)
def test_the_named_day_is_the_last_of_that_month(year, month, layout):
    message = month_year(layout.format(y=year, m=month)).message
    named = re.search(r"write '([0-9-]+)'", message)
    assert named is not None
    day = dt.date.fromisoformat(named.group(1))
    assert (day.year, day.month) == (year, month)
    assert (day + dt.timedelta(days=1)).day == 1


def test_cli_refuses_a_month_year_expiry():
    out = CliRunner().invoke(cli, orders.command("capsules", **{"--expiry": "2030-01"}))
    assert out.exit_code == 2
    assert "write '2030-01-31', the last day of that month." in out.output
    assert "Traceback" not in out.output
