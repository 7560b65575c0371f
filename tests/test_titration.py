"""Titration kits: schedules, capsule kits, protocols."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import attrs
import pytest
import test_drops
import test_liquids
from hypothesis import given, settings
from hypothesis import strategies as st

import ldncompound as lc

START = dt.date(2026, 12, 1)
#: the suite's frozen today: a kit is compounded today for a start ten days ahead
TODAY = dt.date(2026, 11, 21)
TABLETS = lc.TabletSource(
    average_weight=lc.mass("200 mg"), tablets_weighed=10, expiry=dt.date(2028, 1, 1), lot="T"
)
TEMPLATE = lc.CapsuleOrder(
    dose=lc.mass("1 mg"),
    count=1,
    source=TABLETS,
    balance=lc.Balance.documented(minimum_weight=lc.mass("50 mg"), readability=lc.mass("1 mg")),
    compounded_on=TODAY,
)


def kit(steps, maintenance="4.5 mg", days=30, **kw) -> lc.TitrationResult:
    order = lc.TitrationOrder(
        steps=tuple(steps),
        maintenance=lc.mass(maintenance),
        maintenance_days=days,
        start=START,
        form=lc.KitForm.CAPSULES,
        capsules=lc.CapsuleKit(template=TEMPLATE, **kw),
    )
    return lc.plan_titration(order)


def half_mg_every_14_days():
    return [lc.parse_step(f"{Decimal('0.5') * i} mg:14") for i in range(1, 9)]


@pytest.mark.snapshot
def test_capsule_plan_for_0_5_rising_every_14_days_to_4_5():
    """0.5 mg rising by 0.5 mg every 14 days to 4.5 mg: 8 steps x 14 days, then 30 days of
    4.5 mg = 142 days. Every dose is one or two capsules of one strength; 2.5, 3.5 and 4.5 mg
    have no half in the kit, so the fewest strengths are 0.5 (0.5, 1), 1.5 (1.5, 3), 2 (2, 4),
    2.5, 3.5 and 4.5 mg: six batches. One container per step."""
    r = kit(half_mg_every_14_days())
    assert len(r.schedule) == 142
    assert len(r.containers) == 9
    assert all(c.units_per_dose in (1, 2) for c in r.containers)
    strengths = sorted(b.dose.magnitude for b in r.capsule_batches)
    assert strengths == [Decimal(x) for x in ("0.5", "1.5", "2", "2.5", "3.5", "4.5")]
    step2 = r.containers[1]
    assert (step2.strength, step2.units_per_dose, step2.units) == (lc.mass("0.5 mg"), 2, 28)
    assert step2.label.startswith("Step 2 of 9: days 15-28, 2026-12-15 to 2026-12-28")
    assert step2.directions == "Take 2 capsules (1 mg) by mouth once daily."
    counts = {b.dose.magnitude: b.count for b in r.capsule_batches}
    assert counts[Decimal("0.5")] == 14 + 28
    assert counts[Decimal("4.5")] == 30
    for b in r.capsule_batches:
        assert b.bud.date >= max(c.end for c in r.containers if c.strength == b.dose)
    assert lc.from_json(json.loads(lc.dumps(r))) == r
    text = lc.render_worksheet(r)
    assert "Step 9 of 9 (maintenance)" in text


def test_one_capsule_per_dose_strategy():
    r = kit(half_mg_every_14_days(), strategy=lc.KitStrategy.ONE_CAPSULE_PER_DOSE)
    assert len(r.capsule_batches) == 9
    assert all(c.units_per_dose == 1 for c in r.containers)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["0.25", "0.5", "0.75", "1", "1.5", "2", "3", "4.5"]),
            st.integers(1, 21),
        ),
        min_size=1,
        max_size=6,
    ),
    st.integers(0, 30),
)
def test_every_day_of_a_schedule_is_supplied_exactly_its_dose(steps, maintenance_days):
    r = kit([lc.parse_step(f"{d} mg:{n}") for d, n in steps], days=maintenance_days)
    expected = [Decimal(d) for d, n in steps for _ in range(n)] + [
        Decimal("4.5")
    ] * maintenance_days
    assert [d.dose.m_as(lc.Unit.MG) for d in r.schedule] == expected
    assert [d.day for d in r.schedule] == list(range(1, len(expected) + 1))
    supplied = []
    for c in r.containers:
        per_dose = c.strength.m_as(lc.Unit.MG) * c.units_per_dose
        days = (c.end - c.start).days + 1
        assert c.units == c.units_per_dose * days
        supplied += [per_dose] * days
    assert supplied == expected
    batch_units = {b.dose.m_as(lc.Unit.MG): b.count for b in r.capsule_batches}
    for strength, total in batch_units.items():
        assert total == sum(
            c.units for c in r.containers if c.strength.m_as(lc.Unit.MG) == strength
        )


def test_protocols_are_templates_that_need_confirmation():
    with pytest.raises(lc.InputError) as info:
        lc.protocol_steps("ldnrt-0.5-every-14", confirmed=False)
    assert info.value.code == "protocol-not-confirmed"
    steps, target = lc.protocol_steps("ldnrt-0.5-every-14", confirmed=True)
    assert [s.dose for s in steps] == [lc.mass(f"{Decimal('0.5') * i} mg") for i in range(1, 9)]
    assert target == lc.mass("4.5 mg")
    with pytest.raises(lc.InputError):
        lc.protocol_steps("fastest", confirmed=True)


@pytest.mark.parametrize(
    "text", ["0.5 mg", "0.5 mg:0", "0.5:14", "0,5 mg:14", "0.5 mg:14:2", "0.5 mg:two"]
)
def test_bad_steps_refused(text):
    with pytest.raises(lc.InputError):
        lc.parse_step(text)


def test_order_refusals():
    with pytest.raises(lc.InputError):
        lc.TitrationOrder(
            steps=(),
            maintenance=lc.mass("4.5 mg"),
            maintenance_days=30,
            start=START,
            form=lc.KitForm.CAPSULES,
        )
    with pytest.raises(lc.InputError):
        lc.TitrationOrder(
            steps=(lc.parse_step("1 mg:7"),),
            maintenance=lc.mass("4.5 mg"),
            maintenance_days=30,
            start=START,
            form=lc.KitForm.CAPSULES,
        )


SYRINGES = (
    lc.MeasuringDevice.declared(
        name="1 mL oral syringe",
        kind=lc.DeviceKind.ORAL_SYRINGE,
        capacity=lc.volume("1 mL"),
        graduation=lc.volume("0.01 mL"),
    ),
    lc.MeasuringDevice.declared(
        name="5 mL oral syringe",
        kind=lc.DeviceKind.ORAL_SYRINGE,
        capacity=lc.volume("5 mL"),
        graduation=lc.volume("0.1 mL"),
    ),
)


def liquid_kit(
    steps, *, template_changes=None, doses_per_day=None, maintenance="4.5 mg", start=START, **kw
) -> lc.TitrationResult:
    # no compounding date unless a test gives one: fill 1 is then made today
    template = test_liquids.order(
        days_supply=30,
        source=test_liquids.api(),
        **{"compounded_on": None, **(template_changes or {})},
    )
    order = lc.TitrationOrder(
        doses_per_day=doses_per_day,
        steps=tuple(steps),
        maintenance=lc.mass(maintenance),
        maintenance_days=30,
        start=start,
        form=lc.KitForm.LIQUID,
        liquid=lc.LiquidKit(template=template, **{"syringes": SYRINGES, **kw}),
    )
    return lc.plan_titration(order)


@pytest.mark.snapshot
def test_liquid_plan_for_0_5_rising_every_14_days_to_4_5():
    """At 1 mg/mL every step's volume is its dose in mL: 0.5 and 1 mL on the 1 mL syringe
    (50 % and 100 % of it), 1.5 to 4.5 mL on the 5 mL syringe (0.1 mL marks, 30-90 %). The
    non-preserved water vehicle has a 14-day refrigerated BUD. With no compounding date the
    kit is compounded today (2026-11-21, echoed as a default), so fill 1, made ten days before
    the start, covers days 1-4 only; the other 138 days are ceil(138 / 14) = 10 fills, each
    compounded on its first day: 11 fills."""
    r = liquid_kit(half_mg_every_14_days())
    assert r.concentration == lc.parse_strength("1 mg/mL", field="c").concentration
    assert [d.volume.m_as(lc.Unit.ML) for d in r.directions] == [
        Decimal("0.5") * i for i in range(1, 10)
    ]
    assert [d.device for d in r.directions[:3]] == [
        "1 mL oral syringe",
        "1 mL oral syringe",
        "5 mL oral syringe",
    ]
    assert r.directions[0].text.startswith(
        "Step 1, days 1-14 (2026-12-01 to 2026-12-14): take 0.5 mL (0.5 mg)"
    )
    assert len(r.fills) == 11 == len(r.liquid_fills)
    assert ("compounded_on", "2026-11-21") in [(d.field, d.value) for d in r.defaults]
    assert r.liquid_fills[0].order.compounded_on == TODAY
    assert (r.fills[0].first_day, r.fills[0].last_day) == (1, 4)
    for fill, made in zip(r.fills[1:], r.liquid_fills[1:], strict=True):
        assert made.order.compounded_on == fill.start
    for fill, made in zip(r.fills, r.liquid_fills, strict=True):
        assert made.bud.date >= fill.end
        assert made.batch.final_volume >= fill.volume
    assert sum(f.last_day - f.first_day + 1 for f in r.fills) == 142
    assert {"kit-two-syringes", "kit-split-into-fills"} <= {w.code for w in r.warnings}
    assert lc.from_json(json.loads(lc.dumps(r))) == r
    assert "Fills (the first made on the compounding date" in lc.render_worksheet(r)


def test_liquid_kit_refuses_unmeasurable_volumes():
    with pytest.raises(lc.FormulationError) as info:
        liquid_kit(half_mg_every_14_days(), syringes=SYRINGES[1:])
    assert info.value.code == "kit-volume-not-measurable"


@pytest.mark.snapshot
def test_drops_kit_uses_whole_drops_of_one_strength():
    """Doses 0.5 to 4.5 mg share 0.5 mg: one drop is 0.5 mg, so step n is n drops; with the
    dropper delivering 16 drops per mL the concentration is 0.5 x 16 = 8 mg/mL."""
    order = lc.TitrationOrder(
        steps=tuple(half_mg_every_14_days()),
        maintenance=lc.mass("4.5 mg"),
        maintenance_days=30,
        start=START,
        form=lc.KitForm.DROPS,
        drops=lc.DropsKit(template=test_drops.order()),
    )
    r = lc.plan_titration(order)
    assert [d.drops for d in r.directions] == list(range(1, 10))
    assert r.concentration == lc.parse_strength("8 mg/mL", field="c").concentration
    for fill, made in zip(r.fills, r.drops_fills, strict=True):
        assert made.bud.date >= fill.end
        assert made.dose_deviation.magnitude == 0
    assert lc.from_json(json.loads(lc.dumps(r))) == r


def test_drops_kit_refuses_doses_that_cannot_share_a_drop():
    order = lc.TitrationOrder(
        steps=(lc.parse_step("0.1 mg:7"), lc.parse_step("2.3 mg:7")),
        maintenance=lc.mass("4.5 mg"),
        maintenance_days=0,
        start=START,
        form=lc.KitForm.DROPS,
        drops=lc.DropsKit(template=test_drops.order()),
    )
    with pytest.raises(lc.FormulationError) as info:
        lc.plan_titration(order)
    assert info.value.code == "kit-drops-not-whole"


PHARMACY = lc.Pharmacy(name="Main Street Pharmacy", address="1 Main St", phone="555-0100")
LABEL_ORDER = lc.LabelOrder(
    patient="Jane Doe",
    prescriber="Dr Smith",
    pharmacy=PHARMACY,
    rx_number="RX-9",
    record_id="CR-1",
    timing="at bedtime",
)


def test_capsule_kit_labels_one_per_container_with_step_and_quantity():
    r = kit(half_mg_every_14_days())
    labels = lc.build_kit_labels(r, LABEL_ORDER)
    assert len(labels) == len(r.containers) == 9
    for label, c in zip(labels, r.containers, strict=True):
        assert label.step == c.label
        assert label.quantity.display == f"{c.units} capsules"
        assert label.directions.endswith("once daily at bedtime.")
        assert label.strength.value == str(c.strength.magnitude.normalize())
        assert label.auxiliary[0].code == "opioid"
    assert labels[1].directions == "Take 2 capsules (1 mg) by mouth once daily at bedtime."


def test_liquid_kit_labels_one_per_fill():
    r = liquid_kit(half_mg_every_14_days())
    labels = lc.build_kit_labels(r, LABEL_ORDER)
    assert len(labels) == len(r.fills)
    first = labels[0]
    assert first.step == "Fill 1 of 11: days 1-4, 2026-12-01 to 2026-12-04"
    assert first.directions == (
        "Step 1, days 1-14 (2026-12-01 to 2026-12-14): take 0.5 mL (0.5 mg) by mouth once daily at "
        "bedtime, measured with the 1 mL oral syringe."
    )
    assert first.storage == "Keep in the refrigerator (2-8 °C). Do not freeze."
    assert "refrigerate" not in [a.code for a in first.auxiliary]
    assert first.bud == r.liquid_fills[0].bud.date
    text = lc.render_label(labels[-1], width=48)
    assert "Fill 11 of 11" in text


def test_a_kit_fill_label_states_storage_once_and_names_each_syringe():
    """Probe F35: a fill label printed two storage statements, and "the oral syringe
    supplied" when its steps need a 1 mL and a 5 mL syringe."""
    labels = lc.build_kit_labels(liquid_kit(half_mg_every_14_days()), LABEL_ORDER)
    for label in labels:
        text = " ".join(lc.render_label(label, width=48).split())
        assert text.count("refrigerator") == 1 and "Store in" not in text
    syringe = {
        label.step.split(":")[0]: next(
            a.text for a in label.auxiliary if a.code == "use-supplied-syringe"
        )
        for label in labels
    }
    assert syringe["Fill 1 of 11"] == "Measure each dose with the oral syringe supplied."
    assert syringe["Fill 3 of 11"] == (
        "Measure each dose with the syringe named for its step: the 1 mL oral syringe for "
        "step 2; the 5 mL oral syringe for step 3."
    )


