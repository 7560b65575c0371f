"""Errors under ``--format json``: one JSON object on standard error, the exit status unchanged;
the text formats keep the one-sentence message (docs/cli.md, docs/interface.md)."""

from __future__ import annotations

import json
from typing import Any

import orders
import pytest
from click.testing import CliRunner
from ldncompound_cli import cli

import ldncompound as lc

PREPARATIONS = ("capsules", "liquid", "drops", "troches")


def run(args: list[str], **kw: Any) -> Any:
    return CliRunner().invoke(cli, args, **kw)


def json_error(res: Any) -> dict[str, Any]:
    """The one JSON error a refused run wrote on standard error (and nothing on stdout)."""
    assert res.stdout == ""
    lines = res.stderr.splitlines()
    assert len(lines) == 1, res.stderr
    data = json.loads(lines[0])
    assert list(data) == ["error"]
    assert list(data["error"]) == ["code", "field", "option", "message"]
    return data["error"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("prep", PREPARATIONS)
def test_a_refused_value_is_a_json_error_naming_the_option(prep):
    res = run([*orders.command(prep, **{"--dose": "4,5 mg"}), "--format", "json"])
    assert res.exit_code == 2
    error = json_error(res)
    assert error["code"] == "comma"
    assert error["option"] == "--dose"
    assert error["message"].startswith("--dose: '4,5 mg' uses a comma")
    # the text format says the same sentence
    text = run(orders.command(prep, **{"--dose": "4,5 mg"}))
    assert text.exit_code == 2
    assert f"Error: {error['message']}" in text.output


def test_a_formulation_error_exits_1_with_its_code_and_option():
    args = orders.command("capsules", **{"--expiry": "2020-01-01"})
    res = run([*args, "--format", "json"])
    assert res.exit_code == 1
    error = json_error(res)
    assert error["code"] == "component-expired"
    assert error["field"] == "active.expiry"
    assert error["option"] == "--expiry"
    assert error["message"].startswith("--expiry: '2020-01-01' is before the compounding date")


@pytest.mark.parametrize(
    ("change", "code", "option", "message"),
    [
        ({"--dose": None}, "missing-option", "--dose", "Missing option '--dose'."),
        ({"--source": "tablet"}, "bad-option", "--source", "Invalid value for '--source'"),
        ({"--no-such-option": "1"}, "unknown-option", "--no-such-option", "No such option"),
    ],
)
def test_clicks_own_refusals_are_json_too(change, code, option, message):
    res = run([*orders.command("capsules", **change), "--format=json"])
    assert res.exit_code == 2
    error = json_error(res)
    assert (error["code"], error["field"], error["option"]) == (code, None, option)
    assert error["message"].startswith(message)


def test_a_usage_error_without_an_option_is_json_with_code_usage():
    res = run(["capsules", "extra-argument", *orders.command("capsules")[1:], "--format", "json"])
    assert res.exit_code == 2
    assert json_error(res)["code"] == "usage"


def test_text_and_pdf_formats_keep_the_sentence():
    res = run(orders.command("capsules", **{"--count": "0"}))
    assert res.exit_code == 2
    assert res.stdout == ""
    assert res.stderr.splitlines()[-1].startswith("Error: --count")
    assert "{" not in res.stderr


def test_an_error_without_an_option_has_option_null(tmp_path):
    result = tmp_path / "result.json"
    result.write_text(lc.dumps(orders.FORMULATE["capsules"](orders.capsules())))
    res = run(["record", str(result), "--record-id", "R1", "--compounded-by", "A", "--yield", "x"])
    assert res.exit_code == 2
    res = run(
        [
            *("record", str(result), "--record-id", "R1", "--compounded-by", "A"),
            *("--weighed", "1=1 kg", "--format", "json"),
        ]
    )
    error = json_error(res)
    assert error["option"] == "--weighed"
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    error = json_error(run(["verify", str(bad), "--format", "json"]))
    assert error["code"] == "bad-json"
    assert error["option"] is None
    assert error["message"].startswith("RECORD")


def test_titrate_names_its_own_frequency_option():
    args = [
        *("titrate", "--maintenance", "4.5 mg", "--maintenance-days", "30"),
        *("--start", "2026-12-01", "--form", "capsules", "--step", "0.5 mg:14"),
        *("--source", "tablets", "--tablet-weight", "200 mg", "--expiry", "2028-01-01"),
        *("--kit-doses-per-day", "30", "--format", "json"),
    ]
    res = run(args)
    assert res.exit_code == 2
    error = json_error(res)
    assert error["option"] == "--kit-doses-per-day"
    assert error["message"].startswith("--kit-doses-per-day")
