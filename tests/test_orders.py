"""Order documents: every field present or "default", same validation and messages as the CLI."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import attrs
import examples
import pytest
from click.testing import CliRunner
from examples import capsules, full_capsules, paths, replaced, without
from hypothesis import given
from ldncompound_cli import cli
from strategies import capsule_orders

import ldncompound as lc

TABLETS = lc.TabletSource(
    average_weight=lc.mass("201.4 mg"), tablets_weighed=20, expiry=dt.date(2030, 12, 31), lot="T123"
)


def refusal(doc) -> lc.InputError:
    with pytest.raises(lc.InputError) as info:
        lc.load_order(doc)
    return info.value


def test_the_readme_order_as_a_document_gives_the_readme_result():
    order = lc.CapsuleOrder(
        dose=lc.mass("4.5 mg"),
        count=30,
        source=TABLETS,
        overage=lc.percent("10 %"),
        balance=lc.Balance.documented(minimum_weight=lc.mass("50 mg"), readability=lc.mass("1 mg")),
        compounded_on=dt.date(2026, 11, 21),
        reference="Rx 1",
    )
    assert lc.load_order(capsules()) == order
    assert lc.run_order(capsules()) == lc.formulate_capsules(order)
    assert lc.run_order(json.dumps(capsules())) == lc.formulate_capsules(order)
    assert lc.run_order(json.dumps(capsules()).encode()) == lc.formulate_capsules(order)


@pytest.mark.parametrize(
    "doc",
    [
        capsules(),
        full_capsules(),
        capsules(source=examples.stock_source()),
        capsules(source=examples.api_source()),
    ],
    ids=["tablets", "full", "stock", "api"],
)
def test_documents_round_trip(doc):
    order = lc.load_order(doc)
    again = lc.order_document(order)
    assert lc.load_order(again) == order
    assert lc.order_document(lc.load_order(again)) == again


@given(capsule_orders)
def test_every_order_round_trips_through_its_document(order):
    doc = lc.order_document(order)
    assert doc["schema"] == lc.CAPSULES_ORDER_SCHEMA
    assert lc.load_order(json.loads(json.dumps(doc))) == order


def test_default_today_is_used_only_when_the_order_says_default():
    result = lc.run_order(capsules(compounded_on="default"), today=dt.date(2026, 1, 2))
    assert result.bud.compounded_on == dt.date(2026, 1, 2)
    assert "compounded_on" in {d.field for d in result.defaults}
    # the order's own date, one day after today: within the allowance (later is refused)
    result = lc.run_order(capsules(), today=dt.date(2026, 11, 20))
    assert result.bud.compounded_on == dt.date(2026, 11, 21)


#: fields added after 0.1.0: a document written before them may leave them out
ADDED_LATER = {"trituration_ratio", "aliquot_mass"}


@pytest.mark.parametrize("path", [p for p in paths(full_capsules()) if p not in ADDED_LATER])
def test_every_missing_field_is_named(path):
    err = refusal(without(full_capsules(), path))
    assert err.field == path
    assert err.code == "missing-field"
    assert str(err).startswith(f"{path} is missing; expected ")


@pytest.mark.parametrize("path", sorted(ADDED_LATER))
def test_a_field_added_after_0_1_0_may_be_left_out_and_is_not_written_while_unset(path):
    document = without(full_capsules(), path)
    order = lc.load_order(document)
    assert getattr(order, path) is None
    assert path not in lc.order_document(order)


@pytest.mark.parametrize("path", paths(full_capsules()))
def test_null_is_never_accepted(path):
    err = refusal(replaced(full_capsules(), path, None))
    assert err.field == path
    assert err.code == "null"


@pytest.mark.parametrize("path", ["", "source", "filler", "filler.pack_stat", "balance", "study"])
def test_unknown_fields_are_refused_at_every_level(path):
    doc = full_capsules()
    target = doc
    for p in filter(None, path.split(".")):
        target = target[p]
    target["colour"] = "red"
    err = refusal(doc)
    assert err.field == (f"{path}.colour" if path else "colour")
    assert err.code == "unknown-field"


@pytest.mark.parametrize(
    "path", ["dose", "count", "source", "source.average_weight", "source.expiry"]
)
def test_default_is_refused_where_the_library_has_none(path):
    err = refusal(replaced(capsules(), path, "default"))
    assert err.field == path
    assert err.code == "no-default"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("dose", 4.5, "dose: 4.5 is a number; expected a mass (mg, g or mcg) such as '4.5 mg'."),
        ("count", 30.0, "count: 30.0 is a number; expected a whole number such as 30."),
        ("count", "30", "count: '30' is text; expected a whole number written as a JSON number"),
        ("count", True, "count: True is a boolean"),
        ("count", 0, "count: 0 is zero"),
        ("count", 20000, "count: 20000 is beyond a plausible batch"),
        ("source", "tablets", "source: 'tablets' is text; expected an object with kind"),
        (
            "source.kind",
            "pills",
            "source.kind: 'pills' is not a known kind; expected one of api, tablets, stock.",
        ),
        (
            "source.average_weight",
            "40 mg",
            "source.average_weight: '40 mg' is not more than the tablet's drug content",
        ),
        (
            "source.strength_basis",
            "hclx",
            "source.strength_basis: 'hclx' is not a form of naltrexone",
        ),
        (
            "source.allergens_declared",
            "lactose",
            "source.allergens_declared: 'lactose' is text; expected a list",
        ),
        ("source.drug", "aspirin", "source.drug: 'aspirin' is not a built-in drug"),
        ("dose_basis", "hclx", "dose_basis: 'hclx' is not a form of naltrexone"),
        ("method", "fixed-weight", "fill_weight is missing; expected the net fill weight"),
        (
            "storage",
            "freezer",
            "storage: 'freezer' is not a known code; expected one of room, refrigerator.",
        ),
        ("balance.rule", "x", "balance.rule: 'x' is not a known rule"),
        (
            "balance.minimum_weight",
            "0.1 mg",
            "balance.minimum_weight: '0.1 mg' is below the readability 1 mg",
        ),
        ("compounded_on", "2026-02-30", "compounded_on: '2026-02-30' is not a calendar date"),
        (
            "compounded_on",
            "21/11/2026",
            "compounded_on: '21/11/2026' is not a date in the form YYYY-MM-DD",
        ),
        (
            "doses_per_day",
            2,
            "doses_per_day: 2 is a number; expected a plain number written as text",
        ),
        ("doses_per_day", "30", "doses_per_day: '30' is out of range"),
        ("acknowledge", ["ok", ""], "acknowledge[1]: '' is empty"),
        ("reference", "x" * 201, "reference: 'xxx"),
        ("reference", "Rx\x1b1", "reference: 'Rx\\x1b1' contains a control character"),
        (
            "schema",
            "ldncompound/capsules/2",
            "schema: 'ldncompound/capsules/2' is not a known order schema",
        ),
    ],
)
def test_refusals_name_the_document_path(path, value, message):
    err = refusal(replaced(capsules(), path, value))
    assert message in str(err)
    assert str(err).startswith(err.field)
    assert err.field == re.split("[: ]", message)[0]


def test_nested_refusals_name_the_nested_path():
    doc = full_capsules()
    doc["filler"]["pack_stat"]["size"] = "9"
    assert refusal(doc).field == "filler.pack_stat.size"
    doc = full_capsules()
    doc["filler"]["filler"] = "chalk"
    assert refusal(doc).field == "filler.filler"
    doc = full_capsules()
    doc["study"]["matches_formula_vehicle_container"] = False
    assert refusal(doc).field == "study.matches_formula_vehicle_container"
    doc = full_capsules()
    doc["source"]["loss_on_drying"] = "1 %"
    assert refusal(doc).field == "source.loss_on_drying"
    doc = full_capsules()
    doc["balance"] = {
        "rule": "sensitivity",
        "sensitivity": "6 mg",
        "max_error": "50 %",
        "readability": "10 mg",
        "name": "default",
    }
    assert refusal(doc).field == "balance.max_error"


@pytest.mark.parametrize(
    ("path", "flag", "value"),
    [
        ("dose", "--dose", "4,5 mg"),
        ("dose", "--dose", "4.5 gr"),
        ("dose", "--dose", "4.5"),
        ("dose", "--dose", "1e3 mg"),
        ("dose", "--dose", "4.5 MG"),
        ("source.average_weight", "--tablet-weight", "200 U"),
        ("source.average_weight", "--tablet-weight", "40 mg"),
        ("source.expiry", "--expiry", "06/2027"),
        ("overage", "--overage", "10"),
        ("overage", "--overage", "150 %"),
        ("compounded_on", "--compounded-on", "2026-02-30"),
    ],
)
def test_messages_match_the_command_line(path, flag, value):
    """The same bad value gives the same sentence, with the document path for the option."""
    doc_message = str(refusal(replaced(capsules(), path, value)))
    args = ["capsules", "--dose", "4.5 mg", "--count", "30", "--source", "tablets"]
    args += ["--tablet-weight", "201.4 mg", "--expiry", "2030-12-31", flag, value]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2
    cli_message = next(x for x in res.output.splitlines() if x.startswith("Error: "))
    assert cli_message.removeprefix("Error: ") == flag + doc_message.removeprefix(path)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"dose": "4.5 mg", "dose": "45 mg"}', "duplicate-field"),
        ('{"dose": NaN}', "bad-json"),
        ('{"dose": Infinity}', "bad-json"),
        ('{"dose": "4.5 mg"', "bad-json"),
        ("[]", "not-an-object"),
        ('"x"', "not-an-object"),
        ("{}", "unknown-schema"),
        ("[" * 100_000, "bad-json"),
    ],
)
def test_bad_json_text_is_refused_with_one_sentence(text, code):
    err = refusal(text)
    assert err.code == code
    assert str(err).endswith(".")


def test_bad_utf8_bytes_are_refused():
    assert refusal(b'{"dose": "4.5 \xff mg"}').code == "bad-encoding"


def test_a_drug_that_is_not_built_in_is_written_in_full_and_read_back():
    drug = lc.Drug.from_salt_factor("x", base_name="x", salt_name="x HCl", factor=Decimal("1.1"))
    api = lc.ApiLot(
        form="salt",
        assay=lc.percent("100 %"),
        assay_basis=lc.AssayBasis.AS_IS,
        expiry=dt.date(2030, 1, 1),
        drug=drug,
    )
    order = lc.CapsuleOrder(dose=lc.mass("10 mg"), count=30, source=api)
    document = lc.order_document(order)
    assert document["source"]["drug"]["name"] == "x"
    assert lc.load_order(json.dumps(document)) == order
    # a drug object may not take the name of a built-in drug (its dose range would be lost)
    document["source"]["drug"]["name"] = "Naltrexone"
    with pytest.raises(
        lc.InputError, match=r"source\.drug\.name: 'Naltrexone' is the name of a built-in"
    ):
        lc.load_order(json.dumps(document))


def test_orders_without_a_document_form_are_refused():
    with pytest.raises(TypeError):
        lc.order_document(TABLETS)


def test_text_that_reads_default_cannot_be_written_as_a_document():
    """It would come back as "use the library's default" (for a lot: "not given")."""
    order = lc.CapsuleOrder(dose=lc.mass("4.5 mg"), count=30, source=TABLETS, reference="default")
    with pytest.raises(lc.InputError, match="reference: 'default' cannot be written") as info:
        lc.order_document(order)
    assert info.value.code == "reserved-word"
    order = attrs.evolve(order, reference=None, source=attrs.evolve(TABLETS, lot="default"))
    with pytest.raises(lc.InputError, match=r"^source\.lot: 'default' cannot be written"):
        lc.order_document(order)


# --- what a batch repeats is parsed once (the same values, the same refusals) ------------------


def test_a_remembered_amount_reads_the_same_and_refusals_name_every_path():
    from ldncompound import _documents  # noqa: PLC0415

    doc = capsules(dose="4.5 mg", overage="10 %")
    first, again = lc.load_order(doc), lc.load_order(doc)
    assert first == again and first.dose == lc.mass("4.5 mg")
    assert (_documents.Dimension.MASS, None, "4.5 mg") in _documents._QUANTITIES
    # a text accepted for one dimension is still refused for another, naming the field
    assert refusal(capsules(dose="10 %")).field == "dose"
    # a refusal is never remembered: each document names its own path
    bad = "4,5 mg"
    assert refusal(capsules(dose=bad)).field == "dose"
    assert refusal(replaced(capsules(), "source.average_weight", bad)).field == (
        "source.average_weight"
    )
    assert refusal(capsules(dose=bad)).field == "dose"
    assert (_documents.Dimension.MASS, None, bad) not in _documents._QUANTITIES


def test_remembered_dates_and_numbers_read_the_same_and_refuse_the_same():
    doc = capsules(compounded_on="2026-11-21", doses_per_day="2")
    assert lc.load_order(doc) == lc.load_order(doc)
    assert lc.load_order(doc).compounded_on == dt.date(2026, 11, 21)
    assert lc.load_order(doc).doses_per_day == Decimal(2)
    assert refusal(capsules(compounded_on="2026-02-30")).code == "bad-date"
    assert refusal(capsules(compounded_on="2026-02-30")).field == "compounded_on"


def test_the_parse_caches_stay_bounded(monkeypatch):
    from ldncompound import _documents  # noqa: PLC0415

    monkeypatch.setattr(_documents, "CACHE_SIZE", 8)
    for i in range(50):
        assert lc.load_order(capsules(dose=f"{i + 1} mcg")).dose == lc.parse_quantity(
            f"{i + 1} mcg", field="dose", dimension=lc.Dimension.MASS
        )
    assert len(_documents._QUANTITIES) <= 8