def test_kit_labels_refuse_what_is_not_a_kit():
    batch = kit(half_mg_every_14_days()).capsule_batches[0]
    with pytest.raises(lc.InputError):
        lc.build_kit_labels(batch, LABEL_ORDER)


# --- refusals of the kit order and plan ------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"steps": ()}, "invalid-input", "steps"),
        ({"maintenance_days": -1}, "out-of-range", "maintenance_days"),
        ({"maintenance_days": 731}, "out-of-range", "maintenance_days"),
        ({"maintenance_days": 720}, "invalid-input", "steps"),  # 14 + 720 > 730 days
        ({"doses_per_day": Decimal(25)}, "out-of-range", "doses_per_day"),
        ({"doses_per_day": Decimal(0)}, "out-of-range", "doses_per_day"),
        ({"capsules": None}, "invalid-input", "capsules"),
    ],
)
def test_a_kit_order_out_of_its_limits_is_refused(changes, code, field):
    args = {
        "steps": (lc.parse_step("1 mg:14"),),
        "maintenance": lc.mass("2 mg"),
        "maintenance_days": 7,
        "start": START,
        "form": lc.KitForm.CAPSULES,
        "capsules": lc.CapsuleKit(template=TEMPLATE),
    }
    with pytest.raises(lc.InputError) as info:
        lc.TitrationOrder(**(args | changes))
    assert (info.value.code, info.value.field) == (code, field)


