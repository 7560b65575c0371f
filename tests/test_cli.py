"""The command line through CliRunner: output formats, one-sentence refusals, exit codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from ldncompound_cli import cli, main

import ldncompound as lc

BASE = [
    "capsules",
    "--dose",
    "4.5 mg",
    "--count",
    "30",
    "--source",
    "tablets",
    "--tablet-weight",
    "200 mg",
    "--expiry",
    "2027-06-30",
    "--compounded-on",
    "2026-11-21",
]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_text_worksheet():
    res = run(*BASE)
    assert res.exit_code == 0, res.output
    assert "LDN compounding worksheet" in res.output
    assert "crush 4 tablets" in res.output


def test_json_output_is_the_documented_result():
    res = run(*BASE, "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["schema"] == "ldncompound/capsules/2"
    assert lc.from_json(data).tablets_to_crush == 4


def test_full_api_order():
    res = run(
        "capsules",
        "--dose",
        "0.5 mg",
        "--count",
        "30",
        "--source",
        "api",
        "--api-form",
        "hcl-dihydrate",
        "--assay",
        "99.0 %",
        "--assay-basis",
        "anhydrous",
        "--water",
        "8.8 %",
        "--lot",
        "A1",
        "--expiry",
        "2028-01-01",
        "--filler",
        "mcc",
        "--filler-lot",
        "F1",
        "--filler-expiry",
        "2028-01-01",
        "--pack-stat",
        "110 mg",
        "--pack-stat-size",
        "3",
        "--pack-stat-method",
        "tamped",
        "--class-iii",
        "--overage",
        "10 %",
        "--shell-weight",
        "48 mg",
        "--shell-expiry",
        "2028-01-01",
        "--compounded-on",
        "2026-11-21",
        "--reference",
        "Rx 1",
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert all(float(w["amount"]["value"]) >= 120 for w in data["weighings"])
    assert data["size"] == "3"


@pytest.mark.parametrize(
    ("flag", "value", "fragment"),
    [
        ("--dose", "4,5 mg", "--dose: '4,5 mg' uses a comma"),
        ("--dose", "1,000 mg", "--dose: '1,000 mg' uses a comma"),
        ("--dose", "1e3 mg", "exponent"),
        ("--dose", "4.5 gr", "ambiguous"),
        ("--dose", "4.5", "has no unit"),
        ("--dose", "nan mg", "not a number"),
        ("--dose", "-4.5 mg", "negative"),
        ("--dose", "0 mg", "is zero"),
        ("--dose", "4.5 mL", "is a volume"),
        ("--dose", "45 mg", "dose-above-range"),
        ("--dose", "4.5 MG", "case-sensitive"),
        ("--dose", "1:1000", "ratio"),
        ("--count", "30.5", "--count: '30.5' is not a whole number"),
        ("--count", "0", "--count: '0' is zero"),
        ("--tablet-weight", "4,5 mg", "--tablet-weight"),
        ("--tablet-weight", "200 U", "units of activity"),
        ("--expiry", "06/2027", "--expiry: '06/2027' is a month and year without a day"),
        ("--compounded-on", "2026-02-30", "not a calendar date"),
        ("--overage", "10", "--overage: '10' has no unit"),
        ("--overage", "150 %", "--overage: '150 %' is out of range"),
    ],
)
def test_refused_input_exits_2_with_one_sentence_naming_the_option(flag, value, fragment):
    args = list(BASE)
    if flag in args:
        args[args.index(flag) + 1] = value
    else:
        args += [flag, value]
    res = run(*args)
    assert res.exit_code == 2, res.output
    assert fragment in res.output
    assert "Traceback" not in res.output
    error_lines = [line for line in res.output.splitlines() if line.startswith("Error:")]
    assert len(error_lines) == 1
    assert error_lines[0].rstrip().endswith(".")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--source", "api"], "--api-form is required"),
        (["--readability", "1 mg"], "--readability needs a rule"),
        (["--min-weight", "50 mg"], "--readability is required"),
        (["--min-weight", "50 mg", "--class-iii"], "give only one"),
        (["--pack-stat-size", "3"], "need --pack-stat"),
        (["--no-tablet-allergens", "--tablet-allergen", "lactose"], "contradicts"),
    ],
)
def test_option_combinations_refused(args, fragment):
    base = list(BASE)
    if "--source" in args:
        i = base.index("--source")
        base[i + 1] = args[args.index("--source") + 1]
    res = run(*base, *[a for a in args if a not in ("--source", "api")])
    assert res.exit_code == 2, res.output
    assert fragment in res.output


def test_water_with_as_is_assay_refused_naming_the_option():
    res = run(
        "capsules",
        "--dose",
        "4.5 mg",
        "--count",
        "30",
        "--source",
        "api",
        "--api-form",
        "hcl",
        "--assay",
        "99 %",
        "--assay-basis",
        "as-is",
        "--water",
        "0.5 %",
        "--expiry",
        "2028-01-01",
    )
    assert res.exit_code == 2
    assert "--water: '0.5 %' was given with an as-is assay" in res.output


def test_formulation_error_exits_1():
    res = run(*BASE[:-2], "--compounded-on", "2027-07-01", "--acknowledge", "compounded-on-future")
    assert res.exit_code == 1
    assert "--expiry: '2027-06-30' is before the compounding date" in res.output
    assert "Traceback" not in res.output


def test_overfill_exits_1():
    res = run(
        *BASE,
        "--tablet-weight",
        "400 mg",
        "--size",
        "5",
        "--pack-stat",
        "30 mg",
        "--pack-stat-size",
        "5",
    )
    assert res.exit_code == 1
    assert "overfills" in res.output


def test_acknowledged_dose_runs_with_warning():
    args = list(BASE)
    args[args.index("--dose") + 1] = "6 mg"
    res = run(*args, "--acknowledge", "dose-above-range", "--format", "json")
    assert res.exit_code == 0, res.output
    assert "dose-above-range" in {w["code"] for w in json.loads(res.output)["warnings"]}


def test_version_and_help():
    assert lc.__version__ in run("--version").output
    res = run("capsules", "--help")
    assert res.exit_code == 0
    assert "--tablet-weight" in res.output


def test_main_turns_an_internal_error_into_one_line(monkeypatch, capsys):
    def boom(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(lc, "formulate_capsules", boom)
    with pytest.raises(SystemExit) as info:
        main(BASE)
    assert info.value.code == 70
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: boom)" in err
    assert "Traceback" not in err


# --- liquids, drops, dropper calibration --------------------------------------------------------

LIQUID = [
    "liquid",
    "--dose",
    "4.5 mg",
    "--doses-per-day",
    "1",
    "--days",
    "30",
    "--source",
    "tablets",
    "--tablet-weight",
    "201.4 mg",
    "--tablets-weighed",
    "20",
    "--expiry",
    "2027-06-30",
    "--concentration",
    "1 mg/mL",
    "--syringe-capacity",
    "5 mL",
    "--syringe-graduation",
    "0.1 mL",
    "--compounded-on",
    "2026-11-21",
]
DROPS = [
    "drops",
    "--dose",
    "4.5 mg",
    "--doses-per-day",
    "1",
    "--days",
    "30",
    "--source",
    "api",
    "--api-form",
    "hcl",
    "--assay",
    "99.5 %",
    "--assay-basis",
    "as-is",
    "--lot",
    "A2",
    "--expiry",
    "2028-01-01",
    "--vehicle",
    "nz-preserved",
    "--min-weight",
    "50 mg",
    "--readability",
    "1 mg",
    "--calibration-drops",
    "40",
    "--calibration-volume",
    "2.5 mL",
    "--dropper",
    "amber bottle dropper D7",
    "--compounded-on",
    "2026-11-21",
]


def test_liquid_worksheet_and_json():
    res = run(*LIQUID)
    assert res.exit_code == 0, res.output
    assert "oral suspension" in res.output
    # 30 days in a 14-day vehicle: the batch is fill 1 (10 days, 45 mL, one tablet)
    assert "1 whole tablets" in res.output
    assert "[supply-split-into-fills]" in res.output
    assert "days 11-20, compound on 2026-12-01, 45 mL" in res.output
    res = run(*LIQUID, "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["schema"] == "ldncompound/liquid/2"
    assert [f["first_day"] for f in data["fills"]["schedule"]] == [1, 11, 21]
    r = lc.from_json(data)
    assert r.batch.tablets == 1
    assert r.batch.dispense_volume == lc.volume("45 mL")
    assert r.dose_volume == lc.volume("4.5 mL")
    assert r.bud.date.isoformat() == "2026-12-04"


def test_liquid_from_api_with_a_liquid_aliquot():
    args = (
        "liquid",
        "--dose",
        "4.5 mg",
        "--volume",
        "30 mL",
        "--source",
        "api",
        "--api-form",
        "hcl",
        "--assay",
        "100 %",
        "--assay-basis",
        "as-is",
        "--expiry",
        "2028-01-01",
        "--concentration",
        "1 mg/mL",
        "--overage",
        "0 %",
        "--class-iii",
        "--vehicle",
        "nz-preserved",
        "--syringe",
        "oral-5ml",
        "--compounded-on",
        "2026-11-21",
        "--format",
        "json",
    )
    res = run(*args)
    # 4.5 mL is not a mark of the 5 mL syringe in 0.2 mL: refused, never read as 4.6 mL
    assert res.exit_code == 1, res.output
    assert "--syringe" in res.output and "2.5 mg/mL (1.8 mL on the 5 mL oral syringe)" in res.output
    assert "Traceback" not in res.output
    res = run(*[a if a != "1 mg/mL" else "2.5 mg/mL" for a in args])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    plan = data["batch"]["plan"]
    assert (plan["weighed"]["value"], plan["stock_volume"]["value"], plan["aliquot"]["value"]) == (
        "120",
        "8",
        "5",
    )
    assert data["dose_measured"] == {"value": "1.8", "unit": "mL"}
    assert "dose-off-graduation" not in {w["code"] for w in data["warnings"]}


def test_declared_vehicle_flavour_and_study():
    res = run(
        *LIQUID,
        "--vehicle-name",
        "house glycerin base",
        "--nonaqueous",
        "--water-activity-basis",
        "no water in the formula",
        "--flavour",
        "peppermint oil",
        "--flavour-expiry",
        "2027-01-01",
        "--flavour-water-free",
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["bud"]["category"] == "nonaqueous-oral-liquid"
    res = run(
        *LIQUID,
        "--vehicle",
        "nz-preserved",
        "--storage",
        "refrigerator",
        "--study-reference",
        "Fawcett 1997",
        "--study-days",
        "60",
        "--study-confirmed",
    )
    assert res.exit_code == 0, res.output
    assert "Fawcett 1997" in res.output


def test_drops_and_calibration_commands():
    res = run(*DROPS, "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["schema"] == "ldncompound/drops/2"
    assert data["drops_per_dose"] == 9
    assert data["concentration"] == {"value": "8", "unit": "mg/mL"}
    assert lc.from_json(data).dropper.drops == 40
    res = run(*DROPS)
    assert res.exit_code == 0, res.output
    assert "9 drops" in res.output
    res = run(
        "calibrate-dropper",
        "--calibration-drops",
        "40",
        "--calibration-volume",
        "2.5 mL",
        "--dropper",
        "amber bottle dropper D7",
    )
    assert res.exit_code == 0, res.output
    assert "16 drops/mL" in res.output
    assert "Use only the dropper supplied." in res.output
    res = run(
        "calibrate-dropper",
        "--calibration-drops",
        "40",
        "--calibration-volume",
        "2.5 mL",
        "--dropper",
        "D7",
        "--format",
        "json",
    )
    assert json.loads(res.output)["calibration"]["drops"] == 40


def _without(args: list[str], *flags: str) -> list[str]:
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a in flags:
            skip = True
            continue
        out.append(a)
    return out


def test_drops_refuse_an_uncalibrated_dropper_unless_accepted():
    bare = _without(DROPS, "--calibration-drops", "--calibration-volume", "--dropper")
    res = run(*bare)
    assert res.exit_code == 2
    assert "--calibration-drops is missing" in res.output
    assert "Traceback" not in res.output
    res = run(*bare, "--accept-nominal-dropper", "--format", "json")
    assert res.exit_code == 0, res.output
    assert "nominal-dropper" in {w["code"] for w in json.loads(res.output)["warnings"]}


def test_a_named_dropper_without_its_calibration_is_refused_for_what_it_is():
    """Probe F35: `--accept-nominal-dropper --dropper D1` said only "--calibration-drops is
    required"; the sentence names the dropper and both ways out."""
    bare = _without(DROPS, "--calibration-drops", "--calibration-volume", "--dropper")
    for extra in (("--accept-nominal-dropper", "--dropper", "D1"), ("--dropper", "D1")):
        res = run(*bare, *extra)
        assert res.exit_code == 2, res.output
        assert res.output.strip().splitlines()[-1] == (
            "Error: --dropper: 'D1' names a dropper without its calibration; expected "
            "--calibration-drops and --calibration-volume counted with that dropper, or no "
            "--dropper with --accept-nominal-dropper."
        )


