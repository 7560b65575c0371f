"""The command line through CliRunner: output formats, one-sentence refusals, exit codes."""

from __future__ import annotations

import json

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
    assert data["schema"] == "ldncompound/capsules/1"
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
        ("--expiry", "06/2027", "--expiry: '06/2027' is not a date"),
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
    res = run(*BASE[:-2], "--compounded-on", "2027-07-01")
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