@pytest.mark.parametrize("days", [0, 731, True, "7"])
def test_a_step_of_no_or_too_many_days_is_refused(days):
    with pytest.raises(lc.InputError) as info:
        lc.TitrationStep(dose=lc.mass("1 mg"), days=days)
    assert (info.value.code, info.value.field) == ("out-of-range", "steps.days")


def test_a_capsule_kit_needs_whole_doses_a_day():
    with pytest.raises(lc.InputError) as info:
        lc.plan_titration(
            lc.TitrationOrder(
                steps=(lc.parse_step("1 mg:7"),),
                maintenance=lc.mass("1 mg"),
                maintenance_days=7,
                start=START,
                form=lc.KitForm.CAPSULES,
                capsules=lc.CapsuleKit(template=TEMPLATE),
                doses_per_day=Decimal("1.5"),
            )
        )
    assert (info.value.field, info.value.code) == ("doses_per_day", "doses-per-day-not-whole")
    assert "'1.5' is not a whole number of doses a day" in info.value.message
    assert "a whole number of doses a day (1 to 24)" in info.value.message


def test_an_unknown_protocol_on_the_order_is_refused():
    with pytest.raises(lc.InputError) as info:
        lc.plan_titration(
            lc.TitrationOrder(
                steps=(lc.parse_step("1 mg:7"),),
                maintenance=lc.mass("1 mg"),
                maintenance_days=7,
                start=START,
                form=lc.KitForm.CAPSULES,
                capsules=lc.CapsuleKit(template=TEMPLATE),
                protocol="ldnrt-9-every-1",
            )
        )
    assert info.value.field == "protocol" and "ldnrt-0.5-every-14" in info.value.message


