"""Beyond-use dates: USP <795> categories, storage, expiry caps, day counting, studies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import ldncompound as lc
from ldncompound import BudCategory, Component, DayCount, Storage
from ldncompound._bud import check_supply
from ldncompound._trace import Recorder

D = dt.date(2026, 1, 1)


def bud(
    category,
    storage=Storage.ROOM,
    components=(),
    day_count=DayCount.COMPOUNDING_DAY_IS_DAY_1,
    study=None,
):
    rec = Recorder()
    return lc.assign_bud(
        category=category,
        compounded_on=D,
        storage=storage,
        components=components,
        rec=rec,
        day_count=day_count,
        study=study,
        today=D,  # the BUD arithmetic on the compounding day (a past BUD: test_plausible.py)
    ), rec


@pytest.mark.parametrize(
    ("category", "storage", "days", "date"),
    [
        (BudCategory.NONAQUEOUS_SOLID, Storage.ROOM, 180, dt.date(2026, 6, 29)),
        (BudCategory.NONAQUEOUS_ORAL_LIQUID, Storage.ROOM, 90, dt.date(2026, 3, 31)),
        (BudCategory.AQUEOUS_PRESERVED, Storage.ROOM, 35, dt.date(2026, 2, 4)),
        (BudCategory.AQUEOUS_NONPRESERVED, Storage.REFRIGERATOR, 14, dt.date(2026, 1, 14)),
    ],
)
def test_category_dates_with_compounding_day_as_day_one(category, storage, days, date):
    """Day 1 is 1 January, so a 14-day BUD ends on 14 January."""
    b, _ = bud(category, storage)
    assert (b.days, b.date, b.limited_by) == (days, date, "category")
    assert "USP <795>" in b.rule


def test_day_zero_convention():
    b, _ = bud(
        BudCategory.AQUEOUS_NONPRESERVED,
        Storage.REFRIGERATOR,
        day_count=DayCount.COMPOUNDING_DAY_IS_DAY_0,
    )
    assert b.date == dt.date(2026, 1, 15)
    assert b.days == 14


def test_nonpreserved_aqueous_at_room_temperature_refused():
    with pytest.raises(lc.FormulationError) as info:
        bud(BudCategory.AQUEOUS_NONPRESERVED, Storage.ROOM)
    assert info.value.code == "storage-not-allowed"


def test_capped_by_earliest_component_expiry():
    comps = (
        Component(role="active", name="API", expiry=dt.date(2026, 3, 1)),
        Component(role="filler", name="MCC", expiry=dt.date(2026, 2, 10)),
        Component(role="shells", name="shells", expiry=None),
    )
    b, rec = bud(BudCategory.NONAQUEOUS_SOLID, components=comps)
    assert b.date == dt.date(2026, 2, 10)
    assert b.days == 41
    assert "MCC" in b.limited_by
    assert "bud-limited-by-component" in {w.code for w in rec.warnings}


def test_expired_component_refused():
    comps = (Component(role="active", name="API", expiry=dt.date(2025, 12, 31)),)
    with pytest.raises(lc.FormulationError) as info:
        bud(BudCategory.NONAQUEOUS_SOLID, components=comps)
    assert info.value.code == "component-expired"
    assert info.value.field == "active.expiry"


def test_study_supported_bud_needs_confirmation_and_is_printed():
    with pytest.raises(lc.InputError):
        lc.StudyBud(
            reference="Fawcett 1997",
            days=60,
            storage=Storage.REFRIGERATOR,
            matches_formula_vehicle_container=False,
        )
    study = lc.StudyBud(
        reference="Fawcett JP et al. Ann Pharmacother 1997;31:1291-5",
        days=60,
        storage=Storage.REFRIGERATOR,
        matches_formula_vehicle_container=True,
    )
    b, rec = bud(BudCategory.AQUEOUS_PRESERVED, Storage.REFRIGERATOR, study=study)
    assert b.days == 60
    assert b.reference.startswith("Fawcett")
    assert "bud-from-study" in {w.code for w in rec.warnings}
    with pytest.raises(lc.InputError):
        bud(BudCategory.AQUEOUS_PRESERVED, Storage.ROOM, study=study)


def test_supply_longer_than_bud_suggests_fills():
    b, _ = bud(BudCategory.AQUEOUS_NONPRESERVED, Storage.REFRIGERATOR)
    rec = Recorder()
    assert check_supply(b, 30, rec, field="days") == 3
    assert rec.warnings[0].code == "bud-shorter-than-supply"
    assert check_supply(b, 14, Recorder(), field="days") == 1


def test_a_bud_of_zero_days_is_a_warning_not_a_crash():
    """Found by the record property (tests/test_records_verify.py): day-0 counting with a
    component expiring on the compounding day gave a BUD of 0 days and a ZeroDivisionError."""
    import orders  # noqa: PLC0415

    order = orders.capsules(
        doses_per_day=Decimal(1),
        count=8,
        day_count=lc.DayCount.COMPOUNDING_DAY_IS_DAY_0,
        source=orders.tablets(expiry=orders.DAY),
        acknowledge=("bud-on-compounding-day",),
    )
    result = lc.formulate_capsules(order)
    assert result.bud.days == 0
    warning = next(w for w in result.warnings if w.code == "bud-shorter-than-supply")
    assert "8 fills of at most 1 day each" in warning.message
    assert "component-expires-before-supply" in {w.code for w in result.warnings}
