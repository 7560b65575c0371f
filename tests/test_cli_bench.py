"""The bench options on the command line (issue 13): chosen dilutions, the dose per drop."""

from __future__ import annotations

import json

import orders
from click.testing import CliRunner
from ldncompound_cli import cli


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