def test_a_capsule_strength_used_past_its_bud_is_warned_about():
    """A 30-day step of 1 mg, then 700 days of 2 mg (two 1 mg capsules): the 1 mg batch,
    compounded on the first day, has a 180-day BUD but is used until day 730."""
    r = kit([lc.parse_step("1 mg:30")], maintenance="2 mg", days=700)
    warning = next(w for w in r.warnings if w.code == "kit-step-beyond-bud")
    assert warning.field == "capsules" and "compound that strength later" in warning.message


def test_a_liquid_kit_takes_oral_syringes_only_and_uses_the_template_syringe():
    cylinder = lc.device("cylinder-10ml")
    with pytest.raises(lc.InputError) as info:
        lc.LiquidKit(template=test_liquids.order(), syringes=(cylinder,))
    assert info.value.field == "liquid.syringes[0]"
    template = test_liquids.order(syringe=test_liquids.SYRINGE_5_FINE)
    r = lc.plan_titration(
        lc.TitrationOrder(
            steps=(lc.parse_step("2 mg:7"), lc.parse_step("3 mg:7")),
            maintenance=lc.mass("4 mg"),
            maintenance_days=7,
            start=START,
            form=lc.KitForm.LIQUID,
            liquid=lc.LiquidKit(template=template),
        )
    )
    assert {d.device for d in r.directions} == {test_liquids.SYRINGE_5_FINE.name}


def test_a_drops_kit_needs_a_calibrated_dropper():
    template = test_drops.order(calibration=None, accept_nominal_dropper=True)
    with pytest.raises(lc.InputError) as info:
        lc.plan_titration(
            lc.TitrationOrder(
                steps=(lc.parse_step("1 mg:7"),),
                maintenance=lc.mass("2 mg"),
                maintenance_days=7,
                start=START,
                form=lc.KitForm.DROPS,
                drops=lc.DropsKit(template=template),
            )
        )
    assert (info.value.code, info.value.field) == (
        "uncalibrated-dropper",
        "drops.template.calibration",
    )


# --- strength selection: polynomial, and the same plans as the exhaustive search ------------


def exhaustive_strengths(doses: list[Decimal]) -> dict[Decimal, tuple[Decimal, int]]:
    """The search choose_strengths replaced (0.1.0), kept as the reference it must agree with:
    every subset of the doses, smallest first; ties by fewer two-capsule doses, then the
    larger sum, then the smaller sorted strengths."""
    import itertools  # noqa: PLC0415

    from ldncompound._numbers import CONTEXT  # noqa: PLC0415

    distinct = sorted(set(doses))
    best = None
    for size in range(1, len(distinct) + 1):
        for combo in itertools.combinations(distinct, size):
            chosen = set(combo)
            assign = {}
            for d in distinct:
                if d in chosen:
                    assign[d] = (d, 1)
                elif CONTEXT.divide(d, 2) in chosen:
                    assign[d] = (CONTEXT.divide(d, 2), 2)
                else:
                    break
            else:
                doubles = sum(1 for _s, n in assign.values() if n == 2)
                key = (doubles, -sum(combo, Decimal(0)), tuple(sorted(combo)))
                if best is None or key < best[0]:
                    best = (key, assign)
        if best is not None:
            return best[1]
    raise AssertionError(distinct)


