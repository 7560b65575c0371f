"""The unit layer: our own pint registry, the allow-list, and the Quantity type."""

from __future__ import annotations

import decimal
import pickle
import subprocess
import sys
import typing
from decimal import Decimal

import attrs
import pint
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import masses

import ldncompound as lc
from ldncompound import Dimension, Quantity, Unit
from ldncompound._validate import DIMENSION

MG = Unit.MG


def test_registry_is_our_own_and_built_once():
    reg = lc.registry()
    assert reg is lc.registry()
    assert reg is not pint.get_application_registry().get()
    assert reg.non_int_type is Decimal


@pytest.mark.parametrize(
    "name", ["U", "IU", "t", "T", "G", "gr", "grain", "cc", "tsp", "tbsp", "oz", "dr", "lambda"]
)
def test_dangerous_units_do_not_exist_in_our_registry(name):
    reg = lc.registry()
    assert name not in reg


def test_registry_is_case_sensitive():
    reg = lc.registry()
    assert "mg" in reg
    assert "MG" not in reg
    assert "Mg" not in reg


def test_redefinition_raises():
    with pytest.raises(pint.errors.RedefinitionError):
        lc.registry().define("drop = 0.05 milliliter")


def test_every_allow_listed_unit_has_the_stated_dimension_in_pint():
    reg = lc.registry()
    expected = {
        Dimension.MASS: "[mass]",
        Dimension.VOLUME: "[volume]",
        Dimension.CONCENTRATION: "[mass] / [volume]",
        Dimension.FRACTION: "dimensionless",
        Dimension.DROPS: "[drop]",
        Dimension.DROPS_PER_VOLUME: "[drop] / [volume]",
        Dimension.MASS_PER_DROP: "[mass] / [drop]",
        Dimension.MOLAR_MASS: "[mass] / [substance]",
        Dimension.CAPSULES: "[capsule]",
        Dimension.TABLETS: "[tablet]",
        Dimension.TIME: "[time]",
    }
    for unit in Unit:
        assert str(reg.Unit(unit.pint_name).dimensionality) == expected[unit.dimension], unit


@pytest.mark.parametrize(
    ("unit", "factor"),
    [
        (Unit.MCG, "0.001"),
        (Unit.MG, "1"),
        (Unit.G, "1000"),
        (Unit.ML, "1"),
        (Unit.L, "1000"),
        (Unit.MCG_PER_ML, "0.001"),
        (Unit.G_PER_ML, "1000"),
        (Unit.ONE, "100"),
        (Unit.MCG_PER_DROP, "0.001"),
    ],
)
def test_conversion_factors_are_exact(unit, factor):
    assert Quantity(1, unit).canonical() == Decimal(factor)


def test_the_factor_table_is_what_pint_computes_from_units_txt():
    """The library converts with a table so it never needs pint to compute; every unit has
    an entry, and each equals the registry's conversion in value and in representation."""
    from ldncompound import _units  # noqa: PLC0415

    reg = _units._get()
    assert set(_units._FACTORS) == {u.code for u in Unit}
    for unit in Unit:
        from_pint = reg.factor(unit)
        assert type(from_pint) is Decimal
        assert _units._FACTORS[unit.code] == from_pint, unit
        assert str(_units._FACTORS[unit.code]) == str(from_pint), unit


def test_a_unit_missing_from_the_table_converts_through_pint(monkeypatch):
    from ldncompound import _units  # noqa: PLC0415

    monkeypatch.delitem(_units._FACTORS, "mcg")
    assert Quantity(Decimal(250), Unit.MCG).m_as(MG) == Decimal("0.25")
    assert _units.factor(Unit.MCG) == Decimal("0.001")


def test_quantity_refuses_floats_and_non_finite():
    with pytest.raises(TypeError, match="float"):
        Quantity(4.5, MG)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Quantity("4.5", MG)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Quantity(True, MG)
    with pytest.raises(lc.UnitError):
        Quantity(Decimal("NaN"), MG)
    with pytest.raises(lc.UnitError):
        Quantity(Decimal("Infinity"), MG)


def test_quantity_equality_and_order_compare_amounts():
    assert Quantity(1000, MG) == Quantity(1, Unit.G)
    assert hash(Quantity(1000, MG)) == hash(Quantity(1, Unit.G))
    assert Quantity(999, MG) < Quantity(1, Unit.G)
    assert Quantity(1, Unit.MG) != Quantity(1, Unit.ML)
    with pytest.raises(lc.DimensionError):
        _ = Quantity(1, MG) < Quantity(1, Unit.ML)
    with pytest.raises(lc.DimensionError):
        _ = Quantity(1, MG) + Quantity(1, Unit.ML)
    with pytest.raises(lc.DimensionError):
        Quantity(1, MG).to(Unit.ML)


def test_quantity_arithmetic():
    assert Quantity(Decimal("4.5"), MG) + Quantity(500, Unit.MCG) == Quantity(5, MG)
    assert (Quantity(5, MG) - Quantity(Decimal("0.5"), MG)).magnitude == Decimal("4.5")
    assert (Quantity(Decimal("1.5"), MG) * 3).magnitude == Decimal("4.5")
    assert (3 * Quantity(Decimal("1.5"), MG)).magnitude == Decimal("4.5")
    assert (Quantity(9, MG) / 2).magnitude == Decimal("4.5")
    with pytest.raises(TypeError):
        _ = Quantity(1, MG) * 1.5  # type: ignore[operator]


