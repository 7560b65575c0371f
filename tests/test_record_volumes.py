"""A liquid or drops record takes the volume measured for its q.s. step (realistic F13).

The record lists "2. 27 mL purified water q.s. to final volume", but `--weighed "2=27 mL"` was
refused as not a mass, and the record then warned that weighing 2 was not recorded. A volume
step now takes a volume, judged by its own tolerance; a drug weighing still takes a mass.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import orders
import pytest
from click.testing import CliRunner
from ldncompound_cli import cli

import ldncompound as lc
from ldncompound._records import _planned


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def _result_file(tmp_path: Path, name: str) -> tuple[Path, dict[int, Any]]:
    res = run(*orders.command(name), "--format", "json")
    assert res.exit_code == 0, res.output
    path = tmp_path / f"{name}.json"
    path.write_text(res.output, encoding="utf-8")
    return path, _planned(orders.FORMULATE[name](orders.ORDERS[name]()))


def _record(path: Path, *weighed: str) -> Any:
    args = [a for w in weighed for a in ("--weighed", w)]
    return run("record", str(path), "--record-id", "R1", "--compounded-by", "AS",
               "--verified-by", "BJ", *args)  # fmt: skip


@pytest.mark.parametrize("name", ["liquid", "drops"])
def test_cli_the_qs_volume_is_recorded(tmp_path, name):
    path, plan = _result_file(tmp_path, name)
    assert plan[2].amount.unit == lc.Unit.ML and "q.s." in plan[2].what
    res = _record(path, f"1={plan[1].amount}", f"2={plan[2].amount}")
    assert res.exit_code == 0, res.output
    assert "weighing-not-recorded" not in res.output
    assert f"{plan[2].amount}" in res.output


@pytest.mark.parametrize("name", ["liquid", "drops"])
def test_cli_a_qs_volume_out_of_its_tolerance_says_do_not_release(tmp_path, name):
    path, plan = _result_file(tmp_path, name)
    far = plan[2].amount * Decimal("1.5")
    res = _record(path, f"1={plan[1].amount}", f"2={far}")
    assert res.exit_code == 1, res.output
    assert "DO NOT RELEASE: weighing 2" in res.output


def test_cli_a_volume_for_a_drug_weighing_is_refused(tmp_path):
    path, _ = _result_file(tmp_path, "liquid")
    res = _record(path, "1=68 mL")
    assert res.exit_code == 2, res.output
    assert "actual_weighings[1]" in res.output and "mL" in res.output


def test_cli_weighed_takes_no_other_dimension(tmp_path):
    path, _ = _result_file(tmp_path, "liquid")
    res = _record(path, "2=5 %")
    assert res.exit_code == 2 and "Error: --weighed amount: '5 %'" in res.output


def test_a_volume_step_is_judged_by_its_own_tolerance():
    r = orders.FORMULATE["liquid"](orders.ORDERS["liquid"]())
    plan = _planned(r)[2]
    for factor, within in (("1.04", True), ("1.2", False)):
        rec = lc.make_record(
            r,
            record_id="R",
            compounded_by="A",
            actual_weighings=(lc.ActualWeighing(number=2, amount=plan.amount * Decimal(factor)),),
        )
        assert rec.actual_weighings[0].within_tolerance is within
        assert (not lc.verify_record(json.loads(lc.dumps(rec))).differences) is within
