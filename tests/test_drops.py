"""Sublingual drops: dropper calibration, whole drops per dose, the liquid, properties."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import api_lots, decimals, ldn_doses

import ldncompound as lc
from ldncompound import Quantity, Unit

DAY = dt.date(2026, 11, 21)
EXP = dt.date(2028, 1, 1)
ONCE = Decimal(1)
DROPPER = "30 mL amber bottle dropper, lot D7"


def mg_ml(text: str) -> Quantity:
    return Quantity(Decimal(text), Unit.MG_PER_ML)


def codes(result) -> set[str]:
    return {w.code for w in result.warnings}


def cal16() -> lc.DropperCalibration:
    return lc.calibrate_dropper(drops=40, volume=lc.volume("2.5 mL"), dropper=DROPPER)


def api() -> lc.ApiLot:
    return lc.ApiLot(
        form="hcl",
        assay=lc.percent("99.5 %"),
        assay_basis=lc.AssayBasis.AS_IS,
        expiry=EXP,
        lot="A2",
    )


def order(**kwargs) -> lc.DropsOrder:
    args = {
        "dose": lc.mass("4.5 mg"),
        "doses_per_day": ONCE,
        "days_supply": 30,
        "source": api(),
        "calibration": cal16(),
        "vehicle": lc.VehicleLot(
            vehicle=lc.vehicle("nz-preserved"), lot="V1", expiry=dt.date(2027, 12, 31)
        ),
        "balance": lc.Balance.documented(
            minimum_weight=lc.mass("50 mg"), readability=lc.mass("1 mg")
        ),
        "overage": lc.percent("5 %"),
        "compounded_on": DAY,
        **kwargs,
    }
    return lc.DropsOrder(**args)


# --- worked examples ---------------------------------------------------------------------------


def test_we15_dropper_calibration():
    """WE-15: 40 drops to the 2.5 mL mark -> 40 / 2.5 = 16 drops per mL."""
    cal = lc.calibrate_dropper(drops=40, volume=lc.volume("2.5 mL"), dropper=DROPPER)
    assert cal.drops_per_ml == Quantity(16, Unit.DROP_PER_ML)
    assert cal.label_text == "Use only the dropper supplied."
    assert not cal.nominal
    assert lc.from_json(lc.to_json(cal), lc.DropperCalibration) == cal
    assert "16 drops/mL" in lc.render_worksheet(cal)


def test_we16_dose_in_drops():
    """WE-16: dextromethorphan HBr 30 mg/15 mL (2 mg/mL), dose 1.5 mg, dropper calibrated at
    20 drops/mL: 2 / 20 = 0.1 mg a drop, 1.5 / 0.1 = 15 drops (answer D)."""
    dxm = lc.Drug(
        name="dextromethorphan",
        forms=(
            lc.SaltForm(
                key="hbr",
                name="dextromethorphan HBr",
                short_name="dextromethorphan HBr",
                molar_mass=Decimal("370.33"),
            ),
        ),
        default_basis="hbr",
    )
    r = lc.formulate_drops(
        order(
            dose=lc.mass("1.5 mg"),
            days_supply=None,
            volume=lc.volume("15 mL"),
            source=lc.ApiLot(
                form="hbr",
                assay=lc.percent("100 %"),
                assay_basis=lc.AssayBasis.AS_IS,
                expiry=EXP,
                lot="X",
                drug=dxm,
            ),
            concentration=lc.parse_strength("30 mg/15 mL", field="concentration").concentration,
            calibration=lc.calibrate_dropper(
                drops=20, volume=lc.volume("1 mL"), dropper="dropper 1"
            ),
            overage=lc.percent("0 %"),
            balance=lc.Balance.documented(
                minimum_weight=lc.mass("10 mg"), readability=lc.mass("1 mg")
            ),
        )
    )
    assert r.per_drop == Quantity(Decimal("0.1"), Unit.MG_PER_DROP)
    assert r.drops_per_dose == 15
    assert r.dose_delivered == lc.mass("1.5 mg")
    assert "no-dose-range-check" in codes(r)


# --- golden ------------------------------------------------------------------------------------


def test_golden_drops_with_a_calibrated_dropper():
    """4.5 mg naltrexone HCl once a day for 30 days as sublingual drops; API 99.5 % as is (lot
    A2); the dispensed dropper delivers 40 drops into 2.5 mL (16 drops/mL); NZ preserved vehicle;
    balance minimum 50 mg, readability 1 mg; overage 5 %; compounded 2026-11-21.

    suggested: the largest mg a drop making 4.5 mg a whole number of drops (3 to 20): 5, 2.5, 2,
    1 mg do not divide 4.5; 0.5 mg does (9 drops) -> C = 0.5 x 16 = 8 mg/mL.
    one dose = 9 / 16 = 0.5625 mL; dispense 30 x 0.5625 = 16.875 mL; batch 17.71875 mL
    -> 18 mL (25 mL cylinder, 0.5 mL marks); drug 8 x 18 = 144 mg = 144.72362 mg of powder
    (>= 50 mg: weigh directly) -> 145 mg; made up to 18 x 145 / 144.72362 = 18.034 -> 18 mL
    (+0.19 %); the 16.875 mL to dispense are packed on the cylinder's marks: 17 mL.
    BUD: preserved aqueous 35 days -> 2026-12-25 (30 days fit: one fill).
    """
    r = lc.formulate_drops(order())
    assert r.drops_per_ml == Quantity(16, Unit.DROP_PER_ML)
    assert r.concentration == mg_ml("8")
    assert r.suggested_concentration == mg_ml("8") and r.suggested_drops == 9
    assert r.per_drop == Quantity(Decimal("0.5"), Unit.MG_PER_DROP)
    assert r.drops_per_dose == 9
    assert r.dose_delivered == lc.mass("4.5 mg") and r.dose_deviation.magnitude == 0
    assert r.dose_volume == lc.volume("0.5625 mL")
    b = r.batch
    assert b.dispense_volume == lc.volume("17 mL")
    assert step_result(r, "dispense-volume") == Decimal("16.875")
    assert b.plan is not None and b.plan.direct
    assert b.plan.target_volume == lc.volume("18 mL")
    assert b.plan.weighed == lc.mass("145 mg")
    assert b.final_volume == lc.volume("18 mL")
    assert b.concentration_deviation.magnitude.quantize(Decimal("0.01")) == Decimal("0.19")
    assert r.bud.date == dt.date(2026, 12, 25)
    assert r.fills is None
    assert r.label.route == "sublingual"
    assert r.label.strength_per_drop == Quantity(Decimal("0.5"), Unit.MG_PER_DROP)
    assert "Use only the dropper supplied." in r.label.auxiliary
    assert r.label.dose_measure.startswith("9 drops")
    assert "nominal-dropper" not in codes(r)


# --- dropper rules -----------------------------------------------------------------------------


def test_uncalibrated_dropper_refused_unless_accepted():
    with pytest.raises(lc.InputError) as info:
        order(calibration=None)
    assert info.value.code == "dropper-not-calibrated"
    assert info.value.field == "calibration"
    with pytest.raises(lc.InputError) as info:
        order(calibration=lc.NOMINAL_DROPPER)
    assert info.value.code == "dropper-not-calibrated"
    with pytest.raises(lc.InputError) as info:
        order(accept_nominal_dropper=True)
    assert info.value.field == "accept_nominal_dropper"
    r = lc.formulate_drops(order(calibration=None, accept_nominal_dropper=True))
    assert "nominal-dropper" in codes(r)
    assert r.drops_per_ml == Quantity(20, Unit.DROP_PER_ML)
    assert r.dropper.nominal
    assert "calibration" in {d.field for d in r.defaults}
    assert "NOMINAL" in lc.render_worksheet(r)


def test_few_calibration_drops_are_warned_about():
    cal = lc.calibrate_dropper(drops=10, volume=lc.volume("0.5 mL"), dropper="d")
    assert "calibration-few-drops" in codes(lc.formulate_drops(order(calibration=cal)))


@pytest.mark.parametrize(
    ("drops", "volume", "field"),
    [
        (0, "1 mL", "calibration.drops"),
        (40, "0.1 mL", "calibration.drops"),  # 400 drops a mL
        (4, "2 mL", "calibration.drops"),  # 2 drops a mL
        (40, "200 mL", "calibration.volume"),
    ],
)
def test_implausible_calibrations_refused(drops, volume, field):
    with pytest.raises(lc.InputError) as info:
        lc.calibrate_dropper(drops=drops, volume=lc.volume(volume), dropper="d")
    assert info.value.field == field


# --- whole drops, never silently rounded ---------------------------------------------------------


def test_a_dose_that_is_not_whole_drops_is_refused_with_concentrations_that_work():
    """5 mg/mL at 16 drops/mL is 0.3125 mg a drop: 4.5 mg is 14.4 drops; 14 drops would deliver
    4.375 mg (-2.78 %), so it is refused, naming concentrations that give whole drops (9.6 mg/mL
    gives 7.5 drops, no; 12 mg/mL gives 6, 14.4 mg/mL 5, 10.29 mg/mL 7), whatever the order's
    dose tolerance."""
    for tolerance in (None, lc.percent("5 %")):
        with pytest.raises(lc.FormulationError) as info:
            lc.formulate_drops(order(concentration=mg_ml("5"), dose_tolerance=tolerance))
        assert info.value.code == "dose-not-whole-drops"
        assert info.value.field == "concentration"
        message = str(info.value)
        assert "14.4 drops" in message and "12 mg/mL (6 drops)" in message
        assert "4.375" not in message


def test_whole_drops_within_the_stated_figures_of_the_concentration():
    """20 drops into 0.9 mL (22.22... drops/mL): 22.22 mg/mL (1 mg a drop, written to 4
    figures) makes 0.9999 mg a drop; 5 mg is 5.0005 drops, and 5 drops deliver 4.9995 mg
    (-0.01 %, within the 0.05 % the concentration is stated to): 5 whole drops, and the label
    states the prescribed 5 mg. At 22.1 mg/mL (0.9945 mg a drop) 5 mg is 5.028 drops: refused."""
    cal = lc.calibrate_dropper(drops=20, volume=lc.volume("0.9 mL"), dropper="d")
    r = lc.formulate_drops(
        order(calibration=cal, concentration=mg_ml("22.22"), dose=lc.mass("5 mg"))
    )
    assert r.drops_per_dose == 5
    assert abs(r.dose_deviation.magnitude) <= Decimal("0.05")
    assert r.label.dose_measure == "5 drops (5 mg) under the tongue"
    assert r.per_drop == Quantity(Decimal("0.9999"), Unit.MG_PER_DROP)
    with pytest.raises(lc.FormulationError) as info:
        lc.formulate_drops(
            order(calibration=cal, concentration=mg_ml("22.1"), dose=lc.mass("5 mg"))
        )
    assert info.value.code == "dose-not-whole-drops"


@pytest.mark.parametrize(
    ("concentration", "dose", "code"),
    [
        ("1", "4.5 mg", "drops-above-cap"),  # 72 drops
        ("100", "0.1 mg", "dose-below-one-drop"),  # 0.016 drops
    ],
)
def test_drop_counts_out_of_bounds_are_refused(concentration, dose, code):
    with pytest.raises(lc.FormulationError) as info:
        lc.formulate_drops(order(concentration=mg_ml(concentration), dose=lc.mass(dose)))
    assert info.value.code == code
    assert "mg/mL" in str(info.value)


def test_the_cap_is_configurable():
    r = lc.formulate_drops(order(max_drops=8))
    assert r.max_drops == 8
    assert r.drops_per_dose <= 8
    with pytest.raises(lc.InputError) as info:
        order(max_drops=0)
    assert info.value.field == "max_drops"


def test_tablet_drops_are_a_suspension():
    tabs = lc.TabletSource(
        average_weight=lc.mass("200 mg"), tablets_weighed=10, expiry=EXP, lot="T"
    )
    r = lc.formulate_drops(order(source=tabs))
    assert r.batch.suspension
    assert {"suspension-drops", "suspension-shake-well"} <= codes(r)
    assert r.label.dosage_form == "sublingual drops (suspension)"


def test_json_round_trip_and_worksheet():
    r = lc.formulate_drops(order())
    data = lc.to_json(r)
    assert data["schema"] == "ldncompound/drops/2"
    assert data["order"]["calibration"]["drops"] == 40
    assert lc.from_json(json.loads(lc.dumps(r))) == r
    text = lc.render_worksheet(r)
    words = " ".join(text.split())
    assert "use only the dropper supplied" in words
    assert "Use only the dropper supplied." in words
    assert DROPPER in words
    assert all(len(line) <= 110 for line in text.splitlines())


# --- properties --------------------------------------------------------------------------------

calibrations = st.builds(
    lambda n, v: lc.DropperCalibration(drops=n, volume=Quantity(v, Unit.ML), dropper="d"),
    st.integers(min_value=20, max_value=80),
    decimals("1", "4", 1),
).filter(lambda c: 10 <= c.per_ml <= 60)  # the plausible window (else refused)

drops_orders = st.builds(
    lambda source, dose, conc, cal, days, tolerance: lc.DropsOrder(
        dose=Quantity(dose, Unit.MG),
        doses_per_day=ONCE,
        days_supply=days,
        source=source,
        concentration=conc,
        calibration=cal,
        dose_tolerance=Quantity(tolerance, Unit.PERCENT),
        balance=lc.Balance.documented(
            minimum_weight=lc.mass("20 mg"), readability=lc.mass("0.1 mg")
        ),
        compounded_on=DAY,
        acknowledge=("aliquot-solubility-unknown",),  # base API in water: tested on its own
    ),
    api_lots,
    ldn_doses,
    st.one_of(
        st.none(), st.sampled_from([mg_ml(c) for c in ("1", "2", "2.5", "4", "5", "8", "10")])
    ),
    calibrations,
    st.integers(min_value=1, max_value=60),
    decimals("0", "10", 1),
)
ALLOWED = {
    "dose-not-whole-drops",
    "drops-above-cap",
    "dose-below-one-drop",
    "no-liquid-plan",
    "no-liquid-aliquot-plan",
    "no-concentration",
    "too-large",
    "dose-per-drop-repeating",
}


def made(o: lc.DropsOrder) -> lc.DropsResult | None:
    try:
        return lc.formulate_drops(o)
    except lc.FormulationError as err:
        assert err.code in ALLOWED, err
        return None


@given(drops_orders)
def test_every_dose_is_whole_drops_or_refused(o):
    r = made(o)
    if r is None:
        return
    # whole drops within the 4 significant figures the concentration is written to
    assert abs(r.dose_deviation.magnitude) <= Decimal("0.05")
    assert 1 <= r.drops_per_dose <= r.max_drops
    exact = step_result(r, "drops-exact")
    assert abs(exact - r.drops_per_dose) <= r.drops_per_dose * Decimal("0.0005")
    assert f"{r.drops_per_dose} drops ({r.dose})" in r.label.dose_measure
    # one drop holds an amount a label states exactly (probe finding F37)
    per = r.dose.magnitude / r.drops_per_dose
    assert len(per.normalize().as_tuple().digits) <= 4
    assert "dose-tolerance-ignored" in codes(r)
    if o.concentration is None:
        assert r.suggested_drops == r.drops_per_dose


@given(drops_orders)
def test_mg_and_mcg_inputs_give_the_same_drops(o):
    in_mcg = attrs.evolve(
        o,
        dose=o.dose.to(Unit.MCG),
        concentration=None if o.concentration is None else o.concentration.to(Unit.MCG_PER_ML),
    )
    a, b = made(o), made(in_mcg)
    assert (a is None) == (b is None)
    if a is None or b is None:
        return
    assert a.drops_per_dose == b.drops_per_dose
    assert a.dose_delivered == b.dose_delivered and b.dose_delivered.unit is Unit.MCG
    assert a.per_drop == b.per_drop
    assert [m.amount for m in a.batch.measurements] == [m.amount for m in b.batch.measurements]


@given(drops_orders)
def test_every_drops_result_round_trips_through_json(o):
    r = made(o)
    assume(r is not None)
    assert lc.from_json(json.loads(lc.dumps(r, indent=None))) == r


def step_result(r: lc.DropsResult, key: str) -> Decimal:
    s = next(s for s in r.trace if s.key == key)
    assert isinstance(s.result, Quantity)
    return s.result.magnitude
