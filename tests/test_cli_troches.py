"""``ldncompound troches`` through CliRunner: formats, the ingredient syntax, refusals, exits."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from ldncompound_cli import cli

import ldncompound as lc

BASE = [
    "troches",
    "--dose",
    "1.5 mg",
    "--count",
    "30",
    "--form",
    "troche",
    "--source",
    "tablets",
    "--tablet-weight",
    "201.4 mg",
    "--tablets-weighed",
    "20",
    "--lot",
    "T1",
    "--expiry",
    "2027-06-30",
    "--blanks-total",
    "28.8 g",
    "--blanks-count",
    "24",
    "--cavities",
    "24",
    "--base",
    "peg",
    "--base-lot",
    "P1",
    "--base-expiry",
    "2028-03-31",
    "--ingredient",
    "stevia:20 mg:lot=ST:expiry=2028-01-01",
    "--class-iii",
    "--overage",
    "5 %",
    "--compounded-on",
    "2026-11-21",
]

RDT = [
    "troches",
    "--dose",
    "4.5 mg",
    "--count",
    "30",
    "--form",
    "rdt",
    "--source",
    "api",
    "--api-form",
    "hcl",
    "--assay",
    "100.0 %",
    "--assay-basis",
    "as-is",
    "--lot",
    "A1",
    "--expiry",
    "2028-01-01",
    "--blanks-total",
    "22.62 g",
    "--blanks-count",
    "30",
    "--mold-base-lot",
    "B1",
    "--base-name",
    "RDT base",
    "--base-water",
    "no",
    "--base-lot",
    "B1",
    "--base-expiry",
    "2027-12-31",
    "--base-density",
    "1.1 g/mL",
    "--ingredient",
    "sucralose:10 mg:dv=1.25:lot=S1:expiry=2028-01-01",
    "--ingredient",
    "colloidal silicon dioxide:5 mg:density=2.2 g/mL:lot=C1:expiry=2028-01-01",
    "--ingredient",
    "peppermint flavour:6 mg:lot=F1:expiry=2028-01-01",
    "--drug-displacement",
    "dv=1.2",
    "--min-weight",
    "50 mg",
    "--readability",
    "1 mg",
    "--balance-capacity",
    "220 g",
    "--compounded-on",
    "2026-11-21",
]


def _without(*flags: str) -> list[str]:
    args = list(BASE)
    for flag in flags:
        i = args.index(flag)
        del args[i : i + 2]
    return args


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def weighings(output: str) -> list[str]:
    return [w["amount"]["value"] for w in json.loads(output)["weighings"]]


def test_text_worksheet():
    res = run(*BASE)
    assert res.exit_code == 0, res.output
    assert "LDN compounding worksheet: naltrexone HCl 1.5 mg troches" in res.output
    assert "Crush 2 naltrexone HCl 50 mg tablets" in res.output
    assert "Displacement of the base" in res.output
    assert "Label facts" in res.output


def test_json_output_matches_the_library_golden_cases():
    res = run(*BASE, "--format", "json")
    assert res.exit_code == 0, res.output
    assert weighings(res.output) == ["200", "660", "38860"]
    assert lc.from_json(json.loads(res.output)).tablets_to_crush == 2
    rdt = run(*RDT, "--format", "json")
    assert rdt.exit_code == 0, rdt.output
    data = json.loads(rdt.output)
    assert data["schema"] == "ldncompound/troches/2"
    assert weighings(rdt.output) == ["149", "331", "166", "199", "24295"]
    assert data["unit_weight"]["value"] == "759.25"
    assert data["warnings"] == []


def test_options_for_route_diluent_and_the_mold_estimate():
    res = run(
        *BASE,
        "--route",
        "buccal",
        "--dose",
        "0.5 mg",
        "--diluent",
        "mannitol:dv=1.2:lot=M1:expiry=2028-01-01",
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["route"] == "buccal"
    assert any(i["role"] == "diluent" and i["name"] == "mannitol" for i in data["ingredients"])
    estimated = _without("--blanks-total", "--blanks-count", "--cavities")
    res = run(*estimated, "--mold-estimate", "medisca-rdt", "--format", "json")
    assert res.exit_code == 0, res.output
    assert "blank-weight-estimated" in {w["code"] for w in json.loads(res.output)["warnings"]}


@pytest.mark.parametrize(
    ("flag", "value", "fragment"),
    [
        ("--dose", "4,5 mg", "--dose: '4,5 mg' uses a comma"),
        ("--count", "0", "--count: '0' is zero"),
        ("--blanks-total", "28,8 g", "--blanks-total: '28,8 g' uses a comma"),
        ("--blanks-total", "28.8", "--blanks-total: '28.8' has no unit"),
        ("--blanks-count", "2.5", "--blanks-count: '2.5' is not a whole number"),
        ("--cavity-volume", "0.93 L", "--cavity-volume: '0.93 L' is not a plausible cavity volume"),
        ("--cavity-volume", "9 mL", "implies a base density of 0.1333 g/mL"),
        ("--ingredient", "stevia", "--ingredient: 'stevia' is not NAME:AMOUNT"),
        ("--ingredient", "stevia:20", "--ingredient 'stevia' amount: '20' has no unit"),
        ("--ingredient", "stevia:20 mg:dv=0", "--ingredient 'stevia' dv: '0' is zero"),
        ("--ingredient", "stevia:20 mg:bogus", "--ingredient 'stevia': 'bogus' is not an option"),
        (
            "--ingredient",
            "stevia:20 mg:trial=10,12 g,12.5 g,100 mg",
            "no base was displaced",
        ),
        ("--ingredient", "stevia:20 mg:density=1.2 g/mL", "--base-density is missing"),
        ("--drug-displacement", "dv=x", "--drug-displacement dv: 'x'"),
        ("--diluent", "mannitol:water", "--diluent: 'mannitol:water' marks the diluent"),
        ("--base-density", "9 g/mL", "--base-density: '9 g/mL' is too large"),
        ("--weight-window", "30 %", "--weight-window: '30 %' is out of range"),
        ("--base-expiry", "03/2028", "--base-expiry: '03/2028' is a month and year without a day"),
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
        (_without("--blanks-total", "--blanks-count"), "--blank-weight is required"),
        ([*BASE, "--blank-weight", "1200 mg"], "give only one"),
        ([*_without("--blanks-count")], "--blanks-count is required with --blanks-total"),
        ([*BASE, "--mold-estimate", "medisca-rdt"], "give only one"),
        (
            [*_without("--blanks-total"), "--mold-estimate", "medisca-rdt"],
            "--blanks-count cannot be combined with --mold-estimate",
        ),
        (_without("--base"), "--base (a table base) or --base-name"),
        ([*BASE, "--base-name", "X"], "--base and --base-name"),
        ([*_without("--base"), "--base-name", "X"], "--base-water is not declared"),
        ([*BASE, "--base-water", "yes"], "--base-water: True contradicts the table"),
    ],
)
def test_option_combinations_refused(args, fragment):
    res = run(*args)
    assert res.exit_code == 2, res.output
    assert fragment in res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--ingredient", "flavour:1200 mg"], "--ingredient: '1226.04 mg' of base displaced"),
        (
            ["--ingredient", "flavour:5 mg:expiry=2026-01-01"],
            "--ingredient: '2026-01-01' is before",
        ),
        (["--ingredient", "flavour:1 mg"], "--ingredient: '1 mg' of flavour per unit needs"),
        (
            ["--compounded-on", "2027-07-01", "--acknowledge", "compounded-on-future"],
            "--expiry: '2027-06-30' is before",
        ),
    ],
)
def test_formulation_errors_exit_1(extra, fragment):
    args = list(BASE)
    if extra[0] == "--compounded-on":
        args = args[:-2]
    res = run(*args, *extra)
    assert res.exit_code == 1, res.output
    assert fragment in res.output
    assert "Traceback" not in res.output


def test_gelatin_base_at_room_temperature_is_refused():
    args = list(BASE)
    args[args.index("--base") + 1] = "gelatin"
    res = run(*args, "--storage", "room")
    assert res.exit_code == 1, res.output
    assert "--storage: 'room' is not allowed" in res.output
    assert "expected refrigerator" in res.output
    ok = run(*args, "--format", "json")
    assert json.loads(ok.output)["bud"]["category"] == "aqueous-nonpreserved"


def test_help_documents_the_ingredient_syntax():
    res = run("troches", "--help")
    assert res.exit_code == 0
    assert "NAME:AMOUNT[:OPTION]" in res.output
    assert "--blank-weight" in res.output