# doses as the grammar reads them (at most 3 decimals), drawn so that halves and doubles of
# each other are common: a base times a power of two, or any amount
_base = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(50), places=3)
_doses = st.one_of(
    _base,
    st.builds(lambda b, k: b * 2**k, _base, st.integers(0, 6)),
    st.builds(lambda k: Decimal("0.125") * 2**k, st.integers(0, 9)),
    st.builds(lambda k: Decimal("0.375") * 2**k, st.integers(0, 7)),
)


@given(st.lists(_doses, min_size=1, max_size=10))
def test_strength_selection_gives_the_plans_of_the_exhaustive_search(doses):
    chosen = lc._titration.choose_strengths(doses, lc.KitStrategy.FEWEST_BATCHES)  # type: ignore[attr-defined]
    assert chosen == exhaustive_strengths(doses)


@pytest.mark.parametrize(
    ("doses", "strengths"),
    [
        (["1", "2", "4", "8"], {"1": ("1", 1), "2": ("1", 2), "4": ("4", 1), "8": ("4", 2)}),
        (["1", "2", "4"], {"1": ("1", 1), "2": ("1", 2), "4": ("4", 1)}),
        (
            ["0.5", "1", "3", "1.5"],
            {"0.5": ("0.5", 1), "1": ("0.5", 2), "1.5": ("1.5", 1), "3": ("1.5", 2)},
        ),
        (["4.5"], {"4.5": ("4.5", 1)}),
    ],
)
def test_strength_selection_examples(doses, strengths):
    chosen = lc._titration.choose_strengths(
        [Decimal(d) for d in doses], lc.KitStrategy.FEWEST_BATCHES
    )  # type: ignore[attr-defined]
    assert chosen == {Decimal(k): (Decimal(v), n) for k, (v, n) in strengths.items()}


