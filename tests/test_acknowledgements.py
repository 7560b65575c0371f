"""An acknowledgement that lifts nothing is said, and a code is acknowledged once (probe F34).

A template or a spreadsheet column that once needed ``dose-above-range`` keeps it: every
later order would pass a 45 mg-for-4.5 mg typo with only a warning. Each preparation warns
``acknowledgement-unused`` (one warning, field ``acknowledge``) when an acknowledged check did
not fire; a code given twice is refused (``duplicate-acknowledgement``).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import orders
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from ldncompound_cli import cli

import ldncompound as lc
from ldncompound._plausible import ACKNOWLEDGEABLE, DATED_CHECKS


def _unused(result: Any) -> list[lc.ResultWarning]:
    return [w for w in result.warnings if w.code == "acknowledgement-unused"]


@pytest.mark.parametrize("name", sorted(orders.ORDERS))
def test_an_unneeded_dose_acknowledgement_is_warned_about(name):
    result = orders.FORMULATE[name](orders.ORDERS[name](acknowledge=("dose-above-range",)))
    (warning,) = _unused(result)
    assert warning.field == "acknowledge"
    assert warning.message.startswith(
        "The order acknowledges 'dose-above-range' but no such check fired; leave"
    )


@pytest.mark.parametrize("name", sorted(orders.ORDERS))
def test_an_order_without_acknowledgements_has_no_such_warning(name):
    assert _unused(orders.FORMULATE[name](orders.ORDERS[name]())) == []


def test_a_needed_acknowledgement_is_not_warned_about():
    result = lc.formulate_capsules(
        orders.capsules(
            dose=lc.mass("6 mg"), acknowledge=("daily-dose-above-range", "dose-above-range")
        )
    )
    assert "dose-above-range" in {w.code for w in result.warnings}
    assert _unused(result) == []


def test_unused_codes_share_one_warning_in_their_order():
    result = lc.formulate_capsules(
        orders.capsules(
            dose=lc.mass("6 mg"),
            acknowledge=(
                "density-implausible",
                "dose-above-range",
                "daily-dose-above-range",
                "assay-implausible",
            ),
        )
    )
    (warning,) = _unused(result)
    assert "'assay-implausible', 'density-implausible' but" in warning.message
    assert "dose-above-range'" not in warning.message


@settings(max_examples=30, deadline=None)
@given(codes=st.sets(st.sampled_from(sorted(set(ACKNOWLEDGEABLE) - DATED_CHECKS)), min_size=1))
def test_every_acknowledged_code_either_fires_or_is_named_unused(codes):
    """Property: for the plain capsule order (no check fires), every acknowledged code is
    named in the one unused warning."""
    result = lc.formulate_capsules(orders.capsules(acknowledge=tuple(sorted(codes))))
    fired = {w.code for w in result.warnings}
    (warning,) = _unused(result)
    for code in codes:
        assert code in fired or repr(code) in warning.message


def test_a_dated_acknowledgement_is_not_judged():
    """Whether ``compounded-on-future`` fires depends on the day the order is computed; a
    verification on another day could not reproduce the warning."""
    result = lc.formulate_capsules(orders.capsules(acknowledge=("compounded-on-future",)))
    assert _unused(result) == []


def test_a_kit_acknowledgement_used_by_a_step_is_not_unused():
    """The template's dose-above-range lifts the 9 mg step of the kit: the kit does not call
    it unused (a batch of 4.5 mg capsules, checked on its own, does)."""
    template = orders.capsules(
        count=1,
        doses_per_day=None,
        acknowledge=("dose-above-range", "daily-dose-above-range"),
    )
    kit = lc.plan_titration(
        lc.TitrationOrder(
            steps=(lc.parse_step("4.5 mg:7"), lc.parse_step("9 mg:7")),
            maintenance=lc.mass("9 mg"),
            maintenance_days=14,
            start=dt.date(2026, 11, 23),
            form=lc.KitForm.CAPSULES,
            capsules=lc.CapsuleKit(template=template),
        )
    )
    assert _unused(kit) == []
    unused_kit = lc.plan_titration(
        lc.TitrationOrder(
            steps=(lc.parse_step("1.5 mg:7"),),
            maintenance=lc.mass("3 mg"),
            maintenance_days=14,
            start=dt.date(2026, 11, 23),
            form=lc.KitForm.CAPSULES,
            capsules=lc.CapsuleKit(template=template),
        )
    )
    (warning,) = _unused(unused_kit)
    assert "'daily-dose-above-range', 'dose-above-range'" in warning.message


def test_a_record_of_a_result_with_an_unused_acknowledgement_verifies():
    result = lc.formulate_capsules(orders.capsules(acknowledge=("dose-above-range",)))
    record = lc.make_record(result, record_id="R1", compounded_by="A")
    assert lc.verify_record(json.loads(lc.dumps(record))).ok


@pytest.mark.parametrize("name", sorted(orders.ORDERS))
def test_a_code_acknowledged_twice_is_refused(name):
    with pytest.raises(lc.InputError) as info:
        orders.ORDERS[name](acknowledge=("dose-above-range", "dose-above-range"))
    err = info.value
    assert (err.code, err.field) == ("duplicate-acknowledgement", "acknowledge")
    assert err.message == (
        "acknowledge: 'dose-above-range' is acknowledged twice; expected each check "
        "acknowledged once."
    )


def test_a_record_acknowledgement_that_lifts_nothing_is_warned_about():
    ack = lc.Acknowledgement(code="weighing-tolerance-above-policy", reason="viscous base, SOP 12")
    result = orders.FORMULATE["capsules"](orders.capsules())
    record = lc.make_record(result, record_id="R1", compounded_by="A", acknowledge=(ack,))
    (warning,) = _unused(record)
    assert warning.field == "acknowledge"
    assert "'weighing-tolerance-above-policy' lifted nothing" in warning.message
    assert lc.verify_record(json.loads(lc.dumps(record))).ok
    narrower = lc.make_record(
        result,
        record_id="R1",
        compounded_by="A",
        weighing_tolerance=lc.percent("2 %"),
        acknowledge=(ack,),
    )
    assert len(_unused(narrower)) == 1


def test_a_record_acknowledgement_given_twice_is_refused():
    ack = lc.Acknowledgement(code="weighing-tolerance-above-policy", reason="viscous base, SOP 12")
    result = orders.FORMULATE["capsules"](orders.capsules())
    with pytest.raises(lc.InputError) as info:
        lc.make_record(
            result,
            record_id="R1",
            compounded_by="A",
            weighing_tolerance=lc.percent("10 %"),
            acknowledge=(ack, ack),
        )
    assert (info.value.code, info.value.field) == ("duplicate-acknowledgement", "acknowledge")


def test_a_stored_record_with_a_duplicate_acknowledgement_does_not_verify():
    ack = lc.Acknowledgement(code="weighing-tolerance-above-policy", reason="viscous base, SOP 12")
    result = orders.FORMULATE["capsules"](orders.capsules())
    record = lc.make_record(
        result,
        record_id="R1",
        compounded_by="A",
        weighing_tolerance=lc.percent("10 %"),
        acknowledge=(ack,),
    )
    data = json.loads(lc.dumps(record))
    data["acknowledged"].append(dict(data["acknowledged"][0]))
    report = lc.verify_record(data)
    assert not report.ok
    assert "acknowledged[1].code" in {d.field for d in report.differences}


# --- the CLI ------------------------------------------------------------------------------------------------


def test_cli_warns_about_an_unneeded_acknowledgement_and_refuses_a_duplicate():
    runner = CliRunner()
    res = runner.invoke(
        cli, [*orders.command("capsules"), "--acknowledge", "dose-above-range", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    warnings = json.loads(res.output)["warnings"]
    assert "acknowledgement-unused" in {w["code"] for w in warnings}
    res = runner.invoke(
        cli,
        [
            *orders.command("capsules", **{"--dose": "45 mg"}),
            *("--acknowledge", "dose-above-range", "--acknowledge", "dose-above-range"),
        ],
    )
    assert res.exit_code == 2
    assert "'dose-above-range' is acknowledged twice" in res.output
    assert "Traceback" not in res.output


def test_the_dose_acknowledgement_still_lifts_the_dose_once():
    """The acknowledged 45 mg is still computed (the check is not removed), with its warning."""
    result = lc.formulate_capsules(
        orders.capsules(
            dose=lc.mass("45 mg"), acknowledge=("dose-above-range", "daily-dose-above-range")
        ),
    )
    assert result.dose == lc.mass("45 mg") and _unused(result) == []
    assert Decimal(1) == result.order.doses_per_day
