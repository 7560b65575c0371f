"""FHIR R4 export and UCUM codes, checked with independent libraries: every UCUM code by
ucumvert's parser (and its unit conversions against the library's factors), every Bundle by
fhir.resources' R4B models, and every number read back from the Bundle against the result."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import orders
import pytest
from click.testing import CliRunner
from fhir.resources.R4B.bundle import Bundle
from hypothesis import assume, given
from hypothesis import strategies as st
from ldncompound_cli import cli
from ucumvert import PintUcumRegistry, get_ucum_parser

import ldncompound as lc
from ldncompound._units import factor

ROOT = Path(__file__).resolve().parents[1]
UCUM = "http://unitsofmeasure.org"


@pytest.fixture(scope="module")
def ucum_parser() -> Any:
    return get_ucum_parser()


# --- UCUM ---------------------------------------------------------------------------------------


def test_every_unit_has_a_ucum_code_that_an_independent_parser_reads(ucum_parser):
    for unit in lc.Unit:
        ucum_parser.parse(unit.ucum)  # raises on anything that is not UCUM
    # the parser is not vacuous: what strict UCUM refuses, it refuses
    for bad in ("mcg", "drop", "capsule", "{rapid-dissolve tablet}"):
        with pytest.raises(Exception):  # noqa: B017 - lark's own error classes
            ucum_parser.parse(bad)


def test_ucum_codes_convert_as_the_library_converts():
    """ucumvert's own UCUM-to-pint definitions give the library's factors to the canonical
    unit (ug -> mg is 0.001, g/mL -> mg/mL is 1000, ...); counted units are annotations."""
    ureg = PintUcumRegistry()
    for unit in lc.Unit:
        if re.fullmatch(r"\{[a-z_]+\}", unit.ucum):
            assert unit.dimension in {lc.Dimension.CAPSULES, lc.Dimension.TABLETS}
            continue
        one = 1 * ureg.from_ucum(unit.ucum)
        got = one.to(ureg.from_ucum(unit.canonical.ucum)).magnitude
        assert math.isclose(float(got), float(factor(unit)), rel_tol=1e-12), unit


def test_the_ucum_table_in_the_docs_is_the_code():
    text = (ROOT / "docs" / "units.md").read_text(encoding="utf-8")
    table = re.search(r"<!-- ucum:start -->\n(.*?)<!-- ucum:end -->", text, flags=re.DOTALL)
    assert table is not None
    rows = [f"| `{u.code}` | {u.display or '(none)'} | `{u.ucum}` |" for u in lc.Unit]
    assert table.group(1).strip().splitlines()[2:] == rows


# --- the export ---------------------------------------------------------------------------------


def validate(bundle: dict[str, Any]) -> dict[str, Any]:
    """Validate the Bundle's JSON text with fhir.resources (R4B) and return it re-read with
    exact decimals, as a receiving system reads it."""
    text = lc.fhir_json(bundle)
    Bundle.model_validate_json(text)
    assert json.loads(text) == json.loads(lc.fhir_json(bundle, indent=None))
    return json.loads(text, parse_float=Decimal)  # type: ignore[no-any-return]


def resources(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    assert data["resourceType"] == "Bundle" and data["type"] == "collection"
    kinds = [e["resource"]["resourceType"] for e in data["entry"]]
    assert kinds == ["Medication", "MedicationDispense"]
    med, disp = (e["resource"] for e in data["entry"])
    assert disp["medicationReference"]["reference"] == data["entry"][0]["fullUrl"]
    return med, disp


def ucum(q: dict[str, Any], ucum_parser: Any) -> tuple[Decimal, str]:
    assert q["system"] == UCUM
    ucum_parser.parse(q["code"])
    return Decimal(q["value"]), q["code"]


def _counted(result: Any) -> tuple[Decimal, str]:
    """The count and UCUM unit of a counted preparation."""
    if result.schema == lc.CAPSULES_SCHEMA:
        return Decimal(result.count), "{capsule}"
    rdt = result.dosage_form is lc.TrocheForm.RDT
    return Decimal(result.count), "{tablet}" if rdt else "{troche}"


def round_trip(result: Any, ucum_parser: Any, label: Any = None) -> dict[str, Any]:
    """Check every number of the exported Bundle against the result; return the dispense."""
    data = validate(lc.to_fhir(result, label=label))
    med, disp = resources(data)
    active = [i for i in med["ingredient"] if i["isActive"]]
    assert len(active) == 1
    strength = active[0]["strength"]
    top, top_code = ucum(strength["numerator"], ucum_parser)
    bottom, bottom_code = ucum(strength["denominator"], ucum_parser)
    assert bottom == 1
    assert med["batch"]["expirationDate"] == result.bud.date.isoformat()
    assert disp["whenPrepared"] == result.bud.compounded_on.isoformat()
    quantity, quantity_code = ucum(disp["quantity"], ucum_parser)
    per_day = result.order.doses_per_day
    dose = disp["dosageInstruction"][0].get("doseAndRate")
    if label is None:
        assert dose is not None
    if result.schema in (lc.CAPSULES_SCHEMA, lc.TROCHES_SCHEMA):
        count, code = _counted(result)
        assert (top, top_code, bottom_code) == (result.dose.magnitude, result.dose.unit.ucum, code)
        assert (quantity, quantity_code) == (count, code)
        if dose is not None:
            assert ucum(dose[0]["doseQuantity"], ucum_parser) == (1, code)
        days = None if per_day is None else math.floor(Fraction(count) / Fraction(per_day))
    else:
        concentration = lc.Quantity(top, lc.Unit.from_code(f"{top_code.replace('ug', 'mcg')}/mL"))
        assert concentration == result.concentration
        assert bottom_code == "mL" and quantity_code == "mL"
        fills = result.fills
        if fills is None:
            assert quantity == result.label.quantity.m_as(lc.Unit.ML)
            days = result.order.days_supply
        else:
            assert quantity == fills.volume_per_fill.m_as(lc.Unit.ML)
            days = fills.days_per_fill
        if result.schema == lc.LIQUID_SCHEMA:
            want = (result.dose_measured.m_as(lc.Unit.ML), "mL")
        else:
            want = (Decimal(result.drops_per_dose), "[drp]")
        if dose is not None:
            assert ucum(dose[0]["doseQuantity"], ucum_parser) == want
    if days is None or days < 1:
        assert "daysSupply" not in disp
    else:
        assert ucum(disp["daysSupply"], ucum_parser) == (days, "d")
    timing = disp["dosageInstruction"][0].get("timing")
    small = per_day is not None and max(Fraction(per_day).as_integer_ratio()) <= 1000
    if small and label is None:
        repeat = timing["repeat"]
        assert Fraction(repeat["frequency"]) / Fraction(repeat["period"]) == Fraction(per_day)
        assert repeat["periodUnit"] == "d"
    return disp


PREPARATIONS: dict[str, Any] = {
    "capsules": lambda: lc.formulate_capsules(orders.capsules(reference="LOT-42")),
    "liquid": lambda: lc.formulate_liquid(orders.liquid()),
    "liquid suspension in fills": lambda: lc.formulate_liquid(
        orders.liquid(source=orders.tablets(), days_supply=30)
    ),
    "liquid by volume": lambda: lc.formulate_liquid(
        orders.liquid(days_supply=None, volume=lc.volume("50 mL"))
    ),
    "drops": lambda: lc.formulate_drops(orders.drops()),
    "troches": lambda: lc.formulate_troches(orders.troches()),
    "buccal rdt": lambda: lc.formulate_troches(
        orders.troches(
            dosage_form=lc.TrocheForm.RDT,
            route=lc.Route.BUCCAL,
            base=lc.BaseLot(base="rdt", lot="R1", expiry=orders.EXP),
        )
    ),
}


@pytest.mark.parametrize("name", PREPARATIONS)
def test_every_preparation_exports_a_valid_bundle_that_reads_back(name, ucum_parser):
    result = PREPARATIONS[name]()
    round_trip(result, ucum_parser)
    assert lc.to_fhir(result) == lc.to_fhir(result)  # the same result, the same Bundle


FORMS = {
    "capsules": ("385049006", "26643006"),
    "liquid": ("385023001", "26643006"),
    "liquid suspension in fills": ("385024007", "26643006"),
    "drops": ("385070000", "37839007"),
    "troches": ("385087003", "37839007"),
    "buccal rdt": ("447079001", "54471007"),
}


@pytest.mark.parametrize("name", FORMS)
def test_dose_form_and_route_codes(name):
    med, disp = resources(validate(lc.to_fhir(PREPARATIONS[name]())))
    form, route = FORMS[name]
    assert med["form"]["coding"][0] == {**med["form"]["coding"][0], "code": form}
    assert med["form"]["coding"][0]["system"] == "http://snomed.info/sct"
    assert disp["dosageInstruction"][0]["route"]["coding"][0]["code"] == route


def test_the_capsule_medication_in_detail():
    med, disp = resources(validate(lc.to_fhir(PREPARATIONS["capsules"]())))
    assert med["code"]["text"] == "naltrexone HCl 4.5 mg capsule (compounded)"
    assert med["batch"] == {"expirationDate": "2027-05-19"}  # no label, no lot (probe2 P15)
    drug, filler = med["ingredient"]
    assert drug["itemCodeableConcept"]["coding"] == [lc.DRUG_CODES["naltrexone", "hcl"].coding()]
    assert drug["itemCodeableConcept"]["text"] == "naltrexone HCl"
    assert filler["isActive"] is False
    assert filler["itemCodeableConcept"] == {"text": "microcrystalline cellulose (Avicel PH-102)"}
    assert filler["strength"]["numerator"]["code"] == "mg"
    assert filler["strength"]["denominator"]["code"] == "{capsule}"
    assert disp["status"] == "preparation"
    assert disp["dosageInstruction"][0]["text"] == "Take 1 capsule (4.5 mg) by mouth once daily."
    assert "subject" not in disp and "identifier" not in disp


def test_the_dose_basis_chooses_the_rxnorm_code():
    base = lc.formulate_capsules(orders.capsules(dose_basis="base"))
    med, _ = resources(validate(lc.to_fhir(base)))
    coding = med["ingredient"][0]["itemCodeableConcept"]["coding"]
    assert coding == [
        {
            "system": lc.DRUG_CODES["naltrexone", "base"].system,
            "code": "7243",
            "display": "naltrexone",
        }
    ]
    # a basis without a code in the table (the dihydrate) is exported by its name alone
    dihydrate = lc.formulate_capsules(orders.capsules(dose_basis="hcl-dihydrate"))
    med, _ = resources(validate(lc.to_fhir(dihydrate)))
    assert "coding" not in med["ingredient"][0]["itemCodeableConcept"]


def test_code_tables_cite_their_sources_and_status():
    tables = (lc.DOSE_FORM_CODES, lc.ROUTE_CODES, lc.DRUG_CODES)
    for table in tables:
        for code in table.values():
            assert code.status in {"V", "S", "U"}
            assert f"[{code.status}]" in code.source
            assert code.code.isdigit()


def test_mcg_doses_are_written_in_ucum_micrograms(ucum_parser):
    result = lc.formulate_capsules(orders.capsules(dose=lc.mass("500 mcg")))
    med, _ = resources(validate(lc.to_fhir(result)))
    numerator = med["ingredient"][0]["strength"]["numerator"]
    assert (numerator["value"], numerator["unit"], numerator["code"]) == (500, "mcg", "ug")
    round_trip(result, ucum_parser)


def test_fractional_doses_a_day_are_refused_and_the_timing_stays_exact(ucum_parser):
    """Orders refuse a fractional doses a day (probe F2), so a dispense is whole doses a day;
    the timing helper still states any fraction exactly or not at all."""
    for per_day in ("1.5", "0.333", "0.3333"):
        with pytest.raises(lc.InputError) as info:
            lc.formulate_capsules(orders.capsules(doses_per_day=Decimal(per_day)))
        assert info.value.code == "doses-per-day-not-whole"
    result = lc.formulate_capsules(orders.capsules(doses_per_day=Decimal(1)))
    repeat = round_trip(result, ucum_parser)["dosageInstruction"][0]["timing"]["repeat"]
    assert (repeat["frequency"], repeat["period"]) == (1, 1)
    timing = lc._fhir._timing  # the fraction rule itself
    assert timing(Decimal("1.5"))["repeat"]["frequency"] == 3  # 3 every 2 days
    assert timing(Decimal("0.3333")) is None  # 3333 in 10000 days: the text says it


def test_without_doses_a_day_there_is_a_dose_but_no_text_timing_or_days(ucum_parser):
    result = lc.formulate_capsules(orders.capsules(doses_per_day=None))
    disp = round_trip(result, ucum_parser)
    dosage = disp["dosageInstruction"][0]
    assert "text" not in dosage and "timing" not in dosage and "daysSupply" not in disp
    assert dosage["doseAndRate"][0]["doseQuantity"]["value"] == 1


# --- with the label -----------------------------------------------------------------------------

PHARMACY = lc.Pharmacy(name="Main Street Pharmacy", address="1 Main Street", phone="555-0100")


def label_order(**kw: Any) -> lc.LabelOrder:
    args: dict[str, Any] = {
        "patient": "Jane Doe",
        "prescriber": "Dr A. Smith",
        "pharmacy": PHARMACY,
        "rx_number": "RX-1001",
        "record_id": "CR-1",
    }
    return lc.LabelOrder(**(args | kw))


def test_the_label_gives_directions_rx_number_and_patient(ucum_parser):
    result = PREPARATIONS["drops"]()
    label = lc.build_label(result, label_order())
    disp = round_trip(result, ucum_parser, label)
    dosage = disp["dosageInstruction"][0]
    assert dosage["text"] == label.directions
    assert "doseAndRate" in dosage and "timing" in dosage  # the label says what the result says
    assert disp["identifier"] == [{"type": {"text": "Rx number"}, "value": "RX-1001"}]
    assert disp["subject"] == {"display": "Jane Doe"}


@pytest.mark.parametrize(
    "changes",
    [
        {"directions": "Take one capsule by mouth at bedtime."},
        {"timing": "at bedtime"},
        {"dose": lc.mass("3 mg")},
    ],
)
def test_caller_directions_are_exported_as_text_alone(changes, ucum_parser):
    """A label whose directions are not the ones the result composes (the caller's text,
    timing or dose) is exported as that text, never beside a structured dose it may
    contradict."""
    result = lc.formulate_capsules(orders.capsules(dose=lc.mass("1.5 mg")))
    label = lc.build_label(result, label_order(**changes))
    disp = round_trip(result, ucum_parser, label)
    dosage = disp["dosageInstruction"][0]
    assert dosage["text"] == label.directions
    assert "doseAndRate" not in dosage and "timing" not in dosage


def test_the_label_lot_is_the_batch_lot():
    """The label's lot, generated from the compounding record: two batches of one order made
    the same day get two lots; the order's reference, which they share, is no lot."""
    result = lc.formulate_troches(orders.troches(reference="T-9"))
    lots = set()
    for record_id in ("CR-1", "CR-2"):
        label = lc.build_label(result, label_order(record_id=record_id))
        med, _ = resources(validate(lc.to_fhir(result, label=label)))
        assert med["batch"]["lotNumber"] == label.lot != "T-9"
        lots.add(label.lot)
    assert len(lots) == 2
    med, _ = resources(validate(lc.to_fhir(result)))
    assert "lotNumber" not in med["batch"]