def test_a_kit_of_a_hundred_distinct_steps_is_planned():
    """The exhaustive search never finished for 30 distinct doses; the plan now comes at once
    (no timing assertion: the suite would hang here before)."""
    unit = Decimal("0.049")
    steps = [lc.TitrationStep(dose=lc.mass(f"{unit * i} mg"), days=1) for i in range(3, 102)]
    # a synthetic ladder: 1.029 mg is within 0.1 % of 1.03 mg (`dose-precision`), acknowledged
    template = attrs.evolve(TEMPLATE, acknowledge=("dose-precision",))
    order = lc.TitrationOrder(
        steps=tuple(steps),
        maintenance=lc.mass(f"{unit * 102} mg"),
        maintenance_days=1,
        start=START,
        form=lc.KitForm.CAPSULES,
        capsules=lc.CapsuleKit(template=template),
    )
    r = lc.plan_titration(order)
    assert len({c.strength.m_as(lc.Unit.MG) * c.units_per_dose for c in r.containers}) == 100
    # multiples 3..102 of 0.049 mg form chains m, 2m, 4m, ... (m odd); a chain of n doses
    # needs ceil(n / 2) strengths, every other dose served by its half
    chains = [sum(1 for k in range(7) if 3 <= m * 2**k <= 102) for m in range(1, 103, 2)]
    assert len(r.capsule_batches) == sum((n + 1) // 2 for n in chains if n)


# --- doses a day: the kit and its template agree (issue 13 §3) ------------------------------


def test_a_kit_takes_its_templates_doses_a_day_and_echoes_where_they_came_from():
    """A liquid order for twice a day makes a twice-daily kit, as `liquid` would: the kit's
    fills hold two doses a day, and the value is echoed as taken from the template."""
    once = liquid_kit([lc.parse_step("0.5 mg:7")], maintenance="1 mg")
    twice = liquid_kit(
        [lc.parse_step("0.5 mg:7")],
        template_changes={"doses_per_day": Decimal(2)},
        maintenance="1 mg",
    )
    assert twice.doses_per_day == Decimal(2)
    (default,) = [d for d in twice.defaults if d.field == "doses_per_day"]
    assert (default.value, default.source) == ("2", "the kit's template order (doses_per_day)")
    drug_once = sum(f.volume.magnitude for f in once.fills)
    drug_twice = sum(f.volume.magnitude for f in twice.fills)
    assert drug_twice == 2 * drug_once


def test_a_kit_whose_doses_a_day_differ_from_its_template_is_refused():
    with pytest.raises(lc.InputError) as info:
        liquid_kit(
            [lc.parse_step("1 mg:7")],
            template_changes={"doses_per_day": Decimal(2)},
            doses_per_day=Decimal(1),
        )
    assert (info.value.field, info.value.code) == ("doses_per_day", "doses-per-day-disagree")


def test_a_kit_accepts_the_doses_a_day_a_liquid_accepts():
    """One rule for doses a day: above 0 and at most 24, as every preparation (the kit
    allowed at most 4)."""
    r = liquid_kit(
        [lc.parse_step("0.5 mg:7")],
        template_changes={"doses_per_day": Decimal(5)},
        doses_per_day=Decimal(5),
        maintenance="1 mg",
    )
    assert r.doses_per_day == Decimal(5)
    assert "doses_per_day" not in [d.field for d in r.defaults]


def test_a_liquid_kit_made_before_its_start_counts_its_first_fill_from_that_day():
    """Fill 1 of a liquid kit made before the kit starts has the BUD of a liquid made that
    day (a hostile test found it dated the start instead: a label 29 days late)."""
    made = START - dt.timedelta(days=5)
    result = liquid_kit(
        [lc.parse_step("1.5 mg:14", field="s")],
        template_changes={"compounded_on": made, "acknowledge": ("compounded-on-future",)},
    )
    first = result.batches[0]
    assert first.bud.compounded_on == made
    assert result.fills[0].start == START
    assert first.bud.date >= result.fills[0].end
    assert all(
        b.bud.compounded_on == f.start
        for b, f in zip(result.batches[1:], result.fills[1:], strict=True)
    )
    assert "compounded_on" not in [d.field for d in result.defaults]


YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.mark.parametrize("form", ["capsules", "liquid"])
def test_every_kit_form_refuses_a_compounding_date_after_its_start(form):
    """One rule for every kit form (a hostile test found capsule kits compounded after their
    start accepted): a compounding date after the start is refused, naming it, and so is a
    start before today when no compounding date is given (the kit is compounded today)."""
    step = [lc.parse_step("1.5 mg:14", field="s")]

    def plan(compounded_on):
        if form == "liquid":
            return liquid_kit(
                step, template_changes={"compounded_on": compounded_on}, start=YESTERDAY
            )
        order = lc.TitrationOrder(
            steps=tuple(step),
            maintenance=lc.mass("4.5 mg"),
            maintenance_days=14,
            start=YESTERDAY,
            form=lc.KitForm.CAPSULES,
            capsules=lc.CapsuleKit(template=attrs.evolve(TEMPLATE, compounded_on=compounded_on)),
        )
        return lc.plan_titration(order)

    with pytest.raises(lc.InputError) as given:
        plan(TODAY)
    assert (given.value.code, given.value.field) == ("compounded-after-start", "compounded_on")
    assert "'2026-11-21'" in str(given.value)
    with pytest.raises(lc.InputError) as defaulted:
        plan(None)
    assert (defaulted.value.code, defaulted.value.field) == ("compounded-after-start", "start")
    assert "'2026-11-20'" in str(defaulted.value) and "today" in str(defaulted.value)
    assert plan(YESTERDAY).batches[0].bud.compounded_on == YESTERDAY


def test_a_capsule_kit_is_compounded_today_unless_its_template_says_otherwise():
    """The capsule batches of a kit compounded today for a start ten days ahead are dated
    today and their BUD counts from today, not from the start (a hostile test found a BUD 30
    days past the USP <795> limit); the date is echoed as a default with its source."""
    order = lc.TitrationOrder(
        steps=(lc.parse_step("1.5 mg:7", field="s"),),
        maintenance=lc.mass("3 mg"),
        maintenance_days=14,
        start=START,
        form=lc.KitForm.CAPSULES,
        capsules=lc.CapsuleKit(template=attrs.evolve(TEMPLATE, compounded_on=None)),
    )
    r = lc.plan_titration(order)
    assert {b.order.compounded_on for b in r.capsule_batches} == {TODAY}
    assert {b.bud.compounded_on for b in r.capsule_batches} == {TODAY}
    assert all(b.bud.date <= TODAY + dt.timedelta(days=180) for b in r.capsule_batches)
    defaults = {d.field: d for d in r.defaults}
    assert defaults["compounded_on"].value == "2026-11-21"
    assert "today" in defaults["compounded_on"].source
    # the kit computes again on the day it was compounded (labels check this)
    lc.check_recomputes(r)
    later = lc.plan_titration(attrs.evolve(order, start=TODAY + dt.timedelta(days=25)))
    assert {b.bud.compounded_on for b in later.capsule_batches} == {TODAY}


def test_a_liquid_kit_whose_first_fill_expires_before_its_start_names_the_start():
    """A liquid kit compounded today (no date given) whose first fill would expire before the
    start is refused naming the start, not a compounding date the caller never gave."""
    with pytest.raises(lc.InputError) as info:
        liquid_kit([lc.parse_step("1.5 mg:14", field="s")], start=TODAY + dt.timedelta(days=20))
    assert (info.value.code, info.value.field) == ("bud-before-start", "start")
    with pytest.raises(lc.InputError) as given:
        liquid_kit(
            [lc.parse_step("1.5 mg:14", field="s")],
            start=TODAY + dt.timedelta(days=20),
            template_changes={"compounded_on": TODAY},
        )
    assert (given.value.code, given.value.field) == ("bud-before-start", "compounded_on")


# --- a kit never steps above its maintenance dose (a hostile test found protocol kits did) ---


def protocol_kit(name, maintenance, form=lc.KitForm.CAPSULES) -> lc.TitrationResult:
    steps, dose = lc.protocol_steps(name, confirmed=True, maintenance=lc.mass(maintenance))
    assert dose == lc.mass(maintenance)
    return lc.plan_titration(
        lc.TitrationOrder(
            steps=steps,
            maintenance=dose,
            maintenance_days=14,
            start=START,
            form=form,
            capsules=lc.CapsuleKit(template=TEMPLATE),
            protocol=name,
        )
    )


def test_a_protocol_stops_below_the_prescribed_maintenance_dose():
    r = protocol_kit("ldnrt-0.5-every-7", "3 mg")
    doses = [s.dose for s in r.order.steps]
    assert doses == [lc.mass(f"{x} mg") for x in ("0.5", "1", "1.5", "2", "2.5")]
    assert [p.dose for p in r.steps][-1] == lc.mass("3 mg")
    assert {"protocol-template", "protocol-below-target"} <= {w.code for w in r.warnings}
    full = protocol_kit("ldnrt-0.5-every-7", "4.5 mg")
    assert len(full.order.steps) == 8
    assert "protocol-below-target" not in {w.code for w in full.warnings}
    # a maintenance between the template's steps: the steps below it, then the maintenance
    between = protocol_kit("ldnrt-1.5-every-7", "2 mg")
    assert [s.dose for s in between.order.steps] == [lc.mass("1.5 mg")]


@pytest.mark.parametrize(
    ("name", "maintenance"),
    [
        ("ldnrt-1.5-every-7", "1 mg"),
        ("ldnrt-1.5-every-7", "1.5 mg"),
        ("ldnrt-0.5-every-7", "6 mg"),
        ("ldnrt-1-every-7", "4600 mcg"),
    ],
)
def test_a_maintenance_dose_the_template_does_not_titrate_to_is_refused(name, maintenance):
    with pytest.raises(lc.InputError) as info:
        lc.protocol_steps(name, confirmed=True, maintenance=lc.mass(maintenance))
    err = info.value
    assert (err.code, err.field) == ("maintenance-outside-protocol", "maintenance")
    assert repr(maintenance) in str(err) and "4.5 mg" in str(err)


def test_a_protocol_order_with_the_templates_full_steps_and_a_lower_maintenance_is_refused():
    """A library caller who takes the template's steps without the maintenance dose and then
    prescribes a lower one is refused, naming the maintenance dose and the template's target."""
    steps, _target = lc.protocol_steps("ldnrt-1.5-every-7", confirmed=True)
    order = lc.TitrationOrder(
        steps=steps,
        maintenance=lc.mass("1 mg"),
        maintenance_days=14,
        start=START,
        form=lc.KitForm.CAPSULES,
        capsules=lc.CapsuleKit(template=TEMPLATE),
        protocol="ldnrt-1.5-every-7",
    )
    with pytest.raises(lc.InputError) as info:
        lc.plan_titration(order)
    err = info.value
    assert (err.code, err.field) == ("step-above-maintenance", "maintenance")
    assert "'1 mg'" in str(err) and "4.5 mg" in str(err)


def test_an_explicit_step_above_the_maintenance_dose_is_refused():
    with pytest.raises(lc.InputError) as info:
        kit([lc.parse_step("1.5 mg:7"), lc.parse_step("4 mg:7")], maintenance="3 mg")
    err = info.value
    assert (err.code, err.field) == ("step-above-maintenance", "steps[1].dose")
    assert "'4 mg'" in str(err) and "3 mg" in str(err)
    # equal to the maintenance dose is not above it; mcg and mg compare by amount
    kit([lc.parse_step("3000 mcg:7")], maintenance="3 mg")


_step_doses = st.integers(min_value=1, max_value=18).map(lambda n: Decimal(n) / 4)


@given(
    protocol=st.sampled_from(sorted(lc.PROTOCOLS)),
    maintenance=_step_doses,
    explicit=st.lists(_step_doses, min_size=1, max_size=5),
    form=st.sampled_from(["protocol", "steps"]),
)
def test_no_step_of_any_kit_exceeds_its_maintenance_dose(protocol, maintenance, explicit, form):
    """Whatever the template or steps, a kit is refused or every step it plans (and every
    day of its schedule) is at most its maintenance dose."""
    dose = lc.Quantity(maintenance, lc.Unit.MG)
    try:
        if form == "protocol":
            steps, _ = lc.protocol_steps(protocol, confirmed=True, maintenance=dose)
        else:
            steps = tuple(
                lc.TitrationStep(dose=lc.Quantity(d, lc.Unit.MG), days=7) for d in explicit
            )
        r = lc.plan_titration(
            lc.TitrationOrder(
                steps=steps,
                maintenance=dose,
                maintenance_days=7,
                start=START,
                form=lc.KitForm.CAPSULES,
                capsules=lc.CapsuleKit(template=TEMPLATE),
                protocol=protocol if form == "protocol" else None,
            )
        )
    except lc.InputError as err:
        template = lc.PROTOCOLS[protocol]
        refused_because = {
            "maintenance-outside-protocol": form == "protocol"
            and not template.start < maintenance <= template.target,
            "step-above-maintenance": form == "steps" and max(explicit) > maintenance,
            "dose-below-range": True,  # a quarter milligram is below the dose profile
        }
        assert refused_because.get(err.code), err
        return
    assert all(p.dose <= dose for p in r.steps)
    assert all(d.dose <= dose for d in r.schedule)
    assert all(c.strength * c.units_per_dose <= dose for c in r.containers)


@pytest.mark.parametrize(
    "acknowledged",
    [
        ("dose-precision", "compounded-on-future", "dose-above-range"),
        ("dose-above-range", "dose-precision", "compounded-on-future"),
    ],
)
def test_a_kit_s_batches_keep_the_template_s_acknowledgements_in_their_order(acknowledged):
    """The batch orders once took the acknowledgements through a set, whose order follows the
    process's hash seed: a saved kit then failed its recompute check in another process."""
    template = attrs.evolve(TEMPLATE, acknowledge=acknowledged)
    order = lc.TitrationOrder(
        steps=(lc.TitrationStep(dose=lc.mass("1.5 mg"), days=7),),
        maintenance=lc.mass("4.5 mg"),
        maintenance_days=7,
        start=START,
        form=lc.KitForm.CAPSULES,
        capsules=lc.CapsuleKit(template=template),
    )
    r = lc.plan_titration(order)
    assert r.capsule_batches
    assert all(b.order.acknowledge == acknowledged for b in r.capsule_batches)


def test_a_first_fill_made_ahead_of_the_start_is_warned_short():
    """probe3 Q14: compounded ten days before the start, fill 1 covers days 1-4 of its 14-day
    BUD, and says so; compounded on the start date it is a full fill, not warned."""
    ahead = liquid_kit(half_mg_every_14_days())
    (short,) = [w for w in ahead.warnings if w.code == "first-fill-short"]
    assert short.field == "start"
    assert short.message.startswith(
        "Fill 1 covers only 4 day(s) (2026-12-01 to 2026-12-04): compounded on 2026-11-21, "
        "10 day(s) before the kit starts"
    )
    on_start = liquid_kit(
        half_mg_every_14_days(), start=TODAY, template_changes={"compounded_on": TODAY}
    )
    assert (on_start.fills[0].first_day, on_start.fills[0].last_day) == (1, 13)
    assert "first-fill-short" not in {w.code for w in on_start.warnings}


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10))
def test_only_a_fill_made_ahead_and_shorter_than_the_next_is_warned(ahead):
    r = liquid_kit(
        half_mg_every_14_days(),
        start=TODAY + dt.timedelta(days=ahead),
        template_changes={"compounded_on": TODAY},
    )
    """A first fill made ahead of the start that covers fewer than half the days of the next
    fill is warned, naming its days and the days ahead; one made on the start date never is."""
    days = [f.last_day - f.first_day + 1 for f in r.fills]
    warned = [w.message for w in r.warnings if w.code == "first-fill-short"]
    assert bool(warned) == (ahead > 0 and 2 * days[0] < days[1])
    for message in warned:
        assert f"covers only {days[0]} day(s)" in message
        assert f"{ahead} day(s) before the kit starts" in message


