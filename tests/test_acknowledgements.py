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
    """The template's dose-above-range lifts the 9 mg step of the kit: neither the kit nor
    its batch of 4.5 mg capsules (the 9 mg step is two of them) calls it unused, though the
    batch, checked on its own, fires nothing (a kit's acknowledgements are used if any step
    uses them)."""
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
    (batch,) = kit.capsule_batches
    assert batch.dose == lc.mass("4.5 mg") and _unused(batch) == []
    assert "dose-above-range" not in {w.code for w in batch.warnings}
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
    # where no step uses it, the batch says so too, as it did
    (batch,) = unused_kit.capsule_batches
    assert _unused(batch) == [warning]


def _kit(acknowledge: tuple[str, ...], *doses: str) -> lc.TitrationResult:
    template = orders.capsules(count=1, doses_per_day=None, acknowledge=acknowledge)
    return lc.plan_titration(
        lc.TitrationOrder(
            steps=tuple(lc.parse_step(f"{dose}:7") for dose in doses[:-1]),
            maintenance=lc.mass(doses[-1]),
            maintenance_days=14,
            start=dt.date(2026, 11, 23),
            form=lc.KitForm.CAPSULES,
            capsules=lc.CapsuleKit(template=template),
        )
    )


_KIT_CODES = ("dose-precision", "assay-implausible", "density-implausible")


@settings(max_examples=25, deadline=None)
@given(
    codes=st.sets(st.sampled_from(_KIT_CODES)),
    doses=st.sampled_from(
        [("1.5 mg", "3 mg"), ("4.5 mg", "9 mg"), ("1.5 mg", "4.5 mg", "9 mg"), ("3 mg", "6 mg")]
    ),
)
def test_every_batch_of_a_kit_names_exactly_the_codes_no_step_of_the_kit_fired(codes, doses):
    """Property: a code is unused in a kit's batch exactly when no check of the kit (its own
    or any batch's) fired it; every batch names the same codes as the kit (the dose codes,
    always acknowledged, lift the steps above 5 mg, or are unused where none is)."""
    codes = codes | {"dose-above-range", "daily-dose-above-range"}
    kit = _kit(tuple(sorted(codes)), *doses)
    fired = {w.code for w in (*kit.warnings, *(w for b in kit.batches for w in b.warnings))}
    unused = sorted(codes - fired)
    expected = [f"The order acknowledges {', '.join(map(repr, unused))} but"] if unused else []
    for batch in (kit, *kit.batches):
        assert [w.message[: len(expected[0])] for w in _unused(batch)] == expected


def test_a_record_of_a_result_with_an_unused_acknowledgement_verifies():
    result = lc.formulate_capsules(orders.capsules(acknowledge=("dose-above-range",)))
    record = lc.make_record(result, record_id="R1", compounded_by="A")
    assert not lc.verify_record(json.loads(lc.dumps(record))).differences


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
    assert not lc.verify_record(json.loads(lc.dumps(record))).differences
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


# --- results and records saved before acknowledgement-unused existed ---------------------------


def _saved_before_the_warning(result: Any) -> dict[str, Any]:
    """``result``'s JSON as a library without acknowledgement-unused wrote it."""
    data = json.loads(lc.dumps(result))
    data["warnings"] = [w for w in data["warnings"] if w["code"] != "acknowledgement-unused"]
    return data


_PHARMACY = lc.Pharmacy(name="Main Street Pharmacy", address="1 Main Street", phone="555-0100")
_LABEL = lc.LabelOrder(
    patient="Jane Doe", prescriber="Dr Smith", pharmacy=_PHARMACY, rx_number="1", record_id="CR-1"
)


