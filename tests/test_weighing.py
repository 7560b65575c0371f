"""Balances, minimum weights, and solid aliquot / trituration plans."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import at_least, balances, decimals

import ldncompound as lc
from ldncompound import Balance, Quantity, Unit
from ldncompound._trace import Recorder
from ldncompound._weighing import plan_solid_mg


def mg(value: str | int) -> Quantity:
    return Quantity(Decimal(value), Unit.MG)


def plan(needed: str, balance: Balance, *, ratio: str = "1000000", stage: str = "10000"):
    return plan_solid_mg(
        needed=Decimal(needed),
        final_ratio=Decimal(ratio),
        balance=balance,
        max_stage_mass=Decimal(stage),
        material_name="drug",
        diluent_name="lactose",
        rec=Recorder(),
    )


CLASS_A_10 = Balance.torsion(
    sensitivity=mg(6), max_error=Quantity(5, Unit.PERCENT), readability=mg(10)
)


# --- minimum weights (WE-10, WE-11, WE-12, WE-13) ----------------------------------------


@pytest.mark.parametrize(
    ("sr", "error", "expected"),
    [
        ("6", "5", "120"),  # WE-11 (UH PHAR 4330), WE-10 (c)
        ("10", "5", "200"),  # WE-11
        ("1", "1", "100"),  # WE-10 (b): 99 % accuracy
    ],
)
def test_torsion_minimum_weight(sr, error, expected):
    b = Balance.torsion(
        sensitivity=mg(sr), max_error=Quantity(Decimal(error), Unit.PERCENT), readability=mg(1)
    )
    assert b.minimum_weight == mg(expected)
    assert b.rule is lc.MinimumWeightRule.SENSITIVITY


def test_we11_fractional_minimum_weight():
    """SR 2.5 mg at 3 %: 2.5 x 100 / 3 = 83.3 mg (published rounded)."""
    b = Balance.torsion(
        sensitivity=mg("2.5"), max_error=Quantity(3, Unit.PERCENT), readability=mg("0.1")
    )
    assert b.minimum_weight.magnitude.quantize(Decimal("0.1")) == Decimal("83.3")
    assert b.m == Decimal("83.4")  # what can really be weighed: rounded up to readability


def test_we10_percent_error_and_we11_check():
    """WE-10 (a): SR 1 mg, 30 mg weighed -> 3.3 %. WE-11: 6 mg on 50 mg -> 12 %."""
    b = Balance.torsion(sensitivity=mg(1), max_error=Quantity(5, Unit.PERCENT), readability=mg(1))
    assert b.percent_error(mg(30)).magnitude.quantize(Decimal("0.1")) == Decimal("3.3")
    assert lc.percent_error(intended=mg(50), error=mg(6)).magnitude == Decimal(12)


def test_we12_sensitivity_from_a_test_weight():
    """A 20 mg weight moves the pointer 2 divisions: SR = 10 mg, above Class III's 6 mg."""
    sr = lc.sensitivity_from_test(test_weight=mg(20), divisions=Decimal(2))
    assert sr == mg(10)
    assert sr > lc.CLASS_III_SENSITIVITY


def test_we13_percent_error_of_a_reweigh():
    """Requested 600 mg, found 575 mg: 25 / 600 = 4.17 % (published as 4 %)."""
    err = lc.percent_error(intended=mg(600), error=mg(600) - mg(575))
    assert err.magnitude.quantize(Decimal("0.01")) == Decimal("4.17")


def test_usp41_is_820_times_readability_and_never_mixed():
    b = Balance.usp41(readability=mg("0.1"))
    assert b.minimum_weight == mg(82)
    assert b.rule is lc.MinimumWeightRule.USP41
    assert b.sensitivity is None
    with pytest.raises(lc.InputError):
        b.percent_error(mg(100))


def test_class_iii_preset():
    b = Balance.class_iii()
    assert (b.minimum_weight, b.readability) == (mg(120), mg(10))


@pytest.mark.parametrize(
    "build",
    [
        lambda: Balance.documented(minimum_weight=mg(1), readability=mg(10)),
        lambda: Balance.documented(minimum_weight=mg(100), readability=Quantity(1, Unit.ML)),
        lambda: Balance.documented(minimum_weight=mg(0), readability=mg(1)),
        lambda: Balance.documented(minimum_weight=mg(1000), readability=mg(500)),
        lambda: Balance.torsion(
            sensitivity=mg(6), max_error=Quantity(0, Unit.PERCENT), readability=mg(10)
        ),
        lambda: Balance.torsion(sensitivity=mg(6), max_error=mg(5), readability=mg(10)),
    ],
)
def test_bad_balances_refused(build):
    with pytest.raises(lc.InputError):
        build()