def test_calibrate_dropper_help_marks_its_required_options():
    res = CliRunner().invoke(cli, ["calibrate-dropper", "--help"])
    assert res.exit_code == 0
    text = " ".join(res.output.split())
    for flag in ("--calibration-drops", "--calibration-volume", "--dropper"):
        after = text.split(f"{flag} TEXT", 1)[1].split(" --", 1)[0]
        assert after.endswith("[required]"), (flag, after)
    drops_help = " ".join(CliRunner().invoke(cli, ["drops", "--help"]).output.split())
    assert "[required]" not in drops_help.split("--calibration-drops", 1)[1].split(" --", 1)[0]


@pytest.mark.parametrize(
    ("base", "flag", "value", "fragment"),
    [
        (LIQUID, "--concentration", "1 mg", "--concentration: '1 mg' is not a strength per volume"),
        (LIQUID, "--concentration", "1,5 mg/mL", "--concentration: '1,5 mg/mL' uses a comma"),
        (LIQUID, "--days", "30.5", "--days: '30.5' is not a whole number"),
        (LIQUID, "--days", "400", "--days: '400' is too large"),
        (LIQUID, "--volume", "30 mg", "--volume: '30 mg' is a mass"),
        (
            LIQUID,
            "--syringe-graduation",
            "0.3 mL",
            "--syringe-graduation: '0.3 mL' does not divide",
        ),
        (LIQUID, "--source", "stock", "'stock' is not one of"),
        (LIQUID, "--measurable-fraction", "0 %", "--measurable-fraction: '0 %' is out of range"),
        (LIQUID, "--vehicle-expiry", "2027/01/01", "--vehicle-expiry: '2027/01/01' is not a date"),
        (
            DROPS,
            "--calibration-drops",
            "4",
            "--calibration-drops: '4 drops in 2.5 mL' gives 1.6 drops per mL",
        ),
        (DROPS, "--calibration-volume", "2.5 cc", "--calibration-volume: '2.5 cc' uses 'cc'"),
        (DROPS, "--max-drops", "0", "--max-drops: '0' is zero"),
        (DROPS, "--dose-tolerance", "20 %", "--dose-tolerance: '20 %' is out of range"),
    ],
)
def test_liquid_and_drops_refusals_name_the_option(base, flag, value, fragment):
    args = list(base)
    if flag in args:
        args[args.index(flag) + 1] = value
    else:
        args += [flag, value]
    res = run(*args)
    assert res.exit_code == 2, res.output
    assert fragment in res.output
    assert "Traceback" not in res.output
    error_lines = [line for line in res.output.splitlines() if line.startswith("Error:")]
    assert len(error_lines) == 1