def test_a_label_of_another_result_is_refused():
    capsules = PREPARATIONS["capsules"]()
    for other in (
        lc.formulate_capsules(orders.capsules(count=60)),
        lc.formulate_capsules(orders.capsules(dose=lc.mass("1.5 mg"))),  # same count and BUD
        lc.formulate_capsules(orders.capsules(dose_basis="base")),
        lc.formulate_capsules(orders.capsules(compounded_on=dt.date(2026, 11, 20))),
        PREPARATIONS["troches"](),
    ):
        label = lc.build_label(other, label_order())
        with pytest.raises(lc.InputError) as err:
            lc.to_fhir(capsules, label=label)
        assert err.value.code == "label-mismatch" and err.value.field == "label"
        assert err.value.message.count(";") == 1 and err.value.message.endswith(".")
    with pytest.raises(lc.InputError) as err:
        lc.to_fhir(capsules, label="RX-1001")
    assert err.value.code == "not-a-label"


def test_a_titration_kit_and_other_values_are_refused_in_one_sentence():
    order = lc.TitrationOrder(
        steps=(lc.parse_step("1.5 mg:7"), lc.parse_step("3 mg:7")),
        maintenance=lc.mass("4.5 mg"),
        maintenance_days=14,
        start=dt.date(2026, 12, 1),
        form=lc.KitForm.CAPSULES,
        capsules=lc.CapsuleKit(template=orders.capsules(dose=lc.mass("1 mg"), count=1)),
    )
    kit = lc.plan_titration(order)
    with pytest.raises(lc.InputError) as err:
        lc.to_fhir(kit)
    assert err.value.code == "not-exportable"
    assert err.value.message.count(".") == 1 and "titration kit" in err.value.message
    # each batch of the kit exports on its own
    for batch in kit.capsule_batches:
        resources(validate(lc.to_fhir(batch)))
    for value in ({"schema": lc.CAPSULES_SCHEMA}, 42, None):
        with pytest.raises(lc.InputError) as err:
            lc.to_fhir(value)
        assert err.value.code == "not-a-result"