# --- aliquot plans (WE-02, WE-04, WE-05, WE-08) ---------------------------------------------


def test_we08_dry_aliquot_for_12_mg():
    """MWQ 120 mg, multiple 10: weigh 120 mg + 1080 mg diluent = 1200 mg; 120 mg aliquot = 12 mg."""
    p = plan("12", CLASS_A_10)
    (stage,) = p.stages
    assert (stage.take, stage.diluent, stage.total, stage.ratio) == (
        mg(120),
        mg(1080),
        mg(1200),
        10,
    )
    assert p.aliquot == mg(120)
    assert p.material == mg(12)


def test_we02_atropine_trituration():
    """6 mg needed, MWQ 120 mg: weigh 120 mg, make 20 x 120 = 2400 mg (lactose 2280 mg),
    take a 120 mg aliquot holding 6 mg."""
    p = plan("6", CLASS_A_10)
    (stage,) = p.stages
    assert (stage.take, stage.diluent, stage.total) == (mg(120), mg(2280), mg(2400))
    assert (p.aliquot, p.material) == (mg(120), mg(6))


def test_we04_ten_mg_portions():
    """10 mg per dose, MWQ 120 mg: factor 12, weigh 120 mg drug + 1320 mg diluent (1440 mg),
    each 120 mg portion holds one 10 mg dose."""
    p = plan("10", CLASS_A_10)
    (stage,) = p.stages
    assert (stage.ratio, stage.diluent, stage.total) == (12, mg(1320), mg(1440))
    assert (p.aliquot, p.material) == (mg(120), mg(10))


def test_we05_twenty_mg_portions():
    """20 mg doses, MWQ 120 mg: factor 6, diluent (120 - 20) x 6 = 600 mg, 720 mg in all."""
    p = plan("20", CLASS_A_10)
    (stage,) = p.stages
    assert (stage.ratio, stage.diluent, stage.total) == (6, mg(600), mg(720))
    assert (p.aliquot, p.material) == (mg(120), mg(20))


def test_direct_weighing_rounds_up():
    p = plan("148.5", CLASS_A_10)
    assert p.direct
    assert p.aliquot == mg(150)
    assert p.material >= mg("148.5")


def test_two_stages_when_one_would_exceed_the_stage_cap():
    """0.03 mg needed (30 x 1 mcg) with MWQ 120 mg: one stage would need 480 g."""
    p = plan("0.03", CLASS_A_10)
    assert len(p.stages) == 2
    assert all(s.total <= mg(10000) for s in p.stages)


def test_impossible_plans_refused():
    with pytest.raises(lc.FormulationError) as info:
        plan("1", CLASS_A_10, ratio="50")
    assert info.value.code == "batch-below-minimum-weight"
    with pytest.raises(lc.FormulationError):
        plan("1", CLASS_A_10, stage="200")
    with pytest.raises(lc.FormulationError) as info:
        plan("0.0000001", CLASS_A_10, stage="300", ratio="1e30")
    assert info.value.code == "dilution-too-deep"


@given(
    decimals("0.0005", "2000", 4).filter(lambda d: d > 0),
    balances,
    st.sampled_from(["5000", "10000", "20000"]),
)
def test_every_planned_weighing_is_at_or_above_the_minimum(needed, balance, stage_cap):
    p = plan(str(needed), balance, stage=stage_cap)
    m, d = balance.m, balance.d
    weighings = [p.aliquot] + [s.take for s in p.stages] + [s.diluent for s in p.stages]
    for w in weighings:
        assert w.m_as(Unit.MG) >= m
        assert (w.m_as(Unit.MG) / d) == (w.m_as(Unit.MG) / d).to_integral_value()
    assert at_least(p.material.magnitude, p.needed.magnitude)
    # A / B = C / D: the aliquot holds exactly the material the dilution says
    fraction = Decimal(1)
    for s in p.stages:
        fraction /= s.ratio
        assert s.total == s.take + s.diluent
        assert s.total.m_as(Unit.MG) <= Decimal(stage_cap)
        assert s.take <= s.total
    # within one unit of the 28th significant digit of a material of about 100 mg
    assert abs(p.aliquot.m_as(Unit.MG) * fraction - p.material.m_as(Unit.MG)) <= Decimal("1e-25")
    if p.stages:
        assert p.aliquot <= p.stages[-1].total
    # geometric portions add up to the diluent and never exceed the mix so far
    for s in p.stages:
        so_far = s.take.m_as(Unit.MG)
        for portion in s.portions:
            assert portion.m_as(Unit.MG) <= so_far
            so_far += portion.m_as(Unit.MG)
        assert so_far == s.total.m_as(Unit.MG)
