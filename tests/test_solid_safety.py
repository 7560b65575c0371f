"""Safety fixes of the solid preparations found by hostile testing (probe findings F12-F36).

Each test names its finding: the order's own drug as an other ingredient (F32), a balance
minimum below the weighing-error rule (F16), artefact precision in a dose (F27), a trituration
stock's dates (F22), a fill that does not fit the named size (F36, F23) and the worksheet's
figures (F12, F13, F29, F35).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import orders
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from ldncompound_cli import cli

import ldncompound as lc
from ldncompound import _drug as drug_identity


def run(args: list[str]) -> tuple[int, str]:
    out = CliRunner().invoke(cli, args)
    return out.exit_code, out.output


def error_of(args: list[str]) -> dict[str, Any]:
    code, text = run([*args, "--format", "json"])
    assert code in (1, 2), text
    return json.loads(text)["error"]  # type: ignore[no-any-return]


# --- F32: the drug itself as an other ingredient or a second active ---------------------------

NALTREXONE_NAMES = [
    "naltrexone",
    "Naltrexone HCl",
    "naltrexone hydrochloride",
    "naltrexone hydrochloride dihydrate",
    "LDN",
    "low-dose naltrexone",
    "Low Dose Naltrexone",
    "naltrexona",
    "ＮＡＬＴＲＥＸＯＮＥ",
    "naltrexone base ",
    "naltrexone 1:10 trituration",
]


@pytest.mark.parametrize("name", NALTREXONE_NAMES)
def test_troches_refuse_the_drug_as_an_other_ingredient(name: str) -> None:
    """F32: `--ingredient "naltrexone:4.5 mg"` made 9 mg troches labelled 4.5 mg."""
    with pytest.raises(lc.InputError) as err:
        orders.troches(ingredients=(lc.Additive(name=name, amount=lc.mass("1.5 mg")),))
    assert (err.value.code, err.value.field) == ("duplicate-active", "ingredients[0].name")
    assert "is naltrexone" in str(err.value)


@pytest.mark.parametrize("name", ["sucralose", "stevia", "lactose", "vanilla"])
def test_other_ingredients_that_only_look_alike_are_kept(name: str) -> None:
    order = orders.troches(ingredients=(lc.Additive(name=name, amount=lc.mass("20 mg")),))
    assert lc.formulate_troches(order).ingredients


@pytest.mark.parametrize("name", ["methylnaltrexone", "naloxone", "Naloxone HCl", "Suboxone"])
def test_another_drug_is_not_an_other_ingredient(name: str) -> None:
    """probe2 P16: not naltrexone, but a drug all the same (weighed with no dose check)."""
    with pytest.raises(lc.InputError) as err:
        orders.troches(ingredients=(lc.Additive(name=name, amount=lc.mass("20 mg")),))
    assert (err.value.code, err.value.field) == ("drug-as-excipient", "ingredients[0].name")


@pytest.mark.parametrize("name", NALTREXONE_NAMES)
def test_capsules_refuse_naltrexone_under_another_name_as_a_second_active(name: str) -> None:
    """F32 addendum: only the exact name "naltrexone" was refused as a duplicate active."""
    drug = lc.Drug(
        name=name,
        forms=(lc.SaltForm(key="base", name=name, short_name=name, molar_mass=Decimal(300)),),
        default_basis="base",
    )
    active = lc.CapsuleActive(dose=lc.mass("4.5 mg"), source=orders.api(form="base", drug=drug))
    with pytest.raises(lc.InputError) as err:
        orders.capsules(additional_actives=(active,))
    assert (err.value.code, err.value.field) == (
        "duplicate-active",
        "additional_actives[0].source.drug",
    )


@pytest.mark.parametrize("mass", ["341.41", "377.86", "413.89"])
def test_capsules_refuse_a_renamed_drug_with_a_naltrexone_molar_mass(mass: str) -> None:
    drug = lc.Drug(
        name="compound X",
        forms=(lc.SaltForm(key="s", name="X", short_name="X", molar_mass=Decimal(mass)),),
        default_basis="s",
    )
    active = lc.CapsuleActive(dose=lc.mass("4.5 mg"), source=orders.api(form="s", drug=drug))
    with pytest.raises(lc.InputError) as err:
        orders.capsules(additional_actives=(active,))
    assert err.value.code == "duplicate-active"
    assert f"molar mass {mass} g/mol" in str(err.value)


def test_two_caller_drugs_of_one_molar_mass_are_two_actives() -> None:
    """Isomers (DHEA and testosterone, 288.42 g/mol) are different drugs: only the built-in
    drug's known forms are matched by molar mass."""

    def drug(name: str) -> lc.Drug:
        form = lc.SaltForm(key="base", name=name, short_name=name, molar_mass=Decimal("288.42"))
        return lc.Drug(name=name, forms=(form,), default_basis="base")

    assert drug_identity.same_drug_as(drug("DHEA"), drug("testosterone")) is None
    assert drug_identity.same_drug_as(drug("DHEA"), drug("dhea")) is not None


