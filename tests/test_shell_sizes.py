"""A shell weight belongs to a capsule size (realistic U2, U3).

The profile template's 96 mg (a size-0 figure, no size) was used for size 4, 5 and 1 capsules,
giving a wrong gross window and hiding the "estimated" warning, and one 15-250 mg window let a
size-0 weight pass on size 5. Now each size has its window (typical +/- 30 %), a weight applies
only to the size it names, and a profile weight without a size is refused. A record whose unit
weights are outside the net window says DO NOT RELEASE and `record` exits 1.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import orders
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from ldncompound_cli import cli

import ldncompound as lc
from ldncompound._capsule_data import CAPSULE_SIZES, capsule_size
from ldncompound._plausible import shell_weight_window


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def codes(result: Any) -> set[str]:
    return {w.code for w in result.warnings}


# --- the per-size window ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "low", "high"),
    [("5", "19.6", "36.4"), ("4", "26.6", "49.4"), ("1", "53.2", "98.8"), ("0", "67.2", "124.8")],
)
def test_each_size_has_its_window(size, low, high):
    window = shell_weight_window(capsule_size(size))
    assert (window.low, window.high) == (Decimal(low), Decimal(high))
    assert "[D][U]" in window.source and f"size {size}" in window.source


@given(st.sampled_from(CAPSULE_SIZES), st.decimals("0.70", "1.30", places=2))
def test_a_weight_near_the_typical_one_of_its_size_is_plausible(size, share):
    assert shell_weight_window(size).holds(size.shell_weight.magnitude * share)


@given(
    st.sampled_from(CAPSULE_SIZES),
    st.decimals("0.01", "0.69", places=2) | st.decimals("1.31", "9", places=2),
)
def test_a_weight_far_from_the_typical_one_of_its_size_is_not(size, share):
    assert not shell_weight_window(size).holds(size.shell_weight.magnitude * share)


@pytest.mark.parametrize(
    ("size", "weight"), [("5", "96 mg"), ("4", "96 mg"), ("0", "20 mg"), ("1", "28 mg")]
)
def test_cli_a_weight_of_another_size_is_refused(size, weight):
    res = run(*orders.command("capsules", **{"--size": size, "--shell-weight": weight}))
    assert res.exit_code == 2, res.output
    assert f"Error: --shell-weight: '{weight}' is outside the plausible" in res.output
    assert f"for one empty size {size} hard capsule shell" in res.output


@pytest.mark.parametrize(("size", "weight"), [("5", "28 mg"), ("4", "38 mg"), ("1", "74 mg")])
def test_cli_a_weight_of_its_size_is_used(size, weight):
    res = run(*orders.command("capsules", **{"--size": size, "--shell-weight": weight}))
    assert res.exit_code == 0, res.output
    assert f"with {weight} empty shells" in res.output


def test_an_acknowledged_weight_outside_its_window_is_a_warning():
    order = orders.capsules(
        size="5", shells=lc.ShellLot(weight=lc.mass("96 mg"), expiry=orders.EXP)
    )
    with pytest.raises(lc.InputError) as info:
        lc.formulate_capsules(order)
    assert (info.value.code, info.value.field) == ("shell-weight-implausible", "shells.weight")
    ack = lc.formulate_capsules(attrs.evolve(order, acknowledge=("shell-weight-implausible",)))
    assert "shell-weight-implausible" in codes(ack)


# --- a weight applies only to its size --------------------------------------------------------------


def test_a_weight_for_another_size_keeps_the_estimate_with_its_warning():
    shells = lc.ShellLot(weight=lc.mass("96 mg"), size="0", expiry=orders.EXP)
    r = lc.formulate_capsules(orders.capsules(shells=shells))
    assert r.size != "0"
    assert r.shell_weight == capsule_size(r.size).shell_weight
    warning = next(w for w in r.warnings if w.code == "shell-weight-estimated")
    assert f"the measured 96 mg is for size 0, not size {r.size};" in warning.message
    same = lc.formulate_capsules(orders.capsules(shells=shells, size="0"))
    assert same.shell_weight == lc.mass("96 mg")
    assert "shell-weight-estimated" not in codes(same)


def test_a_weight_without_a_size_is_the_orders_size():
    shells = lc.ShellLot(weight=lc.mass("38 mg"), expiry=orders.EXP)
    r = lc.formulate_capsules(orders.capsules(shells=shells, size="4"))
    assert r.shell_weight == lc.mass("38 mg") and "shell-weight-estimated" not in codes(r)


def test_a_shell_size_not_in_the_table_is_refused():
    with pytest.raises(lc.InputError) as info:
        lc.ShellLot(weight=lc.mass("96 mg"), size="7")
    assert info.value.code == "unknown-size"


def test_the_shell_size_is_omitted_from_json_when_not_given():
    data = json.loads(lc.dumps(orders.capsules(shells=lc.ShellLot(expiry=orders.EXP))))
    assert "size" not in data["shells"]
    sized = lc.ShellLot(weight=lc.mass("96 mg"), size="0")
    assert "size='0'" in repr(sized) and "size=" not in repr(lc.ShellLot())


# --- the profile --------------------------------------------------------------------------------------


def test_a_profile_weight_without_a_size_is_refused():
    with pytest.raises(lc.InputError) as info:
        lc.read_profile('[shells]\nlot = "S1"\nweight = "96 mg"\n', file="p.toml")
    assert str(info.value) == (
        "p.toml, line 1: shells.size is missing; expected the capsule size the shell weight "
        "was weighed for."
    )
    assert info.value.field == "shells.size"


def test_a_profile_weight_is_checked_against_its_size():
    with pytest.raises(lc.InputError) as info:
        lc.read_profile('[shells]\nweight = "96 mg"\nsize = "5"\n', file="p.toml")
    assert info.value.code == "shell-weight-implausible"
    assert "size 5" in str(info.value) and str(info.value).startswith("p.toml, line 2:")


def test_cli_the_unchanged_template_keeps_the_estimate_for_other_sizes(tmp_path: Path):
    """U2: the template's weight is for size 0; a 4.5 mg capsule (size 4) keeps 38 mg."""
    profile = tmp_path / "p.toml"
    assert run("profile", "init", str(profile)).exit_code == 0
    assert 'weight = "96 mg"\nsize = "0"\n' in profile.read_text(encoding="utf-8")
    args = orders.command("capsules", **{"--size": None})
    res = run(*args, "--profile", str(profile))
    assert res.exit_code == 0, res.output
    assert "size 4" in res.output and "with 38 mg empty shells" in res.output
    assert "[shell-weight-estimated]" in res.output and "is for size 0, not size 4" in res.output
    res = run(*orders.command("capsules", **{"--size": "0"}), "--profile", str(profile))
    assert res.exit_code == 0, res.output
    assert "with 96 mg empty shells" in res.output
    assert "[shell-weight-estimated]" not in res.output