def test_fhir_json_writes_exact_decimals():
    text = lc.fhir_json({"a": [Decimal("0.1"), Decimal("1E+3"), "x", True, None, {}, []]})
    assert json.loads(text) == {"a": [0.1, 1000, "x", True, None, {}, []]}
    assert "0.1" in text and "1000" in text and "1E" not in text
    assert lc.fhir_json({"v": Decimal("16.875")}, indent=None) == '{"v":16.875}'


# --- many orders --------------------------------------------------------------------------------

DOSES = st.sampled_from(["0.5 mg", "1 mg", "1.5 mg", "2.25 mg", "3 mg", "4.5 mg", "750 mcg"])
PER_DAY = st.sampled_from([None, Decimal(1), Decimal(2), Decimal("0.5")])


@st.composite
def results(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["capsules", "liquid", "drops", "troches"]))
    dose = lc.mass(draw(DOSES))
    per_day = draw(PER_DAY)
    # within the daily limit of the drug's dose profile (higher is refused, not exported)
    assume(dose.m_as(lc.Unit.MG) * (per_day or 1) <= 5)
    args: dict[str, Any] = {"dose": dose}
    if kind in ("capsules", "troches"):
        args |= {"count": draw(st.integers(min_value=2, max_value=120)), "doses_per_day": per_day}
        if kind == "troches":
            args["dosage_form"] = draw(st.sampled_from(list(lc.TrocheForm)))
            if args["dosage_form"] is lc.TrocheForm.RDT:
                args["base"] = lc.BaseLot(base="rdt", lot="R1", expiry=orders.EXP)
            args["route"] = draw(st.sampled_from(list(lc.Route)))
    else:
        days = draw(st.integers(min_value=1, max_value=60))
        args |= {"days_supply": days, "doses_per_day": per_day or Decimal(1)}
    try:
        return orders.FORMULATE[kind](orders.ORDERS[kind](**args))
    except (lc.InputError, lc.FormulationError):  # refused orders export nothing
        assume(False)
        raise  # pragma: no cover - assume(False) does not return