@given(st.sampled_from(NALTREXONE_NAMES), st.sampled_from(["", " ", "  "]), st.booleans())
def test_identity_ignores_case_spacing_and_salt_words(name: str, pad: str, upper: bool) -> None:
    text = pad + (name.upper() if upper else name) + pad
    assert drug_identity.same_drug(lc.NALTREXONE, text) is not None


def test_cli_names_the_ingredient_option() -> None:
    args = [*orders.COMMANDS["troches"], "--ingredient", "LDN:1.5 mg"]
    error = error_of(args)
    assert (error["code"], error["option"]) == ("duplicate-active", "--ingredient")
    assert "'LDN' is naltrexone" in error["message"]


# --- F16: a balance minimum below the weighing-error rule -------------------------------------

ONE_MG = lc.Balance.documented(minimum_weight=lc.mass("1 mg"), readability=lc.mass("1 mg"))


@pytest.mark.parametrize("make", [orders.capsules, orders.troches, orders.liquid, orders.drops])
def test_a_minimum_of_one_scale_interval_is_refused_for_every_preparation(make: Any) -> None:
    """F16: "weigh 6 mg" on a 1 mg balance whose documented minimum was 1 mg (8 % off)."""
    with pytest.raises(lc.InputError) as err:
        orders.FORMULATE[make.__name__](make(balance=ONE_MG))
    assert (err.value.code, err.value.field) == (
        "minimum-weight-below-rule",
        "balance.minimum_weight",
    )
    assert "'1 mg'" in str(err.value) and "at least 10 mg" in str(err.value)


def test_the_rule_is_acknowledgeable_and_then_warned() -> None:
    order = orders.capsules(balance=ONE_MG, acknowledge=("minimum-weight-below-rule",))
    result = lc.formulate_capsules(order)
    assert "minimum-weight-below-rule" in {w.code for w in result.warnings}


def test_a_torsion_balance_at_10_percent_error_is_below_the_5_percent_rule() -> None:
    """The sensitivity route allowed up to 10 % error: the same 5 % rule now applies to it."""
    torsion = lc.Balance.torsion(
        sensitivity=lc.mass("6 mg"), max_error=lc.percent("10 %"), readability=lc.mass("10 mg")
    )
    with pytest.raises(lc.InputError) as err:
        lc.formulate_capsules(orders.capsules(balance=torsion))
    assert err.value.code == "minimum-weight-below-rule"
    assert "at least 120 mg" in str(err.value)


def test_the_cli_names_min_weight() -> None:
    args = [*orders.COMMANDS["capsules"]]
    args[args.index("--min-weight") + 1] = "5 mg"
    error = error_of(args)
    assert (error["code"], error["option"]) == ("minimum-weight-below-rule", "--min-weight")
    assert "at least 10 mg" in error["message"]


@given(
    readability=st.sampled_from([Decimal("0.01"), Decimal("0.1"), Decimal(1), Decimal(10)]),
    intervals=st.integers(min_value=1, max_value=40),
    dose=st.sampled_from(["0.5 mg", "1.5 mg", "4.5 mg"]),
)
def test_every_weighing_is_at_or_above_a_minimum_that_meets_the_rule(
    readability: Decimal, intervals: int, dose: str
) -> None:
    """Every weighing >= the minimum weight, which itself is >= the 5 % rule (10 intervals)."""
    d = lc.Quantity(readability, lc.Unit.MG)
    minimum = lc.Quantity(readability * intervals, lc.Unit.MG)
    balance = lc.Balance.documented(minimum_weight=minimum, readability=d)
    order = orders.capsules(balance=balance, dose=lc.mass(dose), source=orders.api())
    if intervals < 10:
        with pytest.raises(lc.InputError) as err:
            lc.formulate_capsules(order)
        assert err.value.code == "minimum-weight-below-rule"
        return
    try:
        result = lc.formulate_capsules(order)
    except lc.FormulationError:
        return  # a batch too small for this balance is refused for its own reason
    for weighing in result.weighings:
        assert weighing.amount >= minimum
        assert weighing.amount.m_as(lc.Unit.MG) * Decimal("0.05") >= readability / 2


