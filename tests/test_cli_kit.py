"""CLI for kits, labels, records and verification, through CliRunner."""

from __future__ import annotations

import functools
import json
import operator

import test_liquids
from click.testing import CliRunner
from ldncompound_cli import cli

import ldncompound as lc

CAPS = [
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
    "2028-01-01",
    "--compounded-on",
    "2026-11-21",
    "--doses-per-day",
    "1",
    "--format",
    "json",
]
LABEL = [
    "--patient",
    "Jane Doe",
    "--prescriber",
    "Dr Smith",
    "--pharmacy-name",
    "Main St Pharmacy",
    "--pharmacy-address",
    "1 Main St",
    "--pharmacy-phone",
    "555-0100",
    "--rx",
    "RX1",
    "--record-id",
    "CR-1",
]


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin)


def result_json() -> str:
    res = run(*CAPS)
    assert res.exit_code == 0, res.output
    return res.output


def test_label_from_stdin_text_and_json():
    res = run("label", "-", *LABEL, "--timing", "at bedtime", stdin=result_json())
    assert res.exit_code == 0, res.output
    flowing = " ".join(res.output.split())
    assert "Take 1 capsule (4.5 mg) by mouth once daily at bedtime." in flowing
    assert "Contains lactose." in res.output
    res = run("label", "-", *LABEL, "--format", "json", stdin=result_json())
    data = json.loads(res.output)
    assert next(a["code"] for a in data["auxiliary"]) == "opioid"


def test_label_refusals():
    res = run("label", "-", *LABEL[:-2], "--rx", "RX\x1b[2J", stdin=result_json())
    assert res.exit_code == 2
    assert "--rx:" in res.output and "control character" in res.output
    res = run("label", "-", *LABEL, stdin="{not json")
    assert res.exit_code == 2
    assert "RESULT: the document is not valid JSON" in res.output
    res = run("label", "-", *LABEL, "--width", "10", stdin=result_json())
    assert res.exit_code == 2


def test_record_and_verify_round_trip(tmp_path):
    rec = run(
        "record",
        "-",
        "--record-id",
        "RX1-1",
        "--compounded-by",
        "AB",
        "--verified-by",
        "CD",
        "--weighed",
        "1=600 mg",
        "--weighed",
        "2=4400 mg",
        *functools.reduce(
            operator.iadd,
            (
                ["--unit-weight", f"{w} mg"]
                for w in (150, 151, 149, 150, 152, 148, 150, 151, 149, 150)
            ),
            [],
        ),
        "--yield",
        "33",
        "--format",
        "json",
        stdin=result_json(),
    )
    assert rec.exit_code == 0, rec.output
    path = tmp_path / "record.json"
    path.write_text(rec.output)
    ok = run("verify", str(path))
    assert ok.exit_code == 0, ok.output
    assert "no differences" in ok.output
    data = json.loads(rec.output)
    data["result"]["weighings"][0]["amount"]["value"] = "610"
    path.write_text(json.dumps(data))
    bad = run("verify", str(path), "--format", "json")
    assert bad.exit_code == 1
    report = json.loads(bad.output)
    assert [d["field"] for d in report["differences"]] == ["result.weighings[0].amount"]


def test_record_refuses_a_malformed_weighing():
    res = run(
        "record",
        "-",
        "--record-id",
        "X",
        "--compounded-by",
        "AB",
        "--weighed",
        "601 mg",
        stdin=result_json(),
    )
    assert res.exit_code == 2
    assert "--weighed" in res.output


def test_titrate_capsules_with_steps_and_with_a_confirmed_protocol():
    base = [
        "titrate",
        "--maintenance",
        "4.5 mg",
        "--maintenance-days",
        "30",
        "--start",
        "2026-12-01",
        "--form",
        "capsules",
        "--source",
        "tablets",
        "--tablet-weight",
        "200 mg",
        "--expiry",
        "2028-01-01",
        "--min-weight",
        "50 mg",
        "--readability",
        "1 mg",
        "--format",
        "json",
    ]
    steps = functools.reduce(
        operator.iadd,
        (["--step", f"{x} mg:14"] for x in ("0.5", "1", "1.5", "2", "2.5", "3", "3.5", "4")),
        [],
    )
    res = run(*base, *steps)
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert len(data["containers"]) == 9
    assert all(c["units_per_dose"] in (1, 2) for c in data["containers"])
    proto = run(*base, "--protocol", "ldnrt-0.5-every-14", "--confirm-protocol")
    assert proto.exit_code == 0, proto.output
    assert json.loads(proto.output)["steps"] == data["steps"]
    unconfirmed = run(*base, "--protocol", "ldnrt-0.5-every-14")
    assert unconfirmed.exit_code == 2
    assert "not confirmed" in unconfirmed.output
    bad = run(*base, "--step", "0,5 mg:14")
    assert bad.exit_code == 2
    assert "comma" in bad.output


