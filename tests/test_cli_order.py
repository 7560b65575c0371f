"""``ldncompound order PREPARATION [options]``: the order document the options describe, which
``run_order`` and ``ldncompound batch`` accept unchanged and compute to the same result."""

from __future__ import annotations

import json

import orders
import pytest
from click.testing import CliRunner
from ldncompound_cli import cli

import ldncompound as lc

PREPARATIONS = ("capsules", "liquid", "drops", "troches")


def order_document(args: list[str]) -> dict[str, object]:
    res = CliRunner().invoke(cli, ["order", *args])
    assert res.exit_code == 0, res.output
    assert res.stdout.count("\n") == 1  # one JSON line: a line of a JSON Lines batch
    return json.loads(res.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("prep", PREPARATIONS)
def test_the_order_computes_what_the_command_computes(prep):
    args = orders.command(prep)
    document = order_document(args)
    assert document["schema"] == f"ldncompound/order/{prep}/1"
    direct = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert direct.exit_code == 0, direct.output
    assert lc.dumps(lc.run_order(document)) + "\n" == direct.stdout
    assert lc.load_order(document) == lc.from_json(json.loads(direct.stdout)).order


@pytest.mark.parametrize("prep", PREPARATIONS)
def test_batch_accepts_the_order_unchanged(prep):
    args = orders.command(prep)
    line = CliRunner().invoke(cli, ["order", *args]).stdout
    res = CliRunner().invoke(cli, ["batch", "-"], input=line + line)
    assert res.exit_code == 0, res.output
    records = [json.loads(x) for x in res.stdout.splitlines()]
    assert [r["status"] for r in records] == ["ok", "ok"]
    direct = json.loads(CliRunner().invoke(cli, [*args, "--format", "json"]).stdout)
    assert records[0]["result"] == direct


def test_options_left_out_are_written_default():
    document = order_document(orders.command("capsules"))
    assert document["shells"] == "default"
    assert document["qc_sample"] == "default"
    assert document["compounded_on"] == "2026-11-21"


def test_a_refused_option_is_refused_naming_it():
    res = CliRunner().invoke(cli, ["order", *orders.command("capsules", **{"--dose": "4,5 mg"})])
    assert res.exit_code == 2
    assert res.stdout == ""
    assert "Error: --dose: '4,5 mg' uses a comma" in res.output


def test_the_order_commands_take_the_preparations_options_but_not_the_printing_ones():
    for prep in PREPARATIONS:
        prep_options = {p.name for p in cli.commands[prep].params}
        group = cli.commands["order"]
        order_options = {p.name for p in group.commands[prep].params}  # type: ignore[attr-defined]
        assert order_options == prep_options - {"fmt", "output", "paper", "brief"}