# --- F27: a dose stated to more figures than any plan resolves --------------------------------


@pytest.mark.parametrize(
    ("dose", "meant"),
    [("4.4999 mg", "4.5 mg"), ("0.333333 mg", "0.333 mg"), ("0.3333 mg", "0.333 mg")],
)
@pytest.mark.parametrize("make", [orders.capsules, orders.troches, orders.liquid, orders.drops])
def test_an_artefact_dose_is_refused_with_the_rounder_value(
    dose: str, meant: str, make: Any
) -> None:
    """F27: "naltrexone HCl 4.4999 mg per capsule" reached the label."""
    with pytest.raises(lc.InputError) as err:
        orders.FORMULATE[make.__name__](make(dose=lc.mass(dose)))
    assert (err.value.code, err.value.field) == ("dose-precision", "dose")
    assert f"did you mean {meant}?" in str(err.value)


def test_an_acknowledged_artefact_dose_is_computed_with_a_warning() -> None:
    order = orders.capsules(dose=lc.mass("4.4999 mg"), acknowledge=("dose-precision",))
    result = lc.formulate_capsules(order)
    assert "dose-precision" in {w.code for w in result.warnings}


def test_the_cli_names_dose() -> None:
    args = [*orders.COMMANDS["capsules"]]
    args[args.index("--dose") + 1] = "4.4999 mg"
    error = error_of(args)
    assert (error["code"], error["option"]) == ("dose-precision", "--dose")
    assert "did you mean 4.5 mg?" in error["message"]


@given(st.integers(min_value=100, max_value=999), st.integers(min_value=-4, max_value=1))
def test_a_dose_of_three_significant_figures_is_never_an_artefact(digits: int, exp: int) -> None:
    from ldncompound._dose import rounder_value  # noqa: PLC0415

    assert rounder_value(Decimal(digits).scaleb(exp - 2)) is None


@given(
    st.integers(min_value=1, max_value=999),
    st.integers(min_value=-4, max_value=1),
    st.integers(min_value=1, max_value=9),
)
def test_a_dose_a_ten_thousandth_off_a_rounder_one_is_an_artefact(
    digits: int, exp: int, off: int
) -> None:
    from ldncompound._dose import rounder_value  # noqa: PLC0415

    meant = Decimal(digits).scaleb(exp)
    dose = meant + meant * off / 100_000 if off % 2 else meant - meant * off / 100_000
    found = rounder_value(dose)
    assert found is not None and abs(found - dose) * 1000 < dose


# --- F22: a trituration stock's dates ---------------------------------------------------------


def stock(**kw: Any) -> lc.TriturationStock:
    args: dict[str, Any] = {
        "strength": lc.percent("10 %"),
        "diluent": "microcrystalline cellulose",
        "bud": orders.EXP,
        "lot": "S1",
    }
    return lc.TriturationStock(**(args | kw))


def test_a_stock_bud_beyond_180_days_from_made_on_is_capped_with_a_warning() -> None:
    """F22: a stock made 2026-11-01 with a "BUD" of 2028-01-01 (426 days) was trusted."""
    made = orders.DAY.replace(day=1)
    result = lc.formulate_capsules(orders.capsules(source=stock(made_on=made)))
    assert "stock-bud-capped" in {w.code for w in result.warnings}
    assert result.bud.date <= made + dt.timedelta(days=179)


@pytest.mark.parametrize("make", [orders.capsules, orders.troches])
def test_a_stock_made_after_the_compounding_date_is_refused(make: Any) -> None:
    later = orders.DAY.replace(day=30)
    with pytest.raises(lc.InputError) as err:
        orders.FORMULATE[make.__name__](make(source=stock(made_on=later)))
    assert (err.value.code, err.value.field) == ("stock-made-after-compounding", "stock.made_on")