@given(results())
def test_every_order_exports_a_valid_bundle_whose_numbers_read_back(result):
    round_trip(result, get_ucum_parser())


# --- the command line ---------------------------------------------------------------------------


def test_cli_exports_the_result_json_a_command_wrote(tmp_path):
    runner = CliRunner()
    made = runner.invoke(cli, [*orders.COMMANDS["troches"], "--format", "json"])
    assert made.exit_code == 0, made.output
    path = tmp_path / "result.json"
    path.write_text(made.output, encoding="utf-8")
    res = runner.invoke(cli, ["fhir", str(path)])
    assert res.exit_code == 0, res.output
    assert res.output == lc.fhir_json(lc.to_fhir(lc.from_json(json.loads(made.output))))
    Bundle.model_validate_json(res.output)
    out = tmp_path / "bundle.json"
    res = runner.invoke(cli, ["fhir", str(path), "--output", str(out)])
    assert res.exit_code == 0 and res.output == ""
    assert out.read_text(encoding="utf-8") == lc.fhir_json(
        lc.to_fhir(lc.from_json(json.loads(made.output)))
    )


def test_cli_takes_the_label_json(tmp_path):
    runner = CliRunner()
    result = PREPARATIONS["capsules"]()
    path = tmp_path / "result.json"
    path.write_text(lc.dumps(result), encoding="utf-8")
    label = tmp_path / "label.json"
    label.write_text(lc.dumps(lc.build_label(result, label_order())), encoding="utf-8")
    res = runner.invoke(cli, ["fhir", str(path), "--label", str(label)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["entry"][1]["resource"]["identifier"][0]["value"] == "RX-1001"
    res = runner.invoke(cli, ["fhir", str(path), "--label", str(path)])
    assert res.exit_code == 2
    assert "Error: --label: the file is not a label document" in res.output


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b'{"schema": ', "RESULT: the document is not valid JSON"),
        (b"\xff\xfe{}", "RESULT: the file is not UTF-8"),
        (b'{"schema": "ldncompound/capsules/2"}', "RESULT: "),
        (b'{"schema": "ldncompound/label/1"}', "RESULT: "),
    ],
)
def test_cli_refuses_a_malformed_file_in_one_sentence(tmp_path, content, fragment):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    res = CliRunner().invoke(cli, ["fhir", str(path)])
    assert res.exit_code == 2, res.output
    errors = [line for line in res.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and fragment in errors[0] and "Traceback" not in res.output


def test_cli_help():
    res = CliRunner().invoke(cli, ["fhir", "--help"])
    assert res.exit_code == 0
    assert "FHIR R4 Bundle" in res.output and "--output" in res.output and "--label" in res.output


# --- the documentation --------------------------------------------------------------------------


def test_the_example_bundle_in_the_docs_is_what_the_library_writes():
    text = (ROOT / "docs" / "fhir.md").read_text(encoding="utf-8")
    block = re.search(
        r"<!-- bundle:start -->\n```\{code-block\} json\n(.*?)```\n<!-- bundle:end -->",
        text,
        flags=re.DOTALL,
    )
    assert block is not None
    result = PREPARATIONS["capsules"]()
    label = lc.build_label(result, label_order())
    now = lc.fhir_json(lc.to_fhir(result, label=label))
    if os.environ.get("LDNCOMPOUND_APPROVE") == "1":  # rewrite after a deliberate change
        path = ROOT / "docs" / "fhir.md"
        path.write_text(text[: block.start(1)] + now + text[block.end(1) :], encoding="utf-8")
        return
    assert block.group(1) == now, "LDNCOMPOUND_APPROVE=1 rewrites the example; review its diff"


def test_the_code_tables_in_the_docs_are_the_code():
    text = (ROOT / "docs" / "fhir.md").read_text(encoding="utf-8")
    table = re.search(r"<!-- codes:start -->\n(.*?)<!-- codes:end -->", text, flags=re.DOTALL)
    assert table is not None
    assert table.group(1).strip().splitlines()[2:] == code_rows()


def code_rows() -> list[str]:
    rows = []
    for what, table in (
        ("dose form", lc.DOSE_FORM_CODES),
        ("route", lc.ROUTE_CODES),
        ("drug", {f"{d} ({b})": c for (d, b), c in lc.DRUG_CODES.items()}),
    ):
        for key, c in table.items():
            rows.append(
                f"| {what} | `{key}` | {c.system} | `{c.code}` | {c.display} | [{c.status}] |"
            )
    return rows
