"""What capsules and troches share in ``_solid``: the weighing facts of a batch's settings
(the least mix, an amount as weighed, the tolerance check), the ingredient row of a weighed
material and a batch's allergens."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
from hypothesis import given
from hypothesis import strategies as st

import ldncompound as lc
from ldncompound import _solid as solid
from ldncompound import _sources as sources
from ldncompound._trace import Recorder
from ldncompound._units import Quantity, Unit

ZERO, ONE = Decimal(0), Decimal(1)


def settings(tolerance: str = "0.5") -> solid.Settings:
    return solid.Settings(
        balance=lc.Balance.class_iii(),
        overage=Quantity(Decimal(5), Unit.PERCENT),
        tolerance=Quantity(Decimal(tolerance), Unit.PERCENT),
        max_stage=Quantity(Decimal(10), Unit.G),
    )


@given(st.decimals(min_value=0, max_value=100_000, places=3))
def test_an_amount_is_weighed_to_the_nearest_scale_interval(amount: Decimal) -> None:
    s = settings()
    d = s.balance.d
    weighed = s.weighed(amount)
    assert weighed % d == 0
    assert abs(weighed - amount) <= d / 2


@given(st.sampled_from(["0.01", "0.5", "1", "5"]))
def test_the_least_mix_keeps_rounding_within_the_tolerance_and_twice_the_minimum(
    tolerance: str,
) -> None:
    s = settings(tolerance)
    least = s.least_mix
    assert least >= 2 * s.balance.m
    # half a scale interval of rounding moves a mix this large by at most the tolerance
    assert (s.balance.d / 2) / least <= Decimal(tolerance) / 100


def test_off_tolerance_compares_the_planned_and_the_made_mix() -> None:
    s = settings("1")
    assert not s.off_tolerance(Decimal(1000), Decimal(1010))
    assert s.off_tolerance(Decimal(1000), Decimal(1020))
    assert s.off_tolerance(Decimal(1020), Decimal(1000))


@attrs.frozen
class _Lot:
    lot: str | None
    expiry: dt.date | None


def test_a_material_row_names_its_lot_or_none() -> None:
    row = solid.material_line(
        solid.SolidIngredient,
        "filler",
        "lactose monohydrate",
        _Lot("L1", dt.date(2027, 5, 1)),
        weighed=Decimal("12.5"),
        in_batch=Decimal(10),
        allergens=("lactose",),
    )
    assert (row.role, row.lot, row.expiry) == ("filler", "L1", dt.date(2027, 5, 1))
    assert (row.weighed, row.in_batch) == (
        Quantity(Decimal("12.5"), Unit.MG),
        Quantity(10, Unit.MG),
    )
    bare = solid.material_line(
        solid.SolidIngredient,
        "diluent",
        "mannitol",
        None,
        weighed=ZERO,
        in_batch=ZERO,
        allergens=(),
    )
    assert (bare.lot, bare.expiry) == (None, None)


def test_the_allergens_are_every_row_s_and_lactose_is_warned_naming_its_rows() -> None:
    rows = [
        solid.material_line(
            solid.SolidIngredient, role, name, None, weighed=ONE, in_batch=ONE, allergens=allergens
        )
        for role, name, allergens in (
            ("active", "naltrexone HCl", ()),
            ("filler", "lactose monohydrate", ("lactose",)),
            ("additive", "flavour", ("soy", "lactose")),
        )
    ]
    rec = Recorder()
    assert sources.batch_allergens(rows, rec) == ("lactose", "soy")
    [warning] = rec.warnings
    assert warning.code == "allergen-lactose"
    assert "lactose monohydrate, flavour" in warning.message
    quiet = Recorder()
    assert sources.batch_allergens(rows[:1], quiet) == ()
    assert quiet.warnings == []
