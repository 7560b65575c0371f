"""The liquid aliquot planner: A/B = C/D with every weighing and every volume measurable."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import balances, decimals

import ldncompound as lc
from ldncompound import Quantity, Unit
from ldncompound._liquid_aliquot import plan_liquid_mg
from ldncompound._trace import Recorder


def plan(needed: str, volume: str, balance: lc.Balance, **kwargs):
    args = {
        "needed": Decimal(needed),
        "volume": Decimal(volume),
        "least_volume": Decimal(volume),
        "balance": balance,
        "devices": lc.DEVICES,
        "min_percent": Decimal(25),
        "tolerance": Decimal("0.01"),
        "solubility": None,
        "aliquot_volume": None,
        "rec": Recorder(),
        **kwargs,
    }
    return plan_liquid_mg(**args)


LWQ_120 = lc.Balance.documented(minimum_weight=lc.mass("120 mg"), readability=lc.mass("10 mg"))


def test_we01_clonidine_liquid_aliquot():
    """WE-01: 100 mL at 0.2 mg/mL needs 20 mg; LWQ 120 mg; aliquot 5 mL: weigh 120 mg,
    dissolve to 120 x 5 / 20 = 30 mL (4 mg/mL), take 5 mL (20 mg), q.s. to 100 mL."""
    p = plan("20", "100", LWQ_120, aliquot_volume=Decimal(5))
    assert p.weighed == lc.mass("120 mg")
    assert p.stock_volume == lc.volume("30 mL")
    assert p.stock_concentration == Quantity(4, Unit.MG_PER_ML)
    assert p.aliquot == lc.volume("5 mL")
    assert p.material == lc.mass("20 mg")
    assert p.final_volume == lc.volume("100 mL")
    assert p.stock_device is not None and p.stock_device.key == "cylinder-50ml"
    assert p.aliquot_device is not None and p.aliquot_device.key == "volumetric-5ml"
    assert p.final_device.key == "cylinder-100ml"


def test_direct_weighing_scales_the_volume_to_what_was_weighed():
    """150.75 mg of powder for 150 mL on a 1 mg balance: weigh 151 mg, make up to
    150 x 151 / 150.75 = 150.249 -> 150 mL (250 mL cylinder, 2 mL marks), +0.17 %."""
    bal = lc.Balance.documented(minimum_weight=lc.mass("50 mg"), readability=lc.mass("1 mg"))
    p = plan("150.75", "150", bal)
    assert p.direct
    assert p.weighed == lc.mass("151 mg")
    assert p.final_volume == lc.volume("150 mL")
    assert p.stock_volume is None and p.stock_concentration is None


def test_solubility_limits_the_stock_solution():
    """30 mg with a solubility of 3 mg/mL: a 5 mL aliquot would need 6 mg/mL, so 10 mL
    (3 mg/mL) is taken: weigh 120 mg, dissolve to 40 mL."""
    p = plan("30", "50", LWQ_120, solubility=Decimal(3))
    assert p.aliquot == lc.volume("10 mL")
    assert p.stock_volume == lc.volume("40 mL")
    with pytest.raises(lc.FormulationError) as info:
        plan("30", "50", LWQ_120, solubility=Decimal(3), aliquot_volume=Decimal(5))
    assert info.value.code == "above-solubility"
    assert info.value.field == "aliquot_volume"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"aliquot_volume": Decimal("0.335")}, "aliquot-not-measurable"),
        (
            {"aliquot_volume": Decimal(10), "volume": Decimal(10), "least_volume": Decimal(10)},
            "invalid-input",
        ),
    ],
)
def test_unusable_aliquot_volumes_are_refused(kwargs, code):
    kwargs = dict(kwargs)  # the parameter is shared by every run of the test: never change it
    with pytest.raises(lc.InputError) as info:
        plan("20", kwargs.pop("volume", "100"), LWQ_120, **kwargs)
    assert info.value.code == code
    assert info.value.field == "aliquot_volume"


def test_no_plan_is_refused_with_a_sentence():
    """0.05 mg in 2 mL: the stock would have to be 120 x 1 / 0.05 = 2400 mL."""
    with pytest.raises(lc.FormulationError) as info:
        plan("0.05", "2", LWQ_120)
    assert info.value.code == "no-liquid-aliquot-plan"
    assert "balance" in (info.value.field or "")


@given(
    decimals("1", "400", 3),
    st.sampled_from([Decimal(v) for v in ("10", "20", "30", "50", "100", "150", "250")]),
    balances,
)
def test_every_weighing_and_volume_is_measurable(needed, volume, balance):
    try:
        p = plan(str(needed), str(volume), balance)
    except lc.FormulationError as err:
        assert err.code in {"no-liquid-plan", "no-liquid-aliquot-plan"}
        return
    m, d = balance.m, balance.d
    w = p.weighed.m_as(Unit.MG)
    assert w >= m and w % d == 0
    final = p.final_volume.m_as(Unit.ML)
    assert p.final_device.measures(final, Decimal(25))
    if not p.direct:
        assert p.stock_device is not None and p.aliquot_device is not None
        assert p.stock_device.measures(p.stock_volume.m_as(Unit.ML), Decimal(25))
        assert p.aliquot_device.measures(p.aliquot.m_as(Unit.ML), Decimal(25))
        assert p.aliquot < p.stock_volume
    exact = volume * p.material.m_as(Unit.MG) / needed
    assert abs(exact / final - 1) <= Decimal("0.01")
    assert final >= volume


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1200), places=2),
    st.sampled_from([Decimal(1), Decimal(20), Decimal(25), Decimal("25.0"), Decimal(50)]),
    st.booleans(),
)
def test_the_device_table_answers_as_any_device_list_does(volume, min_percent, up):
    """The table's answers are remembered; a copy of the table (another tuple, so computed
    afresh every time) gives the same devices and volumes."""
    from ldncompound import _liquid_aliquot as la  # noqa: PLC0415
    from ldncompound import _liquid_batch as lb  # noqa: PLC0415

    copy = tuple(lc.DEVICES)
    for _ in range(2):  # the second call answers from memory
        assert la.aliquot_device(volume, lc.DEVICES, min_percent) is la.aliquot_device(
            volume, copy, min_percent
        )
        assert la.final_measure(volume, lc.DEVICES, min_percent, up=up) == la.final_measure(
            volume, copy, min_percent, up=up
        )
        least = la.least_measurable(lc.DEVICES, min_percent)
        assert least == la.least_measurable(copy, min_percent)
        assert str(least) == str(la.least_measurable(copy, min_percent))
        assert lb.syringes(lc.DEVICES) == lb.syringes(copy)


def test_a_refusal_after_trying_stock_volumes_names_the_balance_not_a_field_never_given():
    """The search tries stock volumes of its own; when none gives a plan the refusal names
    what the caller can change (the balance), not `stock_volume`, which they did not give."""
    balance = lc.Balance.documented(minimum_weight=lc.mass("50 mg"), readability=lc.mass("1 mg"))
    with pytest.raises(lc.FormulationError) as info:
        lc.plan_liquid(lc.mass("0.5 mg"), volume=lc.volume("2 mL"), balance=balance)
    assert (info.value.code, info.value.field) == ("no-liquid-aliquot-plan", "balance")
    with pytest.raises(lc.LdnCompoundError) as given:
        lc.plan_liquid(
            lc.mass("0.5 mg"),
            volume=lc.volume("2 mL"),
            balance=balance,
            stock_volume=lc.volume("100 mL"),
        )
    assert given.value.field == "stock_volume"