@pytest.mark.parametrize(
    ("base", "extra", "fragment"),
    [
        (LIQUID, ["--storage", "room"], "--storage: 'room' is not allowed"),
        (LIQUID, ["--concentration", "150 mg/mL"], "above the solubility"),
        (DROPS, ["--concentration", "1 mg/mL"], "more than the cap of 20 drops"),
        (
            DROPS,
            ["--concentration", "5 mg/mL", "--dose-tolerance", "2 %"],
            "14.4 drops, not a whole number",
        ),
    ],
)
def test_liquid_and_drops_formulation_errors_exit_1(base, extra, fragment):
    args = list(base)
    for flag, value in zip(extra[::2], extra[1::2], strict=True):
        if flag in args:
            args[args.index(flag) + 1] = value
        else:
            args += [flag, value]
    res = run(*args)
    assert res.exit_code == 1, res.output
    assert fragment in res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--vehicle", "nz-preserved", "--preservative", "x"], "give one of the two"),
        (["--vehicle-name", "x"], "--aqueous or --nonaqueous is required"),
        (["--flavour-lot", "F1"], "need --flavour"),
        (["--study-days", "60"], "need --study-reference"),
        (["--syringe", "oral-5ml"], "give one of the two"),
        (["--volume", "30 mL"], "--days"),
    ],
)
def test_liquid_option_combinations_refused(extra, fragment):
    res = run(*LIQUID, *extra)
    assert res.exit_code == 2, res.output
    assert fragment in res.output