def test_a_stock_past_its_usp_limit_is_refused_naming_made_on() -> None:
    old = orders.DAY.replace(year=2025)
    with pytest.raises(lc.InputError) as err:
        lc.formulate_capsules(orders.capsules(source=stock(made_on=old)))
    assert (err.value.code, err.value.field) == ("stock-beyond-usp-bud", "stock.made_on")


def test_a_stock_without_made_on_is_warned_unverified() -> None:
    result = lc.formulate_troches(orders.troches(source=stock()))
    assert "stock-made-on-unknown" in {w.code for w in result.warnings}


@given(st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=800))
def test_the_stock_is_never_used_past_180_days_from_made_on(age: int, stated: int) -> None:
    made = orders.DAY - dt.timedelta(days=age)
    bud = made + dt.timedelta(days=stated)
    s = stock(made_on=made, bud=bud)
    assert s.expiry <= made + dt.timedelta(days=179)
    assert s.expiry <= bud


def test_the_cli_names_stock_made_on() -> None:
    args = [
        "capsules",
        *("--dose", "4.5 mg", "--count", "30", "--source", "stock"),
        *("--stock-strength", "10 %", "--stock-diluent", "lactose", "--lot", "S1"),
        *("--expiry", "2027-05-01", "--stock-made-on", "2026-11-25"),
        *("--compounded-on", "2026-11-21", "--class-iii"),
    ]
    error = error_of(args)
    assert (error["code"], error["option"]) == ("stock-made-after-compounding", "--stock-made-on")


# --- F36 and F23: a fill that does not fit, named by the input that drives it ------------------


def test_a_fixed_fill_weight_that_does_not_fit_the_named_size_is_refused() -> None:
    """F36: 900 mg in a size 3 (1000 % of it) was only a warning."""
    order = orders.capsules(
        source=orders.api(),
        method=lc.CapsuleMethod.FIXED_WEIGHT,
        fill_weight=lc.mass("900 mg"),
        size="3",
    )
    with pytest.raises(lc.FormulationError) as err:
        lc.formulate_capsules(order)
    assert (err.value.code, err.value.field) == ("overfill", "fill_weight")
    assert "'900 mg' needs" in str(err.value) and "size 3" in str(err.value)


def test_an_overfill_from_a_weak_stock_names_the_stock_strength() -> None:
    """F23: "the fill does not fit even a size 000 capsule" named neither input nor value."""
    args = [
        "capsules",
        *("--dose", "4.5 mg", "--count", "30", "--source", "stock"),
        *("--stock-strength", "0.01 %", "--stock-diluent", "lactose", "--lot", "S1"),
        *("--expiry", "2027-05-01", "--stock-made-on", "2026-11-20"),
        *("--compounded-on", "2026-11-21", "--class-iii"),
    ]
    code, text = run(args)
    assert code == 1
    assert "--stock-strength: '0.01 %' needs 45000 mg" in text
    assert "size 000" in text


def test_a_fixed_fill_weight_that_fits_is_planned() -> None:
    order = orders.capsules(
        source=orders.api(),
        method=lc.CapsuleMethod.FIXED_WEIGHT,
        fill_weight=lc.mass("80 mg"),
        size="3",
    )
    result = lc.formulate_capsules(order)
    assert result.fill_fraction.m_as(lc.Unit.PERCENT) <= 100


# --- F13, F12, F29, F35: what the worksheet and the brief say ----------------------------------


@pytest.mark.parametrize("make", [orders.capsules, orders.troches])
def test_a_qc_sample_larger_than_the_batch_is_warned_not_reduced_in_silence(make: Any) -> None:
    """F13: `--qc-sample 100` became 33 without a word."""
    result = orders.FORMULATE[make.__name__](make(qc_sample=100))
    (warning,) = [w for w in result.warnings if w.code == "qc-sample-reduced"]
    assert "100" in warning.message and f"{result.batch_count} made" in warning.message
    assert result.qc.sample_size == result.batch_count