def test_display_uses_mcg_and_plain_numbers():
    assert str(Quantity(Decimal(500), Unit.MCG)) == "500 mcg"
    assert str(Quantity(Decimal("5.0"), MG)) == "5 mg"
    assert str(Quantity(Decimal("0.50"), MG)) == "0.5 mg"
    assert str(Quantity(Decimal("1E+2"), MG)) == "100 mg"
    assert repr(Quantity(Decimal("4.5"), MG)) == "Quantity('4.5', 'mg')"


def test_conversions_ignore_the_callers_decimal_context():
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        ctx.rounding = decimal.ROUND_DOWN
        q = Quantity(Decimal("4.56789"), MG).to(Unit.MCG)
    assert q.magnitude == Decimal("4567.89")


@given(masses())
def test_json_and_pickle_round_trips_are_exact(q):
    back = Quantity.from_json(q.to_json())
    assert (back.magnitude, back.unit) == (
        q.magnitude.normalize(),
        q.unit,
    ) or back.magnitude == q.magnitude
    assert back == q
    again = pickle.loads(pickle.dumps(q))
    assert (again.magnitude, again.unit) == (q.magnitude, q.unit)


@given(masses(), st.sampled_from([Unit.MG, Unit.G, Unit.MCG]))
def test_unit_conversion_round_trips_exactly(q, unit):
    assert q.to(unit).to(q.unit).magnitude == q.magnitude


@given(masses())
def test_pint_round_trip(q):
    p = q.to_pint()
    back = Quantity.from_pint(p)
    assert (back.magnitude, back.unit) == (q.magnitude, q.unit)


def test_from_pint_accepts_other_registries_by_name_only():
    other = pint.UnitRegistry()
    q = Quantity.from_pint(other.Quantity(0.1, "milligram"))
    assert (q.magnitude, q.unit) == (Decimal("0.1"), MG)
    with pytest.raises(lc.UnitError, match="not an allowed unit"):
        Quantity.from_pint(other.Quantity(1, "grain"))
    with pytest.raises(lc.UnitError):
        Quantity.from_pint(other.Quantity(float("nan"), "milligram"))
    with pytest.raises(lc.UnitError):
        Quantity.from_pint("4.5 mg")


@pytest.mark.parametrize(
    "data",
    [
        {"value": "4.5"},
        {"value": "4.5", "unit": "MG"},
        {"value": "4,5", "unit": "mg"},
        {"value": 4.5, "unit": "mg"},
        {"value": "1e3", "unit": "mg"},
        {"value": "4.5", "unit": 3},
        {"value": "4.5", "unit": "mg", "extra": 1},
        "4.5 mg",
    ],
)
def test_quantity_json_refuses_malformed_objects(data):
    with pytest.raises(lc.InputError):
        Quantity.from_json(data)


def test_unit_codes_round_trip():
    for unit in Unit:
        assert Unit.from_code(unit.code) is unit
    with pytest.raises(lc.UnitError):
        Unit.from_code("ug")


def test_importing_the_library_imports_neither_click_nor_pint():
    code = "import sys, ldncompound; print('click' in sys.modules, 'pint' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False"]


def test_formulating_and_writing_json_import_neither_pint_nor_cattrs():
    """What makes the command line cheap: a capsule calculation, converted units included,
    its JSON text and reading it back need no pint (about 0.1 s to import and 10 ms to build a
    registry); cattrs is no longer a dependency at all (one codec, issue 16)."""
    code = (
        "import sys, datetime as dt, ldncompound as lc\n"
        # a child process does not share the suite's frozen clock: it freezes its own (the
        # library compares the compounding date and the BUD with today)
        "from ldncompound import _clock\n"
        "_clock.today = lambda: dt.date(2026, 11, 21)\n"
        "src = lc.TabletSource(average_weight=lc.mass('0.2014 g'), expiry=dt.date(2030, 1, 1))\n"
        "order = lc.CapsuleOrder(dose=lc.mass('500 mcg'), count=30, source=src,\n"
        "                        overage=lc.percent('7 %'), max_stage_mass=lc.mass('5 g'),\n"
        "                        compounded_on=dt.date(2026, 11, 21))\n"
        "r = lc.formulate_capsules(order)\n"
        "assert lc.from_json(lc.to_json(r)) == r\n"
        "print('pint' in sys.modules, 'cattrs' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False"]


def test_every_quantity_field_of_every_order_declares_its_dimension():
    """The order-document loader relies on it: no Quantity field without a dimension."""
    classes = [
        lc.CapsuleOrder,
        lc.FillerLot,
        lc.PackStat,
        lc.ShellLot,
        lc.ApiLot,
        lc.TabletSource,
        lc.TriturationStock,
        lc.Balance,
    ]
    for cls in classes:
        hints = typing.get_type_hints(cls)
        for f in attrs.fields(cls):
            if "Quantity" in str(hints[f.name]):
                assert isinstance(f.metadata.get(DIMENSION), Dimension), (cls.__name__, f.name)
