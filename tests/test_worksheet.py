"""The text worksheet: every section a pharmacist needs, weighings in the balance's figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import ldncompound as lc

DAY = dt.date(2026, 11, 21)


def test_worksheet_sections_and_balance_figures():
    api = lc.ApiLot(
        form="hcl",
        assay=lc.percent("99.5 %"),
        assay_basis=lc.AssayBasis.AS_IS,
        expiry=dt.date(2028, 1, 1),
        lot="A-77",
    )
    bal = lc.Balance.documented(minimum_weight=lc.mass("50 mg"), readability=lc.mass("0.1 mg"))
    r = lc.formulate_capsules(
        lc.CapsuleOrder(
            dose=lc.mass("0.5 mg"),
            count=30,
            source=api,
            balance=bal,
            compounded_on=DAY,
            reference="Rx 123456",
        )
    )
    text = lc.render_worksheet(r)
    for heading in (
        "Ingredients",
        "Weighings",
        "Procedure",
        "Quality control",
        "Beyond-use date",
        "Warnings",
        "Values supplied by the library",
        "Calculation trace",
    ):
        assert heading in text
    assert "Rx 123456" in text
    assert "A-77" in text
    assert "2027-05-19" in text
    assert "compounding day is day 1" in text
    # weighings keep the balance's 0.1 mg figures
    for w in r.weighings:
        assert f"{w.amount.magnitude:.1f} mg" in text
    assert "geometric dilution" in text
    assert "USP <795>" in text
    assert "ldncompound/capsules/2" in text
    assert all(len(line) <= 110 for line in text.splitlines())


def test_worksheet_shows_every_warning_code_and_default():
    tabs = lc.TabletSource(average_weight=lc.mass("200 mg"), expiry=dt.date(2028, 1, 1))
    r = lc.formulate_capsules(
        lc.CapsuleOrder(dose=lc.mass("4.5 mg"), count=30, source=tabs), today=DAY
    )
    text = lc.render_worksheet(r)
    for w in r.warnings:
        assert f"[{w.code}]" in text
    for d in r.defaults:
        assert f"{d.field} = " in text


def test_liquid_and_drops_worksheets_show_every_warning_and_default():
    tabs = lc.TabletSource(average_weight=lc.mass("200 mg"), expiry=dt.date(2028, 1, 1))
    liquid = lc.formulate_liquid(
        lc.LiquidOrder(
            dose=lc.mass("4.5 mg"), doses_per_day=Decimal(1), days_supply=30, source=tabs
        ),
        today=DAY,
    )
    drops = lc.formulate_drops(
        lc.DropsOrder(
            dose=lc.mass("1.5 mg"),
            volume=lc.volume("10 mL"),
            source=tabs,
            accept_nominal_dropper=True,
        ),
        today=DAY,
    )
    for r in (liquid, drops):
        text = lc.render_worksheet(r)
        for w in r.warnings:
            assert f"[{w.code}]" in text
        for d in r.defaults:
            assert f"{d.field} = " in text
        for heading in (
            "Ingredients",
            "Measurements",
            "Procedure",
            "Label facts",
            "Beyond-use date",
        ):
            assert heading in text
        assert r.schema in text
        assert all(len(line) <= 110 for line in text.splitlines())
    assert "Fills" in lc.render_worksheet(liquid)
    assert "NOMINAL" in lc.render_worksheet(drops)
