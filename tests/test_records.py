"""Compounding records and their verification."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest

import ldncompound as lc

DAY = dt.date(2026, 11, 21)


def result() -> lc.CapsuleResult:
    api = lc.ApiLot(
        form="hcl",
        assay=lc.percent("99.5 %"),
        assay_basis=lc.AssayBasis.AS_IS,
        expiry=dt.date(2028, 1, 1),
        lot="A1",
    )
    return lc.formulate_capsules(
        lc.CapsuleOrder(
            dose=lc.mass("0.5 mg"),
            count=30,
            source=api,
            balance=lc.Balance.class_iii(),
            filler=lc.FillerLot(
                filler="mcc",
                lot="F1",
                expiry=dt.date(2028, 1, 1),
                pack_stat=lc.PackStat(
                    size="1", filler_per_capsule=lc.mass("150 mg"), method="tamped"
                ),
            ),
            compounded_on=DAY,
        )
    )


def record(**kw) -> lc.CompoundingRecord:
    r = result()
    actual = tuple(lc.ActualWeighing(number=w.number, amount=w.amount) for w in r.weighings)
    args = {
        "record_id": "RX-1001-1",
        "compounded_by": "A. Pharmacist",
        "verified_by": "B. Checker",
        "actual_weighings": actual,
        "unit_weights": tuple(
            lc.mass(f"{x} mg") for x in (150, 149, 151, 150, 148, 152, 150, 149, 151, 150)
        ),
        "yield_units": 33,
        "description": "white opaque size 1 capsules",
    }
    args.update(kw)
    return lc.make_record(r, **args)


def data() -> dict:
    return json.loads(lc.dumps(record()))


def test_record_contents():
    rec = record()
    assert rec.schema == "ldncompound/record/1"
    assert rec.library_version == lc.__version__
    m = rec.master
    assert m.name == "naltrexone HCl 0.5 mg capsules"
    assert any("salt form naltrexone HCl" in i for i in m.ingredients)
    assert m.instructions == rec.result.process
    assert m.bud_reference.startswith("USP <795>")
    assert m.calculations == rec.result.trace
    assert any("opioid" in t for t in m.labeling)
    assert rec.weight_check is not None and rec.weight_check.passed
    assert rec.weight_check.mean == lc.mass("150 mg")
    keys = {t.key for t in rec.table_values}
    assert {
        "drug.naltrexone.hcl.molar_mass",
        "bud.nonaqueous-solid.days",
        "capsule_size.1.volume",
        "record.weighing_tolerance",
    } <= keys
    assert rec.warnings == ()
    assert lc.from_json(json.loads(lc.dumps(rec))) == rec


def test_record_warnings():
    r = result()
    rec = lc.make_record(
        r,
        record_id="X",
        compounded_by="A",
        actual_weighings=(lc.ActualWeighing(number=1, amount=lc.mass("130 mg")),),
        unit_weights=tuple(
            lc.mass(f"{x} mg") for x in (150, 149, 151, 150, 120, 152, 150, 149, 151, 150)
        ),
        yield_units=28,
    )
    codes = {w.code for w in rec.warnings}
    assert {
        "weighing-outside-tolerance",
        "weighing-not-recorded",
        "unit-weight-outside-window",
        "yield-below-dispensed",
        "not-verified",
    } <= codes


def test_record_refusals():
    r = result()
    with pytest.raises(lc.InputError) as info:
        lc.make_record(
            r,
            record_id="X",
            compounded_by="A",
            actual_weighings=(lc.ActualWeighing(number=9, amount=lc.mass("1 mg")),),
        )
    assert info.value.field == "actual_weighings"
    with pytest.raises(lc.InputError) as info:
        lc.make_record(r, record_id="X", compounded_by="A\x1b[2J")
    assert info.value.field == "compounded_by"
    with pytest.raises(lc.InputError) as info:
        lc.make_record(r, record_id="X", compounded_by="A", unit_weights=(lc.mass("150 mg"),))
    assert info.value.field == "unit_weights"


def test_verify_reports_nothing_for_a_record_the_library_produced():
    report = lc.verify_record(data())
    assert report.ok, report.differences
    assert report.differences == ()
    assert report.cannot_check
    assert len(report.checked) >= 5


def _alter(path: list, value) -> dict:
    d = data()
    node = d
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return d


def test_verify_names_an_altered_amount():
    d = _alter(["result", "weighings", 2, "amount", "value"], "160")
    report = lc.verify_record(d)
    assert not report.ok
    assert [x.field for x in report.differences if x.field.startswith("result.")] == [
        "result.weighings[2].amount"
    ]


def test_verify_names_an_altered_per_capsule_amount_and_bud():
    d = _alter(["result", "active_per_capsule", "value"], "0.6")
    d["result"]["bud"]["date"] = "2027-12-31"
    fields = {x.field for x in lc.verify_record(d).differences}
    assert {"result.active_per_capsule", "result.bud.date"} <= fields


def test_verify_names_an_actual_weight_outside_tolerance():
    d = data()
    d["actual_weighings"][0]["actual"]["value"] = "140"
    report = lc.verify_record(d)
    assert [x.field for x in report.differences] == ["actual_weighings[0].actual"]
    assert "outside" in report.differences[0].reason


def test_verify_names_an_altered_stored_table_value():
    d = data()
    index = next(
        i for i, t in enumerate(d["table_values"]) if t["key"] == "drug.naltrexone.hcl.molar_mass"
    )
    d["table_values"][index]["value"]["value"] = "377.87"
    report = lc.verify_record(d)
    assert [x.field for x in report.differences] == [
        f"table_values[{index}].value (drug.naltrexone.hcl.molar_mass)"
    ]


def test_verify_names_a_removed_table_value_and_a_unit_weight_outside_the_window():
    d = data()
    d["table_values"] = [t for t in d["table_values"] if t["key"] != "capsule_size.1.volume"]
    d["unit_weights"][3]["value"] = "170"
    fields = {(x.field, x.found) for x in lc.verify_record(d).differences}
    assert ("table_values", "capsule_size.1.volume") in fields
    assert any(f == "unit_weights[3]" for f, _ in fields)


def test_verify_names_an_altered_order_input():
    d = data()
    d["result"]["order"]["source"]["assay"]["value"] = "98.0"
    fields = {x.field for x in lc.verify_record(d).differences}
    assert "result.weighings[2].amount" in fields or "result.active_per_capsule" in fields


def test_verify_refuses_what_is_not_a_record():
    with pytest.raises(lc.InputError):
        lc.verify_record({"schema": "ldncompound/capsules/1"})
    d = copy.deepcopy(data())
    del d["result"]
    with pytest.raises(lc.InputError):
        lc.verify_record(d)
    assert Decimal(d["weighing_tolerance"]["value"]) == 5
