"""The option -> order-document tables of the preparation commands (cli/ldncompound_cli/_tables.py)."""

from __future__ import annotations

import importlib
import json

import click
import orders
import pytest
from click.testing import CliRunner
from ldncompound_cli import cli
from ldncompound_cli._tables import Group, To

import ldncompound as lc
from ldncompound._solid import POLICY

TABLED = ("capsules", "liquid", "drops", "troches")
#: options that choose how a result is printed: not part of the order
#: options that choose how a result is printed, or where defaults come from (the profile)
PRINTING = {"fmt", "output", "paper", "brief", "profile_path", "no_profile"}


def table(prep: str) -> dict[str, To | Group]:
    module = importlib.import_module(f"ldncompound_cli._commands.{prep}")
    return module.TABLE  # type: ignore[no-any-return]


@pytest.mark.parametrize("prep", TABLED)
def test_every_option_is_in_the_table_and_every_entry_is_an_option(prep):
    options = {p.name for p in cli.commands[prep].params if isinstance(p, click.Option)}
    assert set(table(prep)) == options - PRINTING


@pytest.mark.parametrize("prep", TABLED)
def test_every_path_of_the_table_is_a_column_of_the_order_document(prep):
    columns = {c for c, _ in lc.csv_columns(f"ldncompound/order/{prep}/1")}
    documents_only = {"shell_volumes"}  # a list of objects has no flat CSV form
    for name, entry in table(prep).items():
        for path in entry.paths() if isinstance(entry, To) else (entry.path,):
            if path in documents_only:
                continue
            assert path in columns or any(c.startswith(f"{path}.") for c in columns), (name, path)


@pytest.mark.parametrize(
    ("option", "value", "path"),
    [
        ("--tablet-weight", "4,5 mg", "source.average_weight"),
        ("--dose", "4,5 mg", "dose"),
        ("--count", "thirty", "count"),
        ("--min-weight", "50 kg", "balance.minimum_weight"),
    ],
)
def test_a_refusal_names_the_option_and_under_json_the_document_path(option, value, path):
    args = orders.command("capsules", **{option: value})
    res = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert res.exit_code == 2
    error = json.loads(res.stderr)["error"]
    assert (error["field"], error["option"]) == (path, option)
    assert error["message"].startswith(f"{option}: ")
    text = CliRunner().invoke(cli, args)
    assert f"Error: {error['message']}" in text.output


def test_an_option_of_another_source_kind_is_refused():
    args = orders.command("capsules", **{"--assay": "99.5 %"})
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2
    assert (
        "Error: --assay is for --source api; this order's source is tablets: drop --assay or "
        "change --source." in res.output
    )


def test_a_required_option_of_the_source_is_named_with_what_it_is_for():
    args = orders.command("capsules", **{"--tablet-weight": None})
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2
    assert (
        "Error: --tablet-weight is required (the measured average tablet weight) for a tablet "
        "source." in res.output
    )


def test_help_defaults_come_from_the_policy_table():
    res = CliRunner().invoke(cli, ["capsules", "--help"], terminal_width=200)
    text = " ".join(res.output.split())
    for key in ("qc_sample", "max_stage_mass", "rounding_tolerance", "tablet_margin"):
        assert f"[default: {POLICY[key].value}]" in text


def test_troche_densities_above_what_a_document_reads_still_compute():
    """A base of 1.2 g/mL and an excipient of 2.2 g/mL travel through the order document
    (its densities read up to 5 g/mL), so `ldncompound order troches` prints what batch runs."""
    args = orders.command("troches", **{"--base-density": "1.2 g/mL"})
    args += ["--ingredient", "silica:5 mg:density=2.2 g/mL"]
    res = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert res.exit_code == 0, res.output
    order = json.loads(res.stdout)["order"]
    assert lc.density(order["base"]["density"]) == lc.density("1.2 g/mL")
    assert lc.density(order["ingredients"][0]["displacement"]["density"]) == lc.density("2.2 g/mL")
    printed = CliRunner().invoke(cli, ["order", *args])
    assert printed.exit_code == 0, printed.output
    assert lc.to_json(lc.run_order(printed.stdout))["order"] == order


def test_a_capsule_kit_names_the_capsule_options():
    args = [
        *("titrate", "--maintenance", "4.5 mg", "--maintenance-days", "30"),
        *("--start", "2026-12-01", "--form", "capsules", "--step", "0.5 mg:14"),
        *("--source", "tablets", "--tablet-weight", "4,5 mg", "--expiry", "2028-01-01"),
    ]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2
    assert "Error: --tablet-weight: '4,5 mg' uses a comma" in res.output


def test_liquid_help_defaults_come_from_the_library_constants():
    from ldncompound._devices import MEASURABLE_FRACTION  # noqa: PLC0415
    from ldncompound._drops import MAX_DROPS  # noqa: PLC0415
    from ldncompound._liquid_batch import OVERAGE, ROUNDING_TOLERANCE  # noqa: PLC0415

    for prep in ("liquid", "drops"):
        res = CliRunner().invoke(cli, [prep, "--help"], terminal_width=200)
        text = " ".join(res.output.split())
        for value in (OVERAGE, MEASURABLE_FRACTION, ROUNDING_TOLERANCE):
            assert f"[default: {value}]" in text
    drops = CliRunner().invoke(cli, ["drops", "--help"], terminal_width=200).output
    assert f"[default: {MAX_DROPS}]" in " ".join(drops.split())
