"""The JSON form of results: plain data, decimal strings with unit codes, exact round trips."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from decimal import Decimal

import orders as valid
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_capsules import orders

import ldncompound as lc

DAY = dt.date(2026, 11, 21)


def _walk(value, path="$"):
    if isinstance(value, dict):
        for k, v in value.items():
            assert isinstance(k, str), path
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, value


def _result() -> lc.CapsuleResult:
    api = lc.ApiLot(
        form="hcl-dihydrate",
        assay=lc.percent("99.1 %"),
        assay_basis=lc.AssayBasis.ANHYDROUS,
        water_content=lc.percent("8.8 %"),
        expiry=dt.date(2028, 1, 1),
        lot="A",
    )
    return lc.formulate_capsules(
        lc.CapsuleOrder(dose=lc.mass("0.5 mg"), count=30, source=api, compounded_on=DAY)
    )


def test_result_json_is_plain_data_with_unit_codes():
    data = lc.to_json(_result())
    assert data["schema"] == "ldncompound/capsules/1"
    assert data["library_version"] == lc.__version__
    assert data["dose"] == {"value": "0.5", "unit": "mg"}
    assert data["bud"]["date"] == "2027-05-19"
    assert data["order"]["source"]["kind"] == "api"
    assert data["order"]["source"]["drug"] == "naltrexone"
    for path, leaf in _walk(data):
        assert leaf is None or isinstance(leaf, (str, int, bool)), path
        assert not isinstance(leaf, float), path
    for w in data["weighings"]:
        assert set(w["amount"]) == {"value", "unit"}
    assert {"key", "description", "formula", "inputs", "result"} == set(data["trace"][0])
    assert all({"code", "message", "field"} == set(w) for w in data["warnings"])
    assert all({"field", "value", "source"} == set(d) for d in data["defaults"])


def test_round_trip_through_json_text_is_exact():
    r = _result()
    text = lc.dumps(r)
    back = lc.from_json(json.loads(text))
    assert back == r
    assert lc.dumps(back) == text


@given(orders)
def test_every_result_round_trips(order):
    r = lc.formulate_capsules(order)
    assert lc.from_json(json.loads(lc.dumps(r, indent=None))) == r
    assert pickle.loads(pickle.dumps(r)) == r


def test_custom_drugs_are_written_in_full():
    drug = lc.Drug.from_salt_factor("x", base_name="x", salt_name="x HCl", factor=Decimal("1.1"))
    api = lc.ApiLot(
        form="salt",
        assay=lc.percent("100 %"),
        assay_basis=lc.AssayBasis.AS_IS,
        expiry=dt.date(2028, 1, 1),
        lot="A",
        drug=drug,
    )
    r = lc.formulate_capsules(
        lc.CapsuleOrder(dose=lc.mass("10 mg"), count=30, source=api, compounded_on=DAY)
    )
    data = lc.to_json(r)
    assert data["order"]["source"]["drug"]["name"] == "x"
    assert lc.from_json(data) == r


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(schema="ldncompound/unknown/1"),
        lambda d: d.pop("schema"),
        lambda d: d["order"]["source"].update(drug="aspirin"),
    ],
)
def test_unknown_schemas_and_drugs_refused(mutate):
    data = lc.to_json(_result())
    mutate(data)
    with pytest.raises(Exception) as info:
        lc.from_json(data)
    text = repr(info.value) + "".join(repr(e) for e in getattr(info.value, "exceptions", ()))
    assert "schema" in text or "drug" in text


def _cattrs_form(value):
    from ldncompound import _json  # noqa: PLC0415 - the private converter, as the reference

    return _json.converter().unstructure(value)


@given(orders)
def test_the_generated_writers_write_what_cattrs_unstructures(order):
    """to_json runs on writers generated from the attrs fields; cattrs, which reads the JSON
    back, is the reference for what they must write (values, keys and key order)."""
    r = lc.formulate_capsules(order)
    for value in (r, order, r.trace, r.plan, r.balance):
        ours, reference = lc.to_json(value), _cattrs_form(value)
        assert ours == reference  # values and container types (a tuple never equals a list)
        assert json.dumps(ours) == json.dumps(reference)  # and key order


def test_the_writers_match_cattrs_for_custom_drugs_and_scalars():
    drug = lc.Drug.from_salt_factor("x", base_name="x", salt_name="x HCl", factor=Decimal("1.1"))
    for value in (drug, lc.NALTREXONE, Decimal("1.50"), DAY, lc.Unit.MG, lc.mass("4.5 mg"), None):
        assert lc.to_json(value) == _cattrs_form(value)
        assert json.dumps(lc.to_json(value)) == json.dumps(_cattrs_form(value))


@given(orders, st.text(st.characters(exclude_categories=())))
def test_dumps_writes_the_standard_librarys_text(order, text):
    """dumps(indent=2) uses orjson; its text must be json.dumps' text, byte for byte, including
    for any caller text (control characters, quotes, non-ASCII, lone surrogates)."""
    r = lc.formulate_capsules(order)
    data = lc.to_json(r)
    data["reference"] = text
    expected = json.dumps(data, indent=2, ensure_ascii=False)
    from ldncompound import _json  # noqa: PLC0415

    assert _json.to_json(data) == data
    assert lc.dumps(data) == expected
    assert lc.dumps(r) == json.dumps(lc.to_json(r), indent=2, ensure_ascii=False)
    assert lc.dumps(r, indent=None) == json.dumps(lc.to_json(r), ensure_ascii=False)


def test_dumps_falls_back_where_orjson_refuses():
    data = {"lot": "\ud800", "big": 2**70}
    assert lc.dumps(data) == json.dumps(data, indent=2, ensure_ascii=False)


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"order": 5}, "not-a-result", "order"),
        ({"count": "thirty"}, "not-a-result", "count"),
        ({"bud": []}, "not-a-result", "bud"),
        ({"schema": "ldncompound/capsules/0"}, "unknown-schema", "schema"),
    ],
)
def test_from_json_refuses_data_it_did_not_write_in_one_sentence(change, code, field):
    """cattrs reports a group of structure errors; the caller gets the library's error,
    naming the first place the data does not fit."""
    r = lc.formulate_capsules(valid.capsules())
    with pytest.raises(lc.InputError) as info:
        lc.from_json(lc.to_json(r) | change)
    err = info.value
    assert (err.code, err.field) == (code, field)
    assert err.message.startswith(f"{field}:") and "\n" not in err.message


def test_from_json_passes_on_the_order_classes_own_refusal():
    r = lc.formulate_capsules(valid.capsules())
    data = lc.to_json(r)
    data["order"]["dose"] = {"value": "0", "unit": "mg"}
    with pytest.raises(lc.InputError) as info:
        lc.from_json(data)
    assert (info.value.code, info.value.field) == ("zero", "dose")