# --- batch ---------------------------------------------------------------------------------------


def _batch_file(tmp_path, name="orders.jsonl"):
    import examples  # noqa: PLC0415

    lines = [json.dumps(examples.capsules(count=n)) for n in (30, 31)]
    lines.insert(1, '{"schema": "ldncompound/order/capsules/1", "dose": "4,5 mg"}')
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_batch_writes_one_record_per_input_record_and_exits_1_on_any_failure(tmp_path):
    import schema_check  # noqa: PLC0415

    res = CliRunner().invoke(cli, ["batch", str(_batch_file(tmp_path))])
    assert res.exit_code == 1, res.output
    records = [json.loads(x) for x in res.stdout.splitlines()]
    assert [(r["line"], r["status"]) for r in records] == [(1, "ok"), (2, "error"), (3, "ok")]
    assert records[1]["error"]["field"] == "dose"
    for r in records:
        schema_check.validate(r, lc.BATCH_RECORD_SCHEMA)
    assert res.stderr == ""  # quiet when not on a terminal


def test_batch_reads_standard_input_and_writes_a_file(tmp_path):
    import examples  # noqa: PLC0415

    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(
        cli, ["batch", "-", "-o", str(out)], input=json.dumps(examples.capsules()) + "\n"
    )
    assert res.exit_code == 0, res.output
    (record,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert record["status"] == "ok"
    assert lc.from_json(record["result"]).count == 30


def test_batch_reads_csv_by_extension_or_option(tmp_path):
    import examples  # noqa: PLC0415

    cells = examples.flatten(examples.capsules())
    text = ",".join(cells) + "\n" + ",".join(f'"{v}"' for v in cells.values()) + "\n"
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(cli, ["batch", str(path)])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["line"] == 2
    res = CliRunner().invoke(cli, ["batch", "--input-format", "csv", "-"], input=text)
    assert res.exit_code == 0, res.output


def test_batch_progress_goes_to_standard_error_only(tmp_path):
    res = CliRunner().invoke(cli, ["batch", "--progress", str(_batch_file(tmp_path))])
    assert res.exit_code == 1
    assert len(res.stdout.splitlines()) == 3
    assert "3 records: 2 computed, 1 not." in res.stderr


def test_batch_usage_errors_exit_2(tmp_path):
    res = CliRunner().invoke(cli, ["batch", str(tmp_path / "missing.jsonl")])
    assert res.exit_code == 2
    res = CliRunner().invoke(cli, ["batch", "--input-format", "xml", "-"])
    assert res.exit_code == 2


# --- every refused row of the grammar table, through the command line ---------------------------

import test_grammar_table  # noqa: E402

_FLAG_FOR = {"mass": "--dose", "percent": "--overage"}
_REFUSED = [
    (value, field)
    for value, field, result in test_grammar_table.ROWS
    if result.startswith("refused") and field in _FLAG_FOR
]


@pytest.mark.parametrize(("value", "field"), _REFUSED, ids=[repr(r[0])[:30] for r in _REFUSED])
def test_every_refused_grammar_row_exits_2_with_one_sentence_naming_the_option(value, field):
    flag = _FLAG_FOR[field]
    args = list(BASE)
    if flag in args:
        args[args.index(flag) + 1] = value
    else:
        args += [flag, value]
    res = run(*args)
    assert res.exit_code == 2, res.output
    errors = [line for line in res.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert errors[0].startswith(f"Error: {flag}")
    assert errors[0].rstrip().endswith(".")
    assert "Traceback" not in res.output


def test_python_dash_m_ldncompound_runs_the_command_line(monkeypatch, capsys):
    import runpy  # noqa: PLC0415

    monkeypatch.setattr("sys.argv", ["ldncompound", "--version"])
    with pytest.raises(SystemExit) as stop:
        runpy.run_module("ldncompound", run_name="__main__", alter_sys=True)
    assert stop.value.code == 0
    assert lc.__version__ in capsys.readouterr().out


def test_python_dash_m_ldncompound_without_the_cli_says_how_to_install_it(monkeypatch, capsys):
    import runpy  # noqa: PLC0415

    monkeypatch.setitem(sys.modules, "ldncompound_cli", None)
    monkeypatch.setattr("sys.argv", ["ldncompound", "--version"])
    with pytest.raises(SystemExit) as stop:
        runpy.run_module("ldncompound", run_name="__main__", alter_sys=True)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "install the ldncompound-cli distribution" in err


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_scripts_are_generated(shell, monkeypatch):
    """The completion commands documented in docs/cli.md produce a script for each shell."""
    monkeypatch.setenv("_LDNCOMPOUND_COMPLETE", f"{shell}_source")
    res = CliRunner().invoke(cli, [], prog_name="ldncompound")
    assert res.exit_code == 0
    assert "_LDNCOMPOUND_COMPLETE" in res.output
    assert f"_LDNCOMPOUND_COMPLETE={shell}_source ldncompound" in (
        Path(__file__).resolve().parents[1] / "docs" / "cli.md"
    ).read_text(encoding="utf-8")


def test_cli_label_of_a_liquid_ordered_in_g_per_ml_states_mg_per_ml(tmp_path):
    """Probe F3: "naltrexone HCl 0.001 g/mL ... Take 4.5 mL (4.5 mg)" is printed in mg/mL;
    the worksheet still echoes the order's own unit."""
    args = [("0.001 g/mL" if a == "1 mg/mL" else a) for a in LIQUID]
    made = run(*args, "--format", "json")
    assert made.exit_code == 0, made.output
    (tmp_path / "r.json").write_text(made.output)
    label = run(
        "label",
        str(tmp_path / "r.json"),
        *("--patient", "Jane Doe", "--prescriber", "Dr A. Smith", "--rx", "RX-1"),
        *("--pharmacy-name", "P", "--pharmacy-address", "A", "--pharmacy-phone", "1"),
        *("--no-profile", "--record-id", "CR-1"),
    )
    assert label.exit_code == 0, label.output
    text = " ".join(label.output.split())
    assert "naltrexone HCl 1 mg/mL" in text and "(4.5 mg)" in text
    assert "g/mL" not in text.replace("mg/mL", "")
