"""Pharmacist-chosen dilutions (issue 13 §1): a stated trituration ratio, aliquot mass, stock
volume or aliquot volume is kept when every weighing and measuring rule holds, and refused with
one sentence naming the field, the value and what would be acceptable otherwise. The public
planners ``plan_solid`` and ``plan_liquid`` take quantities and return a ``TracedPlan``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ldncompound as lc
from ldncompound import InputError, Quantity, Unit

DAY = dt.date(2026, 11, 21)
EXP = dt.date(2028, 1, 1)
LWQ_120 = lc.Balance.documented(minimum_weight=lc.mass("120 mg"), readability=lc.mass("10 mg"))


def mg(value: str | int) -> Quantity:
    return Quantity(Decimal(value), Unit.MG)


# --- worked examples through the public API ---------------------------------------------------


def test_we01_liquid_aliquot_of_5_ml_chosen():
    """WE-01 (pharmlabs.unc.edu/labs/triturations/aliquot.htm [V]): 100 mL at 0.2 mg/mL needs
    20 mg; least weighable quantity 120 mg; aliquot volume chosen 5 mL. Published answer: weigh
    120 mg, dissolve to 30 mL (4 mg/mL), take 5 mL (20 mg), q.s. to 100 mL."""
    traced = lc.plan_liquid(
        mg(20), volume=lc.volume("100 mL"), balance=LWQ_120, aliquot_volume=lc.volume("5 mL")
    )
    p = traced.plan
    assert (p.weighed, p.stock_volume, p.aliquot, p.material, p.final_volume) == (
        mg(120),
        lc.volume("30 mL"),
        lc.volume("5 mL"),
        mg(20),
        lc.volume("100 mL"),
    )
    assert p.stock_concentration == lc.Quantity(4, Unit.MG_PER_ML)
    assert "liquid-aliquot" in [s.key for s in traced.steps]
    # the device table, measurable share and rounding tolerance were not given: echoed
    assert {d.field for d in traced.defaults} == {"measurable_fraction", "rounding_tolerance"}


def test_we01_stock_volume_of_30_ml_chosen_gives_the_same_plan():
    """WE-01 again, stating the stock volume (30 mL) instead of the aliquot: the same plan."""
    p = lc.plan_liquid(
        mg(20), volume=lc.volume("100 mL"), balance=LWQ_120, stock_volume=lc.volume("30 mL")
    ).plan
    assert (p.weighed, p.stock_volume, p.aliquot, p.material) == (
        mg(120),
        lc.volume("30 mL"),
        lc.volume("5 mL"),
        mg(20),
    )


def test_we02_trituration_multiple_20_and_aliquot_120_mg():
    """WE-02 (pharmlabs.unc.edu/labs/triturations/method.htm [V]): atropine sulfate 6 mg for
    10 capsules of 200 mg; LWQ 120 mg; the page's selections multiple 20, aliquot 120 mg.
    Answer: weigh 120 mg, make 20 x 120 = 2400 mg (lactose 2280 mg [D]); the 120 mg aliquot
    holds 6 mg."""
    traced = lc.plan_solid(
        mg(6),
        balance=LWQ_120,
        trituration_ratio=20,
        aliquot_mass=mg(120),
        mix_mass=mg(2000),
        diluent_name="lactose",
    )
    p = traced.plan
    (stage,) = p.stages
    assert (stage.take, stage.diluent, stage.total, stage.ratio) == (
        mg(120),
        mg(2280),
        mg(2400),
        20,
    )
    assert (p.aliquot, p.material, p.dilution) == (mg(120), mg(6), Decimal(20))
    assert "dilution-chosen" in [s.key for s in traced.steps]


def test_we02_capsules_with_the_chosen_trituration():
    """WE-02 as capsules: lactose added to the aliquot up to 2000 mg is 1880 mg [D]."""
    atropine = lc.Drug(
        name="atropine",
        forms=(
            lc.SaltForm(
                key="sulfate",
                name="atropine sulfate",
                short_name="atropine sulfate",
                molar_mass=Decimal("694.83"),
            ),
        ),
        default_basis="sulfate",
    )
    r = lc.formulate_capsules(
        lc.CapsuleOrder(
            dose=mg("0.6"),
            count=10,
            source=lc.ApiLot(
                form="sulfate",
                assay=lc.percent("100 %"),
                assay_basis=lc.AssayBasis.AS_IS,
                expiry=EXP,
                lot="X",
                drug=atropine,
            ),
            overage=lc.percent("0 %"),
            filler=lc.FillerLot(filler="lactose", lot="L", expiry=EXP),
            method=lc.CapsuleMethod.FIXED_WEIGHT,
            fill_weight=mg(200),
            size="1",
            balance=LWQ_120,
            trituration_ratio=20,
            aliquot_mass=mg(120),
            compounded_on=DAY,
        )
    )
    assert [w.amount for w in r.weighings] == [mg(120), mg(2280), mg(120), mg(1880)]
    assert r.total_mix == mg(2000)


def test_we08_dry_aliquot_multiple_10():
    """WE-08 (scribd "Aliquot Method" 545509411 [S]): MWQ 120 mg, multiple 10, 12 mg needed.
    Answer: weigh 120 mg drug + 1080 mg diluent = 1200 mg; take a 120 mg aliquot (12 mg)."""
    p = lc.plan_solid(mg(12), balance=LWQ_120, trituration_ratio=10).plan
    (stage,) = p.stages
    assert (stage.take, stage.diluent, stage.total) == (mg(120), mg(1080), mg(1200))
    assert (p.aliquot, p.material) == (mg(120), mg(12))


def test_without_a_choice_the_plan_is_the_minimal_one():
    """No choice: the public planner gives the plan the preparations use, defaults echoed."""
    traced = lc.plan_solid(mg(12))
    assert traced.plan.stages  # 12 mg is below the assumed Class III minimum of 120 mg
    assert "balance-assumed" in [w.code for w in traced.warnings]
    assert {d.field for d in traced.defaults} == {"balance", "max_stage_mass"}
    direct = lc.plan_solid(mg(150), balance=LWQ_120, max_stage_mass=lc.mass("5 g"))
    assert direct.plan.direct and direct.defaults == ()


def test_a_ratio_is_kept_even_when_the_material_could_be_weighed_directly():
    p = lc.plan_solid(mg(150), balance=LWQ_120, trituration_ratio=10).plan
    (stage,) = p.stages
    assert (stage.take, stage.total, p.aliquot, p.material) == (
        mg(150),
        mg(1500),
        mg(1500),
        mg(150),
    )


def test_an_aliquot_alone_uses_one_stage_of_the_largest_whole_ratio():
    """7 mg in a 120 mg aliquot: 1 in 17 (120 / 7 = 17.1); the aliquot holds 7.06 mg."""
    p = lc.plan_solid(mg(7), balance=LWQ_120, aliquot_mass=mg(120)).plan
    (stage,) = p.stages
    assert stage.ratio == 17 and p.aliquot == mg(120)
    assert p.material.magnitude >= 7


def test_a_chosen_ratio_and_stock_reach_the_capsule_and_liquid_orders():
    import orders  # noqa: PLC0415 - the suite's valid orders

    r = lc.formulate_capsules(orders.capsules(trituration_ratio=3))
    assert r.plan.stages and all(s.ratio == 3 for s in r.plan.stages)
    t = lc.formulate_troches(orders.troches(trituration_ratio=5))
    assert t.plan.stages and all(s.ratio == 5 for s in t.plan.stages)
    q = lc.formulate_liquid(orders.liquid(source=orders.api(), stock_volume=lc.volume("20 mL")))
    assert q.batch.plan is not None and q.batch.plan.stock_volume == lc.volume("20 mL")


# --- refusals: one sentence naming the field, the value and what would be acceptable ----------


@pytest.mark.parametrize(
    ("kwargs", "field", "code", "words"),
    [
        ({"aliquot_mass": mg(100)}, "aliquot_mass", "below-minimum-weight", "at least 120 mg"),
        ({"aliquot_mass": mg(125)}, "aliquot_mass", "not-on-readability", "a multiple of 10 mg"),
        ({"aliquot_mass": mg(130)}, "aliquot_mass", "aliquot-too-small", "at least 140 mg"),
        (
            {"trituration_ratio": 10, "aliquot_mass": mg(120)},
            "aliquot_mass",
            "aliquot-too-small",
            "at least 700 mg",
        ),
        ({"trituration_ratio": 1}, "trituration_ratio", "out-of-range", "such as 10"),
        ({"trituration_ratio": True}, "trituration_ratio", "out-of-range", "such as 10"),
        ({"trituration_ratio": 10**5}, "trituration_ratio", "out-of-range", "such as 10"),
        ({"trituration_ratio": 100}, "trituration_ratio", "stage-too-large", "smaller ratio"),
        (
            {"trituration_ratio": 20, "mix_mass": mg(100)},
            "trituration_ratio",
            "dilution-beyond-mix",
            "at most 1 in",
        ),
        (
            {"aliquot_mass": mg(1000), "mix_mass": mg(700)},
            "aliquot_mass",
            "dilution-beyond-mix",
            "at most 1 in",
        ),
        (
            {"trituration_ratio": 2, "aliquot_mass": mg(500)},
            "aliquot_mass",
            "aliquot-too-large",
            "at most 480 mg",
        ),
        (
            {"aliquot_mass": mg(9000), "max_stage_mass": lc.mass("1 g")},
            "aliquot_mass",
            "stage-too-large",
            "smaller ratio or aliquot",
        ),
    ],
)
def test_a_solid_choice_that_breaks_a_rule_is_refused(kwargs, field, code, words):
    needed = mg(70) if code in {"aliquot-too-small", "dilution-beyond-mix"} else mg(12)
    with pytest.raises(InputError) as info:
        lc.plan_solid(needed, balance=LWQ_120, **kwargs)
    err = info.value
    assert (err.field, err.code) == (field, code)
    assert words in err.message and err.message.count(". ") == 0


def test_a_ratio_too_small_for_four_stages_is_refused():
    with pytest.raises(InputError) as info:
        lc.plan_solid(mg("0.001"), balance=LWQ_120, trituration_ratio=2)
    assert (info.value.field, info.value.code) == ("trituration_ratio", "dilution-too-deep")


@pytest.mark.parametrize(
    ("kwargs", "code", "words"),
    [
        ({"stock_volume": lc.volume("33.3 mL")}, "stock-not-measurable", "30 mL"),
        (
            {"stock_volume": lc.volume("5 mL"), "aliquot_volume": lc.volume("5 mL")},
            "stock-too-small",
            "larger than the aliquot",
        ),
        (
            {"stock_volume": lc.volume("20 mL"), "aliquot_volume": lc.volume("5 mL")},
            "below-minimum-weight",
            "at least 30 mL",
        ),
    ],
)
def test_a_liquid_choice_that_breaks_a_rule_is_refused(kwargs, code, words):
    with pytest.raises(InputError) as info:
        lc.plan_liquid(mg(20), volume=lc.volume("100 mL"), balance=LWQ_120, **kwargs)
    assert (info.value.field, info.value.code) == ("stock_volume", code)
    assert words in info.value.message


def test_a_stock_volume_no_aliquot_fits_is_refused_naming_it():
    with pytest.raises(lc.FormulationError) as info:
        lc.plan_liquid(
            mg(20),
            volume=lc.volume("10 mL"),
            balance=LWQ_120,
            stock_volume=lc.volume("250 mL"),
            solubility=lc.Quantity(1, Unit.MG_PER_ML),
        )
    assert (info.value.field, info.value.code) == ("stock_volume", "no-liquid-aliquot-plan")


def test_the_public_liquid_planner_checks_its_arguments():
    with pytest.raises(InputError) as info:
        lc.plan_liquid(mg(20), volume=lc.volume("100 mL"), equipment=())
    assert info.value.field == "equipment"
    with pytest.raises(lc.DimensionError):
        lc.plan_liquid(mg(20), volume=mg(100))


# --- the invariant --------------------------------------------------------------------------


@given(
    needed=st.decimals(min_value=Decimal("0.1"), max_value=Decimal(500), places=1),
    minimum=st.sampled_from([Decimal(50), Decimal(100), Decimal(120), Decimal(200)]),
    readability=st.sampled_from([Decimal(1), Decimal(10)]),
    ratio=st.one_of(st.none(), st.integers(min_value=2, max_value=200)),
    aliquot=st.one_of(st.none(), st.integers(min_value=1, max_value=2000)),
)
def test_an_accepted_chosen_plan_weighs_at_least_the_minimum_and_delivers_the_amount(
    needed, minimum, readability, ratio, aliquot
):
    """Whatever the pharmacist states, a plan that is accepted has every weighing (drug,
    diluent, aliquot) at or above the balance minimum and on its readability, and its aliquot
    holds at least the amount prescribed, exactly as the dilution says (D / F)."""
    if ratio is None and aliquot is None:
        ratio = 10
    balance = lc.Balance.documented(
        minimum_weight=mg(minimum), readability=Quantity(readability, Unit.MG)
    )
    try:
        p = lc.plan_solid(
            mg(needed),
            balance=balance,
            trituration_ratio=ratio,
            aliquot_mass=None if aliquot is None else mg(aliquot * readability),
        ).plan
    except InputError:
        return
    weighings = [w for s in p.stages for w in (s.take, s.diluent)] + [p.aliquot]
    for w in weighings:
        assert w.m_as(Unit.MG) >= minimum
        assert w.m_as(Unit.MG) % readability == 0
    assert p.material.m_as(Unit.MG) >= needed
    # the aliquot holds exactly D / F of material (to the library's working precision)
    exact = p.material.m_as(Unit.MG) * p.dilution
    assert abs(exact - p.aliquot.m_as(Unit.MG)) <= p.aliquot.m_as(Unit.MG) * Decimal("1e-25")
    assert p.dilution == Decimal(p.stages[0].ratio) ** len(p.stages)
    previous_total = None
    for s in p.stages:
        if previous_total is not None:
            assert s.take <= previous_total
        previous_total = s.total
    assert previous_total is not None and p.aliquot <= previous_total


@given(
    needed=st.integers(min_value=1, max_value=400),
    stock=st.sampled_from(["10", "20", "25", "30", "40", "50", "60", "80", "100"]),
    aliquot=st.one_of(st.none(), st.sampled_from(["1", "2", "5", "10", "15", "20"])),
)
def test_an_accepted_chosen_liquid_plan_weighs_at_least_the_minimum(needed, stock, aliquot):
    """A liquid plan with a chosen stock (and aliquot) volume that is accepted weighs at least
    the minimum, keeps the stock volume stated, and its aliquot holds the amount (A x D / B)."""
    try:
        p = lc.plan_liquid(
            mg(needed),
            volume=lc.volume("250 mL"),
            balance=LWQ_120,
            stock_volume=lc.volume(f"{stock} mL"),
            aliquot_volume=None if aliquot is None else lc.volume(f"{aliquot} mL"),
        ).plan
    except (InputError, lc.FormulationError):
        return
    assert p.weighed >= mg(120)
    assert p.stock_volume == lc.volume(f"{stock} mL")
    assert p.aliquot is not None
    held = p.weighed.m_as(Unit.MG) * p.aliquot.m_as(Unit.ML) / p.stock_volume.m_as(Unit.ML)
    assert abs(held - p.material.m_as(Unit.MG)) < Decimal("1e-20")
    assert p.material.m_as(Unit.MG) >= needed
