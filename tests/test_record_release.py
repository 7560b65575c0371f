"""A record of a batch that is not what was planned never reads as passed (probe F26, F20, F4).

No acknowledgement lifts the weighing tolerance above +/-10 % (the library's cap on a balance's
error and on a drug loss); an acknowledgement needs a reason of real content; a weighing that
sets the dose is judged by the policy's +/-5 % whatever is acknowledged; a record with a
weighing out of tolerance says DO NOT RELEASE with the dose the weights give, and `record`
exits 1; `verify` compares each table value's source text too.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import orders
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from ldncompound_cli import cli

import ldncompound as lc
from ldncompound._records import _planned

REASON = "viscous base, SOP 12"
ACK = lc.Acknowledgement(code="weighing-tolerance-above-policy", reason=REASON)


def _result(name: str = "capsules") -> Any:
    return orders.FORMULATE[name](orders.ORDERS[name]())


def _scaled(result: Any, number: int, factor: str) -> lc.ActualWeighing:
    plan = _planned(result)[number]
    return lc.ActualWeighing(number=number, amount=plan.amount * Decimal(factor))


def _record(result: Any, *weighed: lc.ActualWeighing, **kw: Any) -> lc.CompoundingRecord:
    return lc.make_record(
        result, record_id="RX-1", compounded_by="A", actual_weighings=weighed, **kw
    )


# --- F26: the tolerance limit, the reason, the dose weighings ---------------------------------------


@pytest.mark.parametrize("tolerance", ["10.01 %", "11 %", "50 %", "99 %", "1000 %"])
def test_no_acknowledgement_lifts_a_tolerance_above_ten_percent(tolerance):
    with pytest.raises(lc.InputError) as info:
        _record(_result(), weighing_tolerance=lc.percent(tolerance), acknowledge=(ACK,))
    err = info.value
    assert (err.code, err.field) == ("weighing-tolerance-above-limit", "weighing_tolerance")
    assert err.message.startswith(f"weighing_tolerance: '{tolerance}' is wider than +/-10 %")
    assert "no acknowledgement lifts" in err.message and err.message.count(";") == 1


def test_ten_percent_acknowledged_is_the_widest_tolerance():
    rec = _record(_result(), weighing_tolerance=lc.percent("10 %"), acknowledge=(ACK,))
    assert rec.weighing_tolerance == lc.percent("10 %")


@pytest.mark.parametrize("reason", ["x", "-", "ok", "n/a", "1234567890", "SOP12", "abc   "])
def test_an_acknowledgement_needs_a_reason_of_real_content(reason):
    with pytest.raises(lc.InputError) as info:
        lc.Acknowledgement(code="weighing-tolerance-above-policy", reason=reason)
    err = info.value
    assert (err.code, err.field) == ("reason-too-short", "acknowledge.reason")
    assert err.message.startswith(f"acknowledge.reason: {reason!r} is not a reason; expected")


@pytest.mark.parametrize("reason", [REASON, "per SOP 12", "viscous PEG base"])
def test_a_reason_of_two_words_and_ten_characters_is_kept(reason):
    assert (
        lc.Acknowledgement(code="weighing-tolerance-above-policy", reason=reason).reason == reason
    )


def test_the_probe_record_of_a_double_strength_batch_is_refused():
    """F26: +/-99 % acknowledged with "x": refused on both counts."""
    r = _result()
    with pytest.raises(lc.InputError) as info:
        lc.Acknowledgement(code="weighing-tolerance-above-policy", reason="x")
    assert info.value.code == "reason-too-short"
    with pytest.raises(lc.InputError) as info:
        _record(r, _scaled(r, 1, "1.93"), weighing_tolerance=lc.percent("99 %"), acknowledge=(ACK,))
    assert info.value.code == "weighing-tolerance-above-limit"


@pytest.mark.parametrize("name", sorted(orders.ORDERS))
def test_a_wide_tolerance_never_covers_a_weighing_that_sets_the_dose(name):
    """+8 % of the drug is out of tolerance under an acknowledged +/-10 %; +8 % of a filler,
    base or diluent is within it."""
    r = _result(name)
    rec = _record(
        r, _scaled(r, 1, "1.08"), weighing_tolerance=lc.percent("10 %"), acknowledge=(ACK,)
    )
    (check,) = rec.actual_weighings
    assert not check.within_tolerance
    codes = [w.code for w in rec.warnings]
    assert "do-not-release" in codes and "weighing-outside-tolerance" in codes
    outside = next(w for w in rec.warnings if w.code == "weighing-outside-tolerance")
    assert outside.message.endswith("outside +/-5 %.")
    report = lc.verify_record(json.loads(lc.dumps(rec)))
    assert not report.ok
    (diff,) = report.differences
    assert diff.field == "actual_weighings[0].actual" and "outside +/-5 %" in diff.reason


@pytest.mark.parametrize("name", ["capsules", "troches"])
def test_a_wide_tolerance_covers_an_excipient(name):
    r = _result(name)
    rec = _record(
        r, _scaled(r, 2, "1.08"), weighing_tolerance=lc.percent("10 %"), acknowledge=(ACK,)
    )
    assert rec.actual_weighings[0].within_tolerance
    assert "do-not-release" not in {w.code for w in rec.warnings}
    assert not lc.verify_record(json.loads(lc.dumps(rec))).differences
    sheet = lc.render_worksheet(rec)
    assert "tolerance +/-10 % for a filler, diluent or base; +/-5 % for every weighing" in sheet


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(sorted(orders.ORDERS)),
    percent=st.decimals(min_value=-60, max_value=900, places=2).filter(lambda p: abs(p) > 5),
    tolerance=st.sampled_from([None, "5 %", "7.5 %", "10 %"]),
)
def test_a_drug_weighing_beyond_the_policy_is_never_within_tolerance(name, percent, tolerance):
    """Property: whatever tolerance is acknowledged, a drug weighing more than 5 % off its
    plan is out of tolerance, the record says DO NOT RELEASE and verify reports it."""
    r = _result(name)
    kw: dict[str, Any] = {}
    if tolerance is not None:
        kw["weighing_tolerance"] = lc.percent(tolerance)
        if lc.percent(tolerance) > lc.percent("5 %"):
            kw["acknowledge"] = (ACK,)
    rec = _record(r, _scaled(r, 1, str(1 + percent / 100)), **kw)
    assert not rec.actual_weighings[0].within_tolerance
    assert rec.warnings[0].code == "do-not-release"
    assert not lc.verify_record(json.loads(lc.dumps(rec))).ok


# --- F20: DO NOT RELEASE, the dose the weights give, signed deviations -------------------------------


def test_a_tenfold_drug_weighing_says_do_not_release_with_the_dose():
    r = _result()
    rec = _record(r, _scaled(r, 1, "10"))
    warning = rec.warnings[0]
    assert warning.code == "do-not-release" and warning.field == "actual_weighings"
    assert warning.message.startswith(
        "DO NOT RELEASE: weighing 1 (crushed naltrexone HCl 50 mg tablets, +900 %) is out of "
        "tolerance; the drug weighed gives about 45 mg of naltrexone HCl a dose, not the 4.5 mg "
        "planned"
    )
    sheet = lc.render_worksheet(rec)
    assert sheet.splitlines()[2].startswith("DO NOT RELEASE: weighing 1")
    assert "(+900 %, OUT OF TOLERANCE)" in sheet
    assert (
        "  - weighing 1 (crushed naltrexone HCl 50 mg tablets): 5990 mg for 599 mg planned" in sheet
    )
    assert "none recorded" not in sheet


def test_the_weight_check_does_not_pass_a_batch_with_a_weighing_out_of_tolerance():
    r = _result()
    window = r.qc
    weights = tuple(window.target for _ in range(window.sample_size))
    bad = lc.render_worksheet(_record(r, _scaled(r, 1, "10"), unit_weights=weights))
    assert "all within the window" not in bad
    assert "weighing 1 OUT OF TOLERANCE, NOT PASSED" in bad
    good = lc.render_worksheet(_record(r, _scaled(r, 1, "1.01"), unit_weights=weights))
    assert "all within the window" in good and "DO NOT RELEASE" not in good


def test_a_volume_made_up_too_far_dilutes_the_dose():
    """A liquid made up to twice its volume holds half the planned concentration."""
    r = _result("liquid")
    rec = _record(r, _scaled(r, 2, "2"))
    assert rec.warnings[0].code == "do-not-release"
    assert "gives about 2.25 mg of naltrexone HCl a dose, not the 4.5 mg" in rec.warnings[0].message


def test_an_excipient_out_of_tolerance_says_do_not_release_without_a_dose():
    r = _result()
    rec = _record(r, _scaled(r, 2, "1.5"))
    assert rec.warnings[0].code == "do-not-release"
    assert "the drug weighed gives" not in rec.warnings[0].message


def test_deviations_are_signed():
    r = _result()
    rec = _record(r, _scaled(r, 1, "1.01"), _scaled(r, 2, "0.99"))
    sheet = lc.render_worksheet(rec)
    assert "(+1 %)" in sheet and "(-1 %)" in sheet
    out = _record(r, _scaled(r, 1, "1.2"))
    assert "(+20 %), outside +/-5 %." in next(
        w.message for w in out.warnings if w.code == "weighing-outside-tolerance"
    )


# --- F4: the source text of a table value -------------------------------------------------------------


def test_verify_reports_an_edited_table_source():
    r = _result()
    data = json.loads(lc.dumps(_record(r, _scaled(r, 1, "1"))))
    assert not lc.verify_record(data).differences
    tv = data["table_values"][0]
    original = tv["source"]
    tv["source"] = original.replace("3", "9", 1) if "3" in original else original + " (edited)"
    report = lc.verify_record(data)
    assert not report.ok
    (diff,) = report.differences
    assert diff.field == f"table_values[0].source ({tv['key']})"
    assert diff.found == original and "source text differs" in diff.reason
    assert any("source text" in c for c in report.checked)


# --- the CLI ------------------------------------------------------------------------------------------------


@pytest.fixture
def result_file(tmp_path: Path) -> Path:
    path = tmp_path / "result.json"
    path.write_text(lc.dumps(_result()), encoding="utf-8")
    return path


def _run(*args: str) -> Any:
    res = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in res.output
    return res


def _cli_record(path: Path, *extra: str) -> Any:
    return _run("record", str(path), "--record-id", "R1", "--compounded-by", "A", *extra)


def test_cli_record_of_a_tenfold_weighing_exits_1_and_says_do_not_release(result_file):
    res = _cli_record(result_file, "--weighed", "1=5990 mg", "--weighed", "2=1384 mg")
    assert res.exit_code == 1
    assert res.output.splitlines()[2].startswith("DO NOT RELEASE: weighing 1")
    assert "+900 %, OUT OF TOLERANCE" in res.output
    res = _cli_record(result_file, "--weighed", "1=5990 mg", "--format", "json")
    assert res.exit_code == 1
    assert json.loads(res.output)["warnings"][0]["code"] == "do-not-release"


def test_cli_record_within_tolerance_exits_0(result_file):
    res = _cli_record(result_file, "--weighed", "1=600 mg", "--weighed", "2=1384 mg")
    assert res.exit_code == 0, res.output
    assert "DO NOT RELEASE" not in res.output


def test_cli_record_refuses_the_probe_tolerance_and_reason(result_file):
    res = _cli_record(
        result_file,
        *("--weighed", "1=1156 mg", "--weighing-tolerance", "99 %"),
        *("--acknowledge", f"weighing-tolerance-above-policy={REASON}"),
    )
    assert res.exit_code == 2
    assert "Error: --weighing-tolerance: '99 %' is wider than +/-10 %" in res.output
    res = _cli_record(
        result_file,
        *("--weighing-tolerance", "10 %", "--acknowledge", "weighing-tolerance-above-policy=x"),
    )
    assert res.exit_code == 2
    assert "Error: --acknowledge: 'x' is not a reason; expected at least 2 words" in res.output


def test_cli_verify_reports_an_edited_source(result_file, tmp_path):
    res = _cli_record(result_file, "--format", "json")
    data = json.loads(res.output)
    data["table_values"][-1]["source"] = "tolerance of +/-9 %"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    res = _run("verify", str(edited))
    assert res.exit_code == 1
    assert "record.weighing_tolerance" in res.output and "source text differs" in res.output


def test_a_stored_record_widened_to_99_percent_does_not_verify():
    """F26 on a stored record: tolerance, flags and warnings edited to agree, acknowledged
    with a real reason: the limit is reported; with the reason "x" the record is refused."""
    r = _result()
    rec = _record(
        r, _scaled(r, 1, "1.04"), weighing_tolerance=lc.percent("10 %"), acknowledge=(ACK,)
    )
    data = json.loads(lc.dumps(rec))
    data["weighing_tolerance"] = {"value": "99", "unit": "%"}
    report = lc.verify_record(data)
    assert not report.ok
    (limit,) = (d for d in report.differences if d.field == "weighing_tolerance")
    assert "a limit no acknowledgement lifts" in limit.reason
    data["acknowledged"][0]["reason"] = "x"
    with pytest.raises(lc.InputError) as info:
        lc.verify_record(data)
    assert info.value.code == "reason-too-short"


def test_a_volume_made_up_to_nothing_says_do_not_release_without_a_dose():
    r = _result("liquid")
    rec = _record(r, lc.ActualWeighing(number=2, amount=lc.Quantity(Decimal(0), lc.Unit.ML)))
    assert rec.warnings[0].code == "do-not-release"
    assert "the drug weighed gives" not in rec.warnings[0].message