def test_a_result_saved_before_the_unused_warning_still_labels_records_and_verifies():
    """A result saved without the acknowledgement-unused warning (the library then gave none)
    is the result its order computes: it labels, and its record verifies; the label and the
    record are those of the same result computed today, but for the warning."""
    result = lc.formulate_capsules(orders.capsules(acknowledge=("dose-above-range",)))
    assert len(_unused(result)) == 1
    old = lc.read_result(json.dumps(_saved_before_the_warning(result)))
    assert _unused(old) == []
    label, today = lc.build_label(old, _LABEL), lc.build_label(result, _LABEL)
    assert (label.directions, label.strength, label.bud) == (
        today.directions,
        today.strength,
        today.bud,
    )
    record = json.loads(lc.dumps(lc.make_record(result, record_id="R1", compounded_by="A")))
    record["result"] = _saved_before_the_warning(result)
    report = lc.verify_record(record)
    assert not report.differences, report.differences
    made_from_old = lc.make_record(old, record_id="R1", compounded_by="A")
    assert not lc.verify_record(json.loads(lc.dumps(made_from_old))).differences


def _refused_label(data: dict[str, Any]) -> lc.InputError:
    with pytest.raises(lc.InputError) as info:
        lc.build_label(lc.read_result(json.dumps(data)), _LABEL)
    return info.value


def test_a_real_difference_in_a_saved_result_still_fails_its_recompute_check():
    """Only a missing (or extra) acknowledgement-unused warning is left out of the comparison:
    another warning left out, the warning's own text edited, or an edited figure are refused
    (``result-not-recomputed``), and a record with them does not verify."""
    result = lc.formulate_capsules(orders.capsules(acknowledge=("dose-above-range",)))
    other = _saved_before_the_warning(result)
    del other["warnings"][0]
    edited = json.loads(lc.dumps(result))
    (unused,) = (w for w in edited["warnings"] if w["code"] == "acknowledgement-unused")
    unused["message"] = unused["message"].replace("'dose-above-range'", "'dose-below-range'")
    figure = _saved_before_the_warning(result)
    figure["count"] = figure["count"] + 1
    for data in (other, edited, figure):
        err = _refused_label(data)
        assert err.code == "result-not-recomputed"
        record = json.loads(lc.dumps(lc.make_record(result, record_id="R1", compounded_by="A")))
        record["result"] = data
        assert not lc.verify_record(record).ok
    assert _refused_label(edited).field.startswith("result.warnings")


@settings(max_examples=25, deadline=None)
@given(codes=st.sets(st.sampled_from(sorted(set(ACKNOWLEDGEABLE) - DATED_CHECKS)), min_size=1))
def test_any_result_saved_without_its_unused_warning_recomputes(codes):
    """Property: whatever the order acknowledges, the result saved without its
    acknowledgement-unused warning passes the recompute check, and saved with every
    warning but its first, it does not."""
    result = lc.formulate_capsules(orders.capsules(acknowledge=tuple(sorted(codes))))
    data = _saved_before_the_warning(result)
    lc.check_recomputes(lc.read_result(json.dumps(data)))
    del data["warnings"][0]
    with pytest.raises(lc.InputError) as info:
        lc.check_recomputes(lc.read_result(json.dumps(data)))
    assert info.value.code == "result-not-recomputed"


def test_the_command_line_labels_a_result_saved_before_the_unused_warning(tmp_path):
    result = lc.formulate_capsules(orders.capsules(acknowledge=("dose-above-range",)))
    path = tmp_path / "result.json"
    path.write_text(json.dumps(_saved_before_the_warning(result)))
    args = [*("--patient", "Jane Doe", "--prescriber", "Dr Smith", "--rx", "1")]
    args += [*("--pharmacy-name", "Main St", "--pharmacy-address", "1 Main St")]
    args += ["--pharmacy-phone", "555-0100", "--record-id", "CR-1"]
    res = CliRunner().invoke(cli, ["label", str(path), *args])
    assert res.exit_code == 0, res.output
    assert "Jane Doe" in res.output
    data = _saved_before_the_warning(result)
    data["count"] += 1
    path.write_text(json.dumps(data))
    res = CliRunner().invoke(cli, ["label", str(path), *args])
    assert res.exit_code == 2
    assert "is not what the result's own order computes" in res.output
    assert "Traceback" not in res.output
