"""A figure of the order against the pharmacy profile's figure of the same lot or device
(probe2 P14): the caller's tablet weight for the profile's tablet lot, a dropper calibrated
again in the same vehicle, a filler lot's pack stat or density, a shell lot's weight. Beyond
the cited tolerance the order is refused unless it acknowledges the check's code."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import orders
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from ldncompound_cli import cli
from test_profile import FILLER, TEMPLATE, read, tablets_doc

import ldncompound as lc
from ldncompound._profile import same_name
from ldncompound._supplied import PROFILE_FIGURES

PROFILE_WEIGHT = Decimal("201.4")


def tablets(weight: str, *acknowledge: str) -> dict[str, Any]:
    doc = lc.apply_profile(tablets_doc(average_weight=weight), read(TEMPLATE))
    doc["acknowledge"] = [*doc.get("acknowledge", []), *acknowledge]
    return doc


# --- tablets --------------------------------------------------------------------------------


def test_a_tablet_weight_far_from_the_profiles_lot_is_refused_naming_both():
    doc = tablets("300 mg")
    assert doc["source"]["lot"] == "TB-118"  # the profile's lot, with the caller's weight
    assert doc["profile_figures"] == [
        {
            "field": "source.average_weight",
            "value": "201.4 mg",
            "key": "tablets[1].average_weight",
            "of": "Naltrexone HCl 50 mg film-coated tablets (50 mg, lot TB-118)",
        }
    ]
    with pytest.raises(lc.InputError) as info:
        lc.run_order(doc, today=orders.DAY)
    err = info.value
    assert err.code == "tablet-weight-differs-from-profile"
    assert err.field == "tablets.average_weight"
    message = str(err)
    assert message.startswith("tablets.average_weight: '300 mg' differs by 49 % from 201.4 mg")
    for words in ("tablets[1].average_weight", "lot TB-118", "more than the 5 % allowed"):
        assert words in message
    assert message.endswith(".") and "\n" not in message


def test_an_acknowledged_difference_is_a_warning_and_recomputes():
    doc = tablets("300 mg", "tablet-weight-differs-from-profile")
    result = lc.run_order(doc, today=orders.DAY)
    (warning,) = [w for w in result.warnings if w.code == "tablet-weight-differs-from-profile"]
    assert "201.4 mg" in warning.message and "acknowledged on the order" in warning.message
    assert "acknowledgement-unused" not in {w.code for w in result.warnings}
    lc.check_recomputes(result)
    again = lc.read_result(lc.dumps(result))
    lc.check_recomputes(again)
    assert again.order.profile_figures == result.order.profile_figures


def test_a_weight_within_the_tolerance_is_used_without_a_word():
    result = lc.run_order(tablets("205 mg"), today=orders.DAY)
    assert not {w.code for w in result.warnings} & {"tablet-weight-differs-from-profile"}
    assert result.order.source.average_weight == lc.mass("205 mg")


def test_the_profiles_own_weight_keeps_the_order_as_it_was():
    doc = tablets("201.4 mg")
    assert "profile_figures" not in doc
    result = lc.run_order(doc, today=orders.DAY)
    assert "profile_figures" not in json.loads(lc.dumps(result))["order"]


def test_an_implausible_weight_is_refused_as_implausible_first():
    with pytest.raises(lc.InputError) as info:
        lc.run_order(tablets("2014 mg"), today=orders.DAY)
    assert info.value.code == "tablet-weight-implausible"


def test_another_lot_is_not_compared():
    doc = lc.apply_profile(tablets_doc(average_weight="300 mg", lot="T9"), read(TEMPLATE))
    assert "profile_figures" not in doc


@given(st.decimals(min_value=176, max_value=400, places=1))
def test_refused_exactly_beyond_five_percent_of_the_profiles_weight(weight):
    doc = tablets(f"{weight} mg")
    beyond = abs(weight - PROFILE_WEIGHT) / PROFILE_WEIGHT > Decimal("0.05")
    if not beyond:
        result = lc.run_order(doc, today=orders.DAY)
        assert result.order.source.average_weight == lc.mass(f"{weight} mg")
        return
    with pytest.raises(lc.InputError) as info:
        lc.run_order(doc, today=orders.DAY)
    assert info.value.code == "tablet-weight-differs-from-profile"
    assert f"'{lc.mass(f'{weight} mg')}'" in str(info.value) and "201.4 mg" in str(info.value)


# --- droppers -------------------------------------------------------------------------------

MCT = lc.order_document(orders.drops(vehicle=lc.VehicleLot(vehicle=lc.vehicle("mct-oil"))))


def drops(drops_counted: int, dropper: str = "Amber Dropper D7", vehicle: Any = None) -> Any:
    doc = orders.document("drops")
    doc["vehicle"] = vehicle or MCT["vehicle"]
    doc["calibration"] = {"drops": drops_counted, "volume": "2 mL", "dropper": dropper}
    doc["calibration"]["nominal"] = False
    doc["acknowledge"] = ["aliquot-solubility-unknown"]
    return lc.apply_profile(doc, read(TEMPLATE))


def test_a_dropper_recalibrated_at_half_the_profiles_drops_is_refused():
    doc = drops(20)  # 10 drops/mL; the profile's amber dropper D7 in MCT oil: 20 drops/mL
    with pytest.raises(lc.InputError) as info:
        lc.run_order(doc, today=orders.DAY)
    err = info.value
    assert err.code == "dropper-calibration-differs-from-profile"
    assert err.field == "calibration"
    assert "differs by 50 % from 20 drops/mL" in str(err)
    assert "dropper 'amber dropper D7' in mct-oil" in str(err)
    assert "15 %" in str(err)


@pytest.mark.parametrize(
    ("counted", "dropper", "vehicle", "compared"),
    [
        (37, "amber dropper D7", None, True),  # 18.5 drops/mL: 7.5 % off, within 15 %
        (20, "D9", None, False),  # another dropper
        (20, "amber dropper D7", "nz", False),  # the same dropper in another vehicle
    ],
)
def test_only_the_same_dropper_in_the_same_vehicle_is_compared(counted, dropper, vehicle, compared):
    doc = drops(counted, dropper, orders.document("drops")["vehicle"] if vehicle else None)
    assert ("profile_figures" in doc) is compared
    result = lc.run_order(doc, today=orders.DAY)
    assert "dropper-calibration-differs-from-profile" not in {w.code for w in result.warnings}


# --- filler and shells ----------------------------------------------------------------------


def capsules(profile: str, **changes: Any) -> Any:
    doc = tablets_doc(average_weight="201.4 mg", expiry="2028-01-01")
    doc.update(changes)
    return lc.apply_profile(doc, read(profile))


def test_a_pack_stat_far_from_the_profiles_filler_lot_is_refused():
    profile = FILLER.format(extra='pack_stat = "150 mg"\npack_stat_size = "1"')
    filler = {"filler": "mcc", "lot": "default", "expiry": "default", "density": "default"}
    own = {"size": "0", "filler_per_capsule": "300 mg", "method": "default"}
    own["capsules_measured"] = "default"  # 0.44 g/mL packed; the lot: 0.3
    doc = capsules(profile, filler={**filler, "pack_stat": own})
    with pytest.raises(lc.InputError) as info:
        lc.run_order(doc, today=orders.DAY)
    assert info.value.code == "filler-differs-from-profile"
    assert "300 mg in a size 0 capsule" in str(info.value)
    close = own | {"filler_per_capsule": "205 mg"}  # 0.30 g/mL, the same packing
    lc.run_order(capsules(profile, filler={**filler, "pack_stat": close}), today=orders.DAY)


def test_a_density_far_from_the_profiles_filler_lot_is_refused():
    profile = FILLER.format(extra='density = "0.42 g/mL"')
    filler = {"filler": "mcc", "lot": "F1", "expiry": "default", "pack_stat": "default"}
    doc = capsules(profile, filler={**filler, "density": "0.3 g/mL"})
    with pytest.raises(lc.InputError) as info:
        lc.run_order(doc, today=orders.DAY)
    assert (info.value.code, info.value.field) == ("filler-differs-from-profile", "filler.density")


def test_a_shell_weight_is_compared_for_the_profiles_size_only():
    shells = {"material": "gelatin", "lot": "S-5120", "expiry": "default", "weight": "120 mg"}
    doc = capsules(TEMPLATE, shells=shells, size="0")
    with pytest.raises(lc.InputError) as info:
        lc.run_order(doc, today=orders.DAY)
    assert info.value.code == "shell-weight-differs-from-profile"
    assert "shells gelatin size 0, lot S-5120" in str(info.value)
    other_size = capsules(TEMPLATE, shells=shells | {"weight": "50 mg"}, size="3")
    assert "profile_figures" not in other_size


def test_every_compared_figure_has_an_acknowledgeable_code_and_a_marked_source():
    for check in PROFILE_FIGURES.values():
        assert check.check.code in lc.ACKNOWLEDGEABLE
        assert "[" in check.source and "]" in check.source


# --- the command line -----------------------------------------------------------------------

API = ("--source", "api", "--api-form", "hcl", "--assay", "100 %", "--assay-basis", "as-is")
API += ("--lot", "A1", "--expiry", "2030-01-01", "--compounded-on", "2026-11-21")


def test_cli_a_tablet_weight_far_from_the_profiles_is_refused_then_acknowledged(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(TEMPLATE, encoding="utf-8")
    args = ["capsules", "--dose", "4.5 mg", "--count", "30", "--source", "tablets"]
    args += ["--tablet-weight", "300 mg", "--profile", str(path), "--compounded-on", "2026-11-21"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2, res.output
    assert "Error: --tablet-weight: '300 mg' differs by 49 % from 201.4 mg" in res.output
    assert "Traceback" not in res.output
    ack = ["--acknowledge", "tablet-weight-differs-from-profile", "--format", "json"]
    res = CliRunner().invoke(cli, args + ack)
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert "tablet-weight-differs-from-profile" in {w["code"] for w in data["warnings"]}
    assert data["order"]["profile_figures"][0]["value"] == "201.4 mg"


def test_cli_a_dropper_recalibrated_in_the_same_vehicle_is_refused(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(TEMPLATE, encoding="utf-8")
    args = ["drops", *API, "--class-iii", "--profile", str(path), "--vehicle", "mct-oil"]
    args += ["--dose", "1.5 mg", "--doses-per-day", "1", "--days", "14"]
    args += ["--acknowledge", "aliquot-solubility-unknown"]
    args += ["--dropper", "amber dropper D7", "--calibration-volume", "2 mL"]
    res = CliRunner().invoke(cli, [*args, "--calibration-drops", "20"])
    assert res.exit_code == 2, res.output
    assert "Error: --calibration-drops: '20 drops in 2 mL (10 drops/mL)' differs by 50 %" in (
        res.output
    )
    res = CliRunner().invoke(cli, [*args, "--calibration-drops", "40"])
    assert res.exit_code == 0, res.output


# --- balances -------------------------------------------------------------------------------


def balance_doc(**figures: str) -> dict[str, Any]:
    doc = tablets_doc(average_weight="201.4 mg")
    doc["balance"] = dict(orders.document("capsules")["balance"], **figures)
    return lc.apply_profile(doc, read(TEMPLATE))


def test_a_balance_named_as_the_profiles_with_another_minimum_weight_is_refused():
    doc = balance_doc(name="Analytical Balance B1", minimum_weight="20 mg", readability="1 mg")
    with pytest.raises(lc.InputError) as info:
        lc.run_order(doc, today=orders.DAY)
    err = info.value
    assert (err.code, err.field) == ("balance-differs-from-profile", "balance.minimum_weight")
    assert "'20 mg' differs by 60 % from 50 mg" in str(err)
    assert "balance 'analytical balance B1'" in str(err)
    doc["acknowledge"] = ["balance-differs-from-profile"]
    result = lc.run_order(doc, today=orders.DAY)
    assert "balance-differs-from-profile" in {w.code for w in result.warnings}


@pytest.mark.parametrize(
    "figures",
    [
        {"name": "analytical balance B1", "minimum_weight": "50 mg", "readability": "1 mg"},
        {"name": "balance", "minimum_weight": "20 mg", "readability": "1 mg"},  # library's name
        {"name": "B2", "minimum_weight": "20 mg", "readability": "1 mg"},  # another balance
    ],
)
def test_the_same_figures_a_library_name_or_another_balance_are_not_refused(figures):
    doc = balance_doc(**figures)
    assert "profile_figures" not in doc
    lc.run_order(doc, today=orders.DAY)


def test_a_profile_calibration_with_a_repeating_decimal_is_kept_to_six_figures():
    profile = TEMPLATE.replace('drops = 40\nvolume = "2 mL"', 'drops = 40\nvolume = "1.3 mL"')
    doc = orders.document("drops")
    doc["vehicle"] = MCT["vehicle"]
    doc["calibration"] = {"drops": 26, "volume": "1.3 mL", "dropper": "amber dropper D7"}
    doc["calibration"]["nominal"] = False
    doc["acknowledge"] = ["aliquot-solubility-unknown"]
    doc = lc.apply_profile(doc, read(profile))
    assert doc["profile_figures"][0]["value"] == "30.7692 drops/mL"
    with pytest.raises(lc.InputError) as info:
        lc.run_order(doc, today=orders.DAY)
    assert info.value.code == "dropper-calibration-differs-from-profile"


def test_an_unknown_profile_figure_field_is_refused_in_a_document():
    doc = orders.document("capsules")
    doc["profile_figures"] = [{"field": "source.assay", "value": "99 %", "key": "k", "of": "o"}]
    with pytest.raises(lc.InputError) as info:
        lc.load_order(doc)
    assert "is not a figure compared with the pharmacy profile" in str(info.value)


# --- lots and names written in another case or with spaces (probe3 Q3, Q21) ----------------


@pytest.mark.parametrize("lot", ["tb-118", "TB-118 ", " Tb-118"])
def test_the_profiles_tablet_lot_in_another_case_or_spacing_is_the_profiles_lot(lot):
    doc = lc.apply_profile(tablets_doc(average_weight="300 mg", lot=lot), read(TEMPLATE))
    with pytest.raises(lc.InputError) as info:
        lc.run_order(doc, today=orders.DAY)
    assert info.value.code == "tablet-weight-differs-from-profile"
    # without a weight of its own, the lot takes the profile's figures
    filled = lc.apply_profile(tablets_doc(lot=lot), read(TEMPLATE))
    assert filled["source"]["average_weight"] == "201.4 mg"


def test_the_profiles_tablet_product_in_lower_case_is_the_profiles_product():
    product = "naltrexone hcl 50 mg film-coated tablets"
    doc = lc.apply_profile(tablets_doc(average_weight="300 mg", product=product), read(TEMPLATE))
    with pytest.raises(lc.InputError) as info:
        lc.run_order(doc, today=orders.DAY)
    assert info.value.code == "tablet-weight-differs-from-profile"


@pytest.mark.parametrize("lot", ["f1", " F1 "])
def test_the_profiles_filler_lot_in_another_case_is_compared(lot):
    profile = FILLER.format(extra='density = "0.42 g/mL"')
    filler = {"filler": "mcc", "lot": lot, "expiry": "default", "pack_stat": "default"}
    doc = capsules(profile, filler={**filler, "density": "0.3 g/mL"})
    with pytest.raises(lc.InputError) as info:
        lc.run_order(doc, today=orders.DAY)
    assert (info.value.code, info.value.field) == ("filler-differs-from-profile", "filler.density")


@pytest.mark.parametrize("lot", ["s-5120", "S-5120 "])
def test_the_profiles_shell_lot_in_another_case_is_compared(lot):
    shells = {"material": "gelatin", "lot": lot, "expiry": "default", "weight": "120 mg"}
    doc = capsules(TEMPLATE, shells=shells, size="0")
    with pytest.raises(lc.InputError) as info:
        lc.run_order(doc, today=orders.DAY)
    assert info.value.code == "shell-weight-differs-from-profile"


@given(
    st.sampled_from(["TB-118", "F-2291", "amber dropper D7", "analytical balance B1"]),
    st.lists(st.booleans(), min_size=1, max_size=30),
    st.sampled_from(["", " ", "\t", "  "]),
)
def test_same_name_ignores_case_and_surrounding_spacing_only(name, upper, pad):
    """One normalising rule for every name compared with the profile's: case and spacing
    around (and between) words do not make another lot; any other character does."""
    flipped = "".join(c.upper() if upper[i % len(upper)] else c.lower() for i, c in enumerate(name))
    assert same_name(name, f"{pad}{flipped}{pad}")
    assert not same_name(name, f"{name}X")
    assert not same_name(name, name.replace("-", "") if "-" in name else f"{name}1")


def test_the_profiles_dropper_named_alone_takes_its_calibration():
    doc = orders.document("drops")
    doc["vehicle"] = MCT["vehicle"]
    doc["calibration"] = {"dropper": "Amber Dropper D7 "}
    two = (
        TEMPLATE
        + '[[droppers]]\ndropper = "D9"\nvehicle = "mct-oil"\ndrops = 38\nvolume = "2 mL"\n'
    )
    out = lc.apply_profile(doc, read(two))
    assert out["calibration"]["dropper"] == "amber dropper D7"
    assert "calibration" in out["from_profile"]
    out = lc.apply_profile(doc | {"calibration": {"dropper": "d9"}}, read(two))
    assert (out["calibration"]["dropper"], out["calibration"]["drops"]) == ("D9", 38)
    result = lc.run_order(out, today=orders.DAY)
    echoed = {d.field: d.value for d in result.defaults if d.source == lc.PROFILE_SOURCE}
    assert echoed["calibration"] == "38 drops in 2 mL from D9"
    # a dropper the profile did not calibrate in this vehicle is left as the caller named it
    other = lc.apply_profile(doc | {"calibration": {"dropper": "D12"}}, read(two))
    assert other["calibration"] == {"dropper": "D12"}


def test_cli_the_profiles_dropper_named_alone_takes_its_calibration(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(TEMPLATE, encoding="utf-8")
    args = ["drops", *API, "--class-iii", "--profile", str(path), "--vehicle", "mct-oil"]
    args += ["--dose", "1.5 mg", "--doses-per-day", "1", "--days", "14", "--format", "json"]
    args += ["--acknowledge", "aliquot-solubility-unknown", "--dose-per-drop", "0.5 mg"]
    res = CliRunner().invoke(cli, [*args, "--dropper", "amber dropper D7"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    echoed = {d["field"]: d["value"] for d in data["defaults"] if d["source"] == lc.PROFILE_SOURCE}
    assert echoed["calibration"] == "40 drops in 2 mL from amber dropper D7"
    res = CliRunner().invoke(cli, [*args, "--dropper", "D12"])
    assert res.exit_code == 2, res.output
    assert "dropper-without-calibration" in res.output or "without its calibration" in res.output


# --- a filler figure of the other kind (probe3 Q4) -------------------------------------------


@pytest.mark.parametrize(
    ("held", "own", "words"),
    [
        (
            'pack_stat = "150 mg"\npack_stat_size = "1"',
            {"density": "0.3 g/mL", "pack_stat": "default"},
            (
                "filler bulk density 0.3 g/mL is used for filler mcc, lot F1, for which the "
                "pharmacy profile holds a measured pack stat (as packed density) of "
            ),
        ),
        (
            'density = "0.42 g/mL"',
            {
                "density": "default",
                "pack_stat": {
                    "size": "1",
                    "filler_per_capsule": "100 mg",
                    "method": "default",
                    "capsules_measured": "default",
                },
            },
            "holds a measured filler bulk density of 0.42 g/mL (filler.density)",
        ),
    ],
)
def test_a_filler_figure_of_the_other_kind_sets_the_profiles_aside_with_a_warning(held, own, words):
    profile = FILLER.format(extra=held)
    doc = capsules(profile, filler={"filler": "mcc", "lot": "default", "expiry": "default", **own})
    result = lc.run_order(doc, today=orders.DAY)
    (w,) = [w for w in result.warnings if w.code == "profile-figure-set-aside"]
    assert words in w.message, w.message
    assert w.message.endswith("leave it out to use the profile's.")
    same = lc.apply_profile(
        tablets_doc(average_weight="201.4 mg", expiry="2028-01-01"), read(profile)
    )
    assert "profile-figure-set-aside" not in {
        w.code for w in lc.run_order(same, today=orders.DAY).warnings
    }


def test_cli_a_filler_density_for_the_profiles_pack_stat_lot_is_warned(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(
        TEMPLATE.replace(
            'lot = "F-2291"', 'lot = "F-2291"\npack_stat = "300 mg"\npack_stat_size = "1"'
        ),
        encoding="utf-8",
    )
    args = ["capsules", *API, "--dose", "4.5 mg", "--count", "30", "--profile", str(path)]
    res = CliRunner().invoke(cli, [*args, "--filler-density", "0.3 g/mL", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    (w,) = [w for w in data["warnings"] if w["code"] == "profile-figure-set-aside"]
    assert "lot F-2291" in w["message"] and "(filler.pack_stat)" in w["message"]