def _drops_kit_with(dose_per_drop: str) -> lc.TitrationResult:
    order = lc.TitrationOrder(
        steps=(lc.parse_step("0.5 mg:14"), lc.parse_step("1 mg:14")),
        maintenance=lc.mass("1.5 mg"),
        maintenance_days=30,
        start=START,
        form=lc.KitForm.DROPS,
        drops=lc.DropsKit(template=test_drops.order(dose_per_drop=lc.mass(dose_per_drop))),
    )
    return lc.plan_titration(order)


def test_a_drops_kit_takes_the_templates_dose_per_drop():
    """probe3 Q22: a template's dose per drop was refused over the kit's own 0.5 mg per drop;
    it is now the kit's strength per drop when every step is whole drops of it."""
    r = _drops_kit_with("0.25 mg")
    assert [d.drops for d in r.directions] == [2, 4, 6]
    assert r.concentration == lc.parse_strength("4 mg/mL", field="c").concentration  # 16/mL
    with pytest.raises(lc.InputError) as info:
        _drops_kit_with("0.3 mg")
    err = info.value
    assert (err.code, err.field) == ("dose-per-drop-not-whole", "drops.template.dose_per_drop")
    assert "(not 0.5, 1 mg)" in err.message and "such as 0.5 mg" in err.message


@given(st.sampled_from(["0.1 mg", "0.25 mg", "0.5 mg", "100 mcg", "250 mcg", "500 mcg"]))
def test_every_step_of_a_drops_kit_is_whole_drops_of_the_templates_dose_per_drop(per_drop):
    r = _drops_kit_with(per_drop)
    each = lc.mass(per_drop).m_as(lc.Unit.MG)
    for d, dose in zip(r.directions, ("0.5", "1", "1.5"), strict=True):
        assert d.drops * each == Decimal(dose)
