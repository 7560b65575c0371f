"""The bench options on the command line (issue 13): chosen dilutions, the dose per drop,
calibrate-dropper as JSON."""

from __future__ import annotations

import json

import orders
import pytest
import schema_check
from click.testing import CliRunner
from ldncompound_cli import cli

import ldncompound as lc


def run_json(*args: str) -> dict:
    out = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def test_capsules_keep_the_trituration_ratio_and_aliquot_mass():
    data = run_json(*orders.COMMANDS["capsules"], "--trituration-ratio", "1:3")
    stages = data["plan"]["stages"]
    assert stages and {s["ratio"] for s in stages} == {3}
    assert data["order"]["trituration_ratio"] == 3


def test_troches_keep_the_trituration_ratio():
    data = run_json(*orders.COMMANDS["troches"], "--trituration-ratio", "1 in 5")
    assert {s["ratio"] for s in data["plan"]["stages"]} == {5}


def test_liquid_keeps_the_stock_volume():
    data = run_json(*orders.COMMANDS["liquid"], "--stock-volume", "20 mL")
    assert data["batch"]["plan"]["stock_volume"] == {"value": "20", "unit": "mL"}


def test_drops_by_the_dose_per_drop():
    data = run_json(*orders.COMMANDS["drops"], "--dose-per-drop", "0.5 mg")
    assert data["concentration"] == {"value": "8", "unit": "mg/mL"}
    assert data["drops_per_dose"] == 9


def test_an_aliquot_mass_below_the_minimum_is_refused_naming_the_option():
    out = CliRunner().invoke(cli, [*orders.COMMANDS["capsules"], "--aliquot-mass", "10 mg"])
    assert out.exit_code == 2
    assert "--aliquot-mass: '10 mg' is below the balance minimum of 50 mg" in out.output


# --- calibrate-dropper --format json (issue 13 §3) ---------------------------------------------


def test_calibrate_dropper_json_has_a_schema_id_and_validates():
    """WE-15: 40 drops to the 2.5 mL mark is 16 drops per mL ([D]); 0.0625 mL a drop."""
    data = run_json(
        "calibrate-dropper",
        "--calibration-drops",
        "40",
        "--calibration-volume",
        "2.5 mL",
        "--dropper",
        "D7",
    )
    schema_check.validate(data)
    assert data["schema"] == "ldncompound/dropper-calibration/1"
    assert data["drops_per_ml"] == {"value": "16", "unit": "drop/mL"}
    assert data["volume_per_drop"] == {"value": "0.0625", "unit": "mL"}
    assert data["calibration"] == {
        "drops": 40,
        "volume": {"value": "2.5", "unit": "mL"},
        "dropper": "D7",
        "nominal": False,
    }
    result = lc.from_json(data)
    assert result == lc.calibration_result(
        lc.calibrate_dropper(drops=40, volume=lc.volume("2.5 mL"), dropper="D7")
    )


def test_a_calibration_from_few_or_implausible_drops_is_warned_not_refused():
    few = lc.calibration_result(
        lc.calibrate_dropper(drops=12, volume=lc.volume("0.5 mL"), dropper="D")
    )
    assert [w.code for w in few.warnings] == ["calibration-few-drops"]
    odd = lc.calibration_result(
        lc.calibrate_dropper(drops=90, volume=lc.volume("1 mL"), dropper="D")
    )
    assert "dropper-implausible" in [w.code for w in odd.warnings]
    assert "[dropper-implausible]" in lc.render_worksheet(odd)
    nominal = lc.calibration_result(lc.NOMINAL_DROPPER)
    assert nominal.warnings == () and nominal.drops_per_ml.magnitude == 20
    # a calibration renders as its result
    assert lc.render_worksheet(lc.NOMINAL_DROPPER) == lc.render_worksheet(nominal)
    with pytest.raises(lc.InputError):
        lc.calibration_result("40 drops")  # type: ignore[arg-type]


# --- liquid and drops kits from the options, records per kit batch (issue 13 §3) ------------

KIT = [
    "titrate",
    "--step",
    "0.5 mg:14",
    "--step",
    "1 mg:14",
    "--maintenance",
    "1.5 mg",
    "--maintenance-days",
    "14",
    "--start",
    "2026-11-21",
]


def _fill_options(name: str) -> list[str]:
    """The valid order's options without the dose, supply and concentration (set per fill)."""
    args = list(orders.COMMANDS[name][1:])
    for flag in ("--dose", "--doses-per-day", "--days", "--concentration"):
        if flag in args:
            i = args.index(flag)
            del args[i : i + 2]
    return args


def test_a_liquid_kit_from_the_liquid_options_is_the_kit_from_the_same_order_document(tmp_path):
    from_options = run_json(*KIT, "--form", "liquid", *_fill_options("liquid"))
    template = tmp_path / "liquid.json"
    template.write_text(json.dumps(lc.order_document(orders.liquid(concentration=None))))
    from_document = run_json(*KIT, "--form", "liquid", "--template", str(template))
    assert len(from_options["fills"]) == len(from_document["fills"]) == 3
    for key in ("concentration", "directions", "fills", "schedule"):
        assert from_options[key] == from_document[key], key
    assert from_options["order"]["liquid"]["template"]["vehicle"]["lot"] == "W1"


def test_a_drops_kit_from_the_drops_options():
    data = run_json(*KIT, "--form", "drops", *_fill_options("drops"))
    assert data["order"]["drops"]["template"]["calibration"]["drops"] == 40
    assert len(data["drops_fills"]) == len(data["fills"]) >= 1
    assert all(d["drops"] >= 1 for d in data["directions"])


def test_a_kit_is_described_by_options_or_a_document_not_both(tmp_path):
    template = tmp_path / "liquid.json"
    template.write_text(json.dumps(lc.order_document(orders.liquid())))
    out = CliRunner().invoke(
        cli, [*KIT, "--form", "liquid", "--template", str(template), *_fill_options("liquid")]
    )
    assert out.exit_code == 2
    assert "--template and --source both describe the kit's fills" in out.output


def test_each_batch_of_a_kit_gets_its_own_record(tmp_path):
    kit = tmp_path / "kit.json"
    out = CliRunner().invoke(
        cli, [*KIT, "--form", "liquid", *_fill_options("liquid"), "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    kit.write_text(out.output)
    data = json.loads(out.output)
    who = ["--record-id", "K1", "--compounded-by", "AB", "--format", "json"]
    second = run_json("record", str(kit), "--batch", "2", *who)
    fill = data["liquid_fills"][1]
    assert second["result"]["order"]["compounded_on"] == fill["order"]["compounded_on"]
    assert second["result"]["batch"] == fill["batch"]
    missing = CliRunner().invoke(cli, ["record", str(kit), *who])
    assert missing.exit_code == 2
    assert "--batch is required for a titration kit: the kit makes 3 batches" in missing.output
    beyond = CliRunner().invoke(cli, ["record", str(kit), "--batch", "4", *who])
    assert beyond.exit_code == 2
    assert "--batch: 4 is not a batch of this kit (3 batches)" in beyond.output
    single = tmp_path / "single.json"
    single.write_text(json.dumps(run_json(*orders.COMMANDS["liquid"])))
    one = CliRunner().invoke(cli, ["record", str(single), "--batch", "1", *who])
    assert one.exit_code == 2
    assert "not a titration kit" in one.output