def test_the_capsule_worksheet_states_one_gross_window() -> None:
    """F12: "gross 96135-96165 mg" in the procedure, "96140 mg to 96170 mg" in the QC block:
    both are now given to 4 significant figures."""
    shells = lc.ShellLot(lot="S1", weight=lc.mass("38.373 mg"))
    result = lc.formulate_capsules(orders.capsules(shells=shells))
    text = lc.render_worksheet(result)
    low, high = result.gross_window.low.magnitude, result.gross_window.high.magnitude
    assert len(low.normalize().as_tuple().digits) > 4  # the two roundings would differ
    four = [f"{x:.4g}" if x < 1000 else str(int(x.quantize(Decimal(10)))) for x in (low, high)]
    assert f"gross {four[0]}-{four[1]} mg" in text
    assert f"{four[0]} mg to {four[1]} mg" in text


def test_troche_windows_are_stated_to_four_figures() -> None:
    """F29: "FILL 33 cavities, 1198.07 mg each (each 1078.26 mg-1317.88 mg)" on a 10 mg
    balance: hundredths of a milligram nobody can weigh. The brief, the procedure and the
    worksheet's window state one window, to 4 significant figures."""
    from ldncompound._numbers import significant  # noqa: PLC0415

    mold = lc.MoldCalibration(blank_weight=lc.mass("1198.07 mg"), blanks_weighed=24)
    result = lc.formulate_troches(orders.troches(mold=mold))
    low, high = (significant(x.magnitude, 4) for x in (result.qc.low, result.qc.high))
    assert len(result.qc.low.magnitude.normalize().as_tuple().digits) > 4
    assert f"(each {low} mg-{high} mg)" in lc.render_brief(result)
    sheet = lc.render_worksheet(result)
    assert f"each must be {low}-{high} mg" in sheet
    assert f"{low} mg to {high} mg" in sheet


def test_one_tablet_to_crush_is_singular() -> None:
    """F35: "CRUSH 1 tablets"."""
    result = lc.formulate_capsules(orders.capsules(dose=lc.mass("0.5 mg"), count=10))
    assert result.tablets_to_crush == 1
    assert "CRUSH 1 tablet first." in lc.render_brief(result)
    assert "Crush 1 naltrexone HCl 50 mg tablet to" in lc.render_worksheet(result)


def test_the_stock_limit_is_the_bud_table_s_nonaqueous_solid() -> None:
    from ldncompound._sources import STOCK_BUD_DAYS  # noqa: PLC0415

    assert lc.BudCategory.NONAQUEOUS_SOLID.days == STOCK_BUD_DAYS


def test_a_caller_drug_is_matched_by_its_form_names_too() -> None:
    """A drug built by the caller: an other ingredient named as one of its forms is it."""
    form = lc.SaltForm(
        key="base", name="prasterone", short_name="prasterone", molar_mass=Decimal(1)
    )
    dhea = lc.Drug(name="DHEA", forms=(form,), default_basis="base")
    assert drug_identity.same_drug(dhea, "Prasterone") == "DHEA (the name of its form prasterone)"
    assert drug_identity.same_drug(dhea, "sucralose") is None


def test_a_second_drug_whose_form_is_named_as_the_order_s_drug_is_refused() -> None:
    """The other drug's own form names naltrexone: matched whichever side names the other."""
    form = lc.SaltForm(key="s", name="naltrexone", short_name="Y", molar_mass=Decimal(300))
    other = lc.Drug(name="Y", forms=(form,), default_basis="s")
    assert drug_identity.same_drug_as(lc.NALTREXONE, other) == "naltrexone under another name"
    active = lc.CapsuleActive(dose=lc.mass("1 mg"), source=orders.api(form="s", drug=other))
    with pytest.raises(lc.InputError) as err:
        orders.capsules(additional_actives=(active,))
    assert err.value.code == "duplicate-active"


def test_a_fixed_fill_weight_no_size_holds_names_the_fill_weight() -> None:
    order = orders.capsules(
        source=orders.api(), method=lc.CapsuleMethod.FIXED_WEIGHT, fill_weight=lc.mass("9 g")
    )
    with pytest.raises(lc.FormulationError) as err:
        lc.formulate_capsules(order)
    assert (err.value.code, err.value.field) == ("overfill", "fill_weight")
    assert "size 000 capsule, the largest size" in str(err.value)