# --- U3: unit weights outside the net window ------------------------------------------------------


def _capsule_record(weights: list[str], **kw: Any) -> lc.CompoundingRecord:
    r = lc.formulate_capsules(orders.capsules(size="5"))
    return lc.make_record(
        r,
        record_id="RX1",
        compounded_by="AS",
        verified_by="BJ",
        unit_weights=tuple(lc.mass(w) for w in weights),
        **kw,
    )


def test_unit_weights_outside_the_window_say_do_not_release_first():
    r = lc.formulate_capsules(orders.capsules(size="5"))
    gross = [str(r.gross_window.target)] * r.qc.sample_size  # filled weights typed as net
    rec = _capsule_record(gross)
    first = rec.warnings[0]
    assert first.code == "do-not-release" and first.field == "unit_weights"
    assert first.message.startswith("DO NOT RELEASE: units 1, 2, 3")
    assert "the weights match the gross window" in first.message
    assert first.message.endswith("the weight check is NOT PASSED.")
    assert "unit-weight-outside-window" in codes(rec)
    assert "NOT PASSED" in lc.render_worksheet(rec)


def test_one_unit_outside_the_window_says_do_not_release_without_the_gross_hint():
    r = lc.formulate_capsules(orders.capsules(size="5"))
    target = r.qc.target
    weights = [str(target)] * r.qc.sample_size
    weights[3] = str(r.qc.high + lc.mass("1 mg"))
    rec = _capsule_record(weights)
    first = rec.warnings[0]
    assert first.code == "do-not-release"
    assert first.message.startswith("DO NOT RELEASE: unit 4 is outside the net weight window")
    assert "gross" not in first.message


def test_unit_weights_inside_the_window_do_not_block_release():
    r = lc.formulate_capsules(orders.capsules(size="5"))
    rec = _capsule_record([str(r.qc.target)] * r.qc.sample_size)
    assert "do-not-release" not in codes(rec)


def test_a_weighing_and_the_unit_weights_out_say_both_in_one_warning():
    r = lc.formulate_capsules(orders.capsules(size="5"))
    gross = [str(r.gross_window.target)] * r.qc.sample_size
    plan = lc.ActualWeighing(number=1, amount=lc.mass("1 g"))
    rec = _capsule_record(gross, actual_weighings=(plan,))
    release = [w for w in rec.warnings if w.code == "do-not-release"]
    assert len(release) == 1 and rec.warnings[0] is release[0]
    assert "weighing 1" in release[0].message and "NOT PASSED" in release[0].message
    assert not lc.verify_record(json.loads(lc.dumps(rec))).ok


def test_cli_record_exits_1_when_the_unit_weights_are_outside(tmp_path: Path):
    res = run(*orders.command("capsules", **{"--size": "5"}), "--format", "json")
    assert res.exit_code == 0, res.output
    result = tmp_path / "cap.json"
    result.write_text(res.output, encoding="utf-8")
    data = json.loads(res.output)
    gross = "{value} {unit}".format(**data["gross_window"]["target"])
    weights = [a for _ in range(10) for a in ("--unit-weight", gross)]
    res = run(
        "record", str(result), "--record-id", "RX1", "--compounded-by", "AS",
        "--verified-by", "BJ", *weights,
    )  # fmt: skip
    assert res.exit_code == 1, res.output
    assert "DO NOT RELEASE: units 1, 2" in res.output and "NOT PASSED" in res.output