def test_titrate_liquid_from_an_order_document_and_its_labels(tmp_path):
    template = tmp_path / "liquid-order.json"
    template.write_text(
        json.dumps(lc.order_document(test_liquids.order(days_supply=30, source=test_liquids.api())))
    )
    base = [
        "titrate",
        "--form",
        "liquid",
        "--template",
        str(template),
        "--kit-syringe",
        "1 mL/0.01 mL",
        "--kit-syringe",
        "5 mL/0.1 mL",
        "--maintenance",
        "4.5 mg",
        "--maintenance-days",
        "30",
        "--start",
        "2026-12-01",
        "--protocol",
        "ldnrt-0.5-every-14",
        "--confirm-protocol",
    ]
    res = run(*base, "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert len(data["fills"]) == 11
    assert data["directions"][0]["volume"] == {"value": "0.5", "unit": "mL"}
    labels = run("label", "-", *LABEL, "--format", "json", stdin=res.output)
    assert labels.exit_code == 0, labels.output
    assert len(json.loads(labels.output)) == 11
    missing = run(*[a for a in base if a not in ("--template", str(template))])
    assert missing.exit_code == 2
    assert "--source is required for a liquid kit (or --template" in missing.output
    bad = run(*base, "--kit-syringe", "5 mL")
    assert bad.exit_code == 2
    assert "CAPACITY/GRADUATION" in bad.output


KIT = [
    "titrate",
    "--maintenance-days",
    "14",
    "--form",
    "capsules",
    "--source",
    "tablets",
    "--tablet-weight",
    "200 mg",
    "--expiry",
    "2028-01-01",
    "--min-weight",
    "50 mg",
    "--readability",
    "1 mg",
]


def test_titrate_with_a_protocol_stops_below_the_prescribed_maintenance_dose():
    """A hostile test found ``--protocol`` stepping to 3.5 and 4 mg before a 3 mg maintenance."""
    res = run(
        *KIT,
        "--start",
        "2026-12-01",
        "--maintenance",
        "3 mg",
        "--protocol",
        "ldnrt-0.5-every-7",
        "--confirm-protocol",
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    doses = [s["dose"]["value"] for s in data["steps"]]
    assert doses == ["0.5", "1", "1.5", "2", "2.5", "3"]
    assert "protocol-below-target" in {w["code"] for w in data["warnings"]}
    refused = run(
        *KIT,
        "--start",
        "2026-12-01",
        "--maintenance",
        "1 mg",
        "--protocol",
        "ldnrt-1.5-every-7",
        "--confirm-protocol",
    )
    assert refused.exit_code == 2, refused.output
    assert "Error: --maintenance: '1 mg' is not a dose the template" in refused.output
    assert "4.5 mg" in refused.output
    above = run(
        *KIT,
        "--start",
        "2026-12-01",
        "--maintenance",
        "3 mg",
        "--step",
        "1.5 mg:7",
        "--step",
        "4 mg:7",
    )
    assert above.exit_code == 2, above.output
    assert "Error: --step: '4 mg' is above the maintenance dose of 3 mg" in above.output


def test_titrate_dates_a_capsule_kit_today_and_refuses_one_compounded_after_its_start():
    """The batches are compounded today (the suite's 2026-11-21), echoed as a default, not on
    the start; a start before today, or a --compounded-on after the start, is refused."""
    res = run(
        *KIT,
        "--start",
        "2026-12-01",
        "--maintenance",
        "4.5 mg",
        "--step",
        "1.5 mg:7",
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert {"field": "compounded_on", "value": "2026-11-21"}.items() <= next(
        d for d in data["defaults"] if d["field"] == "compounded_on"
    ).items()
    assert {b["bud"]["compounded_on"] for b in data["capsule_batches"]} == {"2026-11-21"}
    past = run(*KIT, "--start", "2026-11-20", "--maintenance", "4.5 mg", "--step", "1.5 mg:7")
    assert past.exit_code == 2, past.output
    assert "Error: --start: '2026-11-20' is before today (2026-11-21)" in past.output
    after = run(
        *KIT,
        "--start",
        "2026-11-20",
        "--compounded-on",
        "2026-11-21",
        "--maintenance",
        "4.5 mg",
        "--step",
        "1.5 mg:7",
    )
    assert after.exit_code == 2, after.output
    assert (
        "Error: --compounded-on: '2026-11-21' is after the kit's start (2026-11-20)" in after.output
    )


def test_titrate_brief_is_one_line_per_container():
    """A hostile test found ``titrate --brief`` an internal error (exit 70)."""
    args = [*KIT, "--start", "2026-12-01", "--maintenance", "4.5 mg", "--step", "1.5 mg:7"]
    res = run(*args, "--brief")
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0].startswith("BRIEF: titration kit, capsules, 2 steps")
    assert "compounded 2026-11-21" in lines[0]
    assert [x for x in lines if x.startswith("  Step ")] == [
        "  Step 1, 2026-12-01 to 2026-12-07: 7 x 1.5 mg capsules, 1 a dose; BUD 2027-05-19",
        (
            "  Step 2 (maintenance), 2026-12-08 to 2026-12-21: 14 x 4.5 mg capsules, 1 a dose; "
            "BUD 2027-05-19"
        ),
    ]
    assert len(lines) <= lc.BRIEF_MAX_LINES
    refused = run(*args, "--brief", "--format", "json")
    assert refused.exit_code == 2
    assert "--brief is a text format" in refused.output


def test_titrate_warns_a_first_fill_made_well_ahead_of_the_start():
    """probe3 Q14: a liquid kit compounded 13 days before its start has a 1-day first fill."""
    api = ("--source", "api", "--api-form", "hcl", "--assay", "100 %", "--assay-basis", "as-is")
    res = CliRunner().invoke(
        cli,
        [
            *("titrate", "--step", "0.5 mg:14", "--step", "1 mg:14", "--maintenance", "4.5 mg"),
            *("--maintenance-days", "30", "--start", "2026-12-14", "--compounded-on", "2026-12-01"),
            *("--form", "liquid", *api, "--lot", "A1", "--expiry", "2030-01-01"),
            *("--no-profile", "--class-iii", "--acknowledge", "compounded-on-future"),
            *("--kit-syringe", "1 mL/0.01 mL", "--kit-syringe", "5 mL/0.1 mL", "--format", "json"),
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert (out["fills"][0]["first_day"], out["fills"][0]["last_day"]) == (1, 1)
    (short,) = [w["message"] for w in out["warnings"] if w["code"] == "first-fill-short"]
    assert short.startswith("Fill 1 covers only 1 day(s) (2026-12-14 to 2026-12-14)")


def test_titrate_drops_from_a_template_with_a_dose_per_drop(tmp_path):
    """probe3 Q22: the template's --dose-per-drop sets the kit's strength per drop."""
    api = ("--source", "api", "--api-form", "hcl", "--assay", "100 %", "--assay-basis", "as-is")
    res = CliRunner().invoke(
        cli,
        [
            *("order", "drops", "--dose", "1 mg", "--doses-per-day", "1", "--volume", "30 mL"),
            *(*api, "--lot", "A1", "--expiry", "2030-01-01", "--compounded-on", "2026-11-21"),
            *("--min-weight", "10 mg", "--readability", "0.1 mg", "--calibration-drops", "40"),
            *("--calibration-volume", "2 mL", "--dropper", "D1", "--vehicle", "mct-oil"),
            *("--solubility", "20 mg/mL", "--dose-per-drop", "0.25 mg"),
        ],
    )
    assert res.exit_code == 0, res.output
    (tmp_path / "tpl.json").write_text(res.output, encoding="utf-8")
    res = CliRunner().invoke(
        cli,
        [
            *("titrate", "--step", "0.5 mg:14", "--step", "1 mg:14", "--maintenance", "1.5 mg"),
            *("--maintenance-days", "30", "--start", "2026-11-21", "--form", "drops"),
            *("--template", str(tmp_path / "tpl.json"), "--no-profile", "--format", "json"),
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["concentration"] == {"value": "5", "unit": "mg/mL"}
    assert [d["drops"] for d in out["directions"]] == [2, 4, 6]
