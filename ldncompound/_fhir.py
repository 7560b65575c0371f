"""FHIR R4 export: a compounded preparation as a Bundle of a Medication and a MedicationDispense.

:func:`to_fhir` turns a preparation's result (capsules, oral liquid, drops, troches or RDTs)
into a FHIR R4 ``Bundle`` of type ``collection`` made of plain dicts (no FHIR library at run
time): a ``Medication`` for the compounded batch (its dose form, every ingredient with its
code and its strength as a UCUM ratio per unit, the batch lot and the beyond-use date as the
expiration date) and a ``MedicationDispense`` (quantity, days' supply, date prepared, and the
dosage instruction in the label's words, structured where the library composed them).

FHIR decimals are kept as :class:`~decimal.Decimal` in the dicts; :func:`fhir_json` writes
them as exact JSON numbers (``json.dumps`` cannot). The tests validate every export with an
independent FHIR library (fhir.resources, R4B models) and read the numbers back.

Every code comes from the tables below, each with its source and status mark ([V] checked
against the publisher's own list, [S] seen in a secondary source, [U] commonly cited but not
checked here), also printed in docs/fhir.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import types
import uuid
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from ._drug import NALTREXONE
from ._errors import InputError
from ._numbers import plain
from ._units import Quantity, Unit

SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
UCUM = "http://unitsofmeasure.org"


@attrs.frozen(kw_only=True)
class FhirCode:
    """One code of a code system, with where it was read and how far it was checked."""

    system: str
    code: str
    display: str
    status: str
    source: str

    def coding(self) -> dict[str, str]:
        """The FHIR ``Coding``."""
        return {"system": self.system, "code": self.code, "display": self.display}


_SNOMED_FORMS = (
    "the FHIR R4 value set 'SNOMED CT Form Codes' "
    "(http://hl7.org/fhir/R4/valueset-medication-form-codes.html), read in a generated copy "
    "(GinoCanessa/FhirTypeScriptOddsAndEnds, ValueSets/MedicationFormCodes.js) [S]"
)
_SNOMED_ROUTES = (
    "the FHIR R4 value set 'SNOMED CT Route Codes' "
    "(http://hl7.org/fhir/R4/valueset-route-codes.html); the codes as used in public FHIR "
    "mappings, not checked against a SNOMED CT release here [S]"
)


def _snomed(code: str, display: str, source: str) -> FhirCode:
    """A SNOMED CT code as the FHIR R4 value set named in ``source`` lists it [S]."""
    return FhirCode(system=SNOMED, code=code, display=display, status="S", source=source)


#: The dose form of each preparation, from SNOMED CT (the code system FHIR R4 binds
#: ``Medication.form`` to, as an example binding). Keys are the library's forms.
DOSE_FORM_CODES: dict[str, FhirCode] = {
    "capsule": _snomed("385049006", "Capsule", _SNOMED_FORMS),
    "oral-solution": _snomed("385023001", "Oral solution", _SNOMED_FORMS),
    "oral-suspension": _snomed("385024007", "Oral suspension", _SNOMED_FORMS),
    # Drops held under the tongue are an oromucosal liquid: SNOMED CT's "oral drops" forms are
    # swallowed, and the value set has no sublingual drops (the mapping is ours).
    "sublingual-drops": _snomed("385070000", "Oromucosal solution", _SNOMED_FORMS),
    "sublingual-drops-suspension": _snomed("385071001", "Oromucosal suspension", _SNOMED_FORMS),
    # A troche is a lozenge (USP names molded lozenges troches).
    "troche": _snomed("385087003", "Lozenge", _SNOMED_FORMS),
    "rdt": _snomed("447079001", "Orodispersible tablet", _SNOMED_FORMS),
}

#: The route of administration, from SNOMED CT.
ROUTE_CODES: dict[str, FhirCode] = {
    "oral": _snomed("26643006", "Oral route", _SNOMED_ROUTES),
    "sublingual": _snomed("37839007", "Sublingual route", _SNOMED_ROUTES),
    "buccal": _snomed("54471007", "Buccal route", _SNOMED_ROUTES),
}

#: RxNorm codes of the built-in drug by dose basis: the ingredient (IN) for naltrexone base
#: and the precise ingredient (PIN) for the hydrochloride. Both are the RxCUIs commonly cited
#: for them; neither was checked against an RxNorm release in this work (the NLM's RxNav,
#: https://mor.nlm.nih.gov/RxNav/, is where to confirm them), hence [U]. A dose basis without
#: a code here (the dihydrate, a drug not built in) is exported by its name only.
DRUG_CODES: dict[tuple[str, str], FhirCode] = {
    ("naltrexone", "base"): FhirCode(
        system=RXNORM,
        code="7243",
        display="naltrexone",
        status="U",
        source="RxNorm ingredient (IN) naltrexone, RxCUI as commonly cited; confirm in RxNav [U]",
    ),
    ("naltrexone", "hcl"): FhirCode(
        system=RXNORM,
        code="203174",
        display="naltrexone hydrochloride",
        status="U",
        source=(
            "RxNorm precise ingredient (PIN) naltrexone hydrochloride, RxCUI as commonly "
            "cited; confirm in RxNav [U]"
        ),
    ),
}


@attrs.frozen(kw_only=True)
class _Per:
    """The unit a strength is stated per, and a dose or quantity is counted in."""

    ucum: str
    display: str


@attrs.frozen(kw_only=True)
class _Prep:
    """What the export needs from one preparation's result."""

    form: str
    form_text: str
    per: _Per
    strength: Quantity
    strength_per: Decimal
    quantity: Decimal
    quantity_per: _Per
    labelled: Decimal
    dose: Decimal
    dose_per: _Per
    route: str
    doses_per_day: Decimal | None
    days_supply: Decimal | None
    inactive: tuple[tuple[str, Quantity | None], ...]


_ML = _Per(ucum=Unit.ML.ucum, display=Unit.ML.display)


def _days(count: int, per_day: Decimal | None) -> Decimal | None:
    """Whole days a count of units covers at ``per_day`` (rounded down: a partial day's doses
    do not make a day of supply); ``None`` when the doses a day are not known."""
    if per_day is None:
        return None
    days = Fraction(count) / Fraction(per_day)
    return Decimal(days.numerator // days.denominator)


def _inactive(ingredients: Any, per_field: str | None) -> tuple[tuple[str, Quantity | None], ...]:
    """The ingredients other than the drug source, with their amount per unit when the
    result gives one (a liquid's are batch amounts: names only)."""
    return tuple(
        (i.name, None if per_field is None else getattr(i, per_field, None))
        for i in ingredients
        if i.role != "active"
    )


def _unit_prep(
    r: Any, *, form: str, form_text: str, per: _Per, route: str, per_field: str
) -> _Prep:
    """What a result of counted units (capsules, troches, RDTs) exports: one unit a dose."""
    per_day = r.order.doses_per_day
    return _Prep(
        form=form,
        form_text=form_text,
        per=per,
        strength=r.dose,
        strength_per=Decimal(1),
        quantity=Decimal(r.count),
        quantity_per=per,
        labelled=Decimal(r.count),
        dose=Decimal(1),
        dose_per=per,
        route=route,
        doses_per_day=per_day,
        days_supply=_days(r.count, per_day),
        inactive=_inactive(r.ingredients, per_field),
    )


def _capsules(r: Any) -> _Prep:
    return _unit_prep(
        r,
        form="capsule",
        form_text="capsule",
        per=_Per(ucum=Unit.CAPSULE.ucum, display="capsule"),
        route="oral",
        per_field="per_capsule",
    )


def _troches(r: Any) -> _Prep:
    rdt = r.dosage_form.value == "rdt"
    return _unit_prep(
        r,
        form="rdt" if rdt else "troche",
        form_text=r.dosage_form.described,
        per=_Per(ucum="{tablet}" if rdt else "{troche}", display=r.dosage_form.described),
        route=r.route.value,
        per_field="per_unit",
    )


def _liquid_supply(r: Any) -> tuple[Decimal, Decimal | None]:
    """The volume dispensed and the days it lasts: one fill when the BUD splits the supply
    into fills (each compounded fresh), else the labelled volume and the order's days."""
    fills = r.fills
    if fills is not None:
        return fills.volume_per_fill.m_as(Unit.ML), Decimal(fills.days_per_fill)
    days = r.order.days_supply
    return r.label.quantity.m_as(Unit.ML), None if days is None else Decimal(days)


def _liquid_prep(r: Any, *, form: str, dose: Decimal, dose_per: _Per, route: str) -> _Prep:
    """What a liquid or drops result exports: measured in mL, supplied by volume."""
    volume, days = _liquid_supply(r)
    return _Prep(
        form=form,
        form_text=r.label.dosage_form,
        per=_ML,
        strength=r.concentration,
        strength_per=Decimal(1),
        quantity=volume,
        quantity_per=_ML,
        labelled=r.label.quantity.m_as(Unit.ML),
        dose=dose,
        dose_per=dose_per,
        route=route,
        doses_per_day=r.order.doses_per_day,
        days_supply=days,
        inactive=_inactive(r.batch.ingredients, None),
    )


def _liquid(r: Any) -> _Prep:
    return _liquid_prep(
        r,
        form="oral-suspension" if r.label.suspension else "oral-solution",
        dose=r.dose_measured.m_as(Unit.ML),
        dose_per=_ML,
        route="oral",
    )


def _drops(r: Any) -> _Prep:
    return _liquid_prep(
        r,
        form="sublingual-drops-suspension" if r.label.suspension else "sublingual-drops",
        dose=Decimal(r.drops_per_dose),
        dose_per=_Per(ucum=Unit.DROP.ucum, display="drop"),
        route="sublingual",
    )


_ADAPTERS: dict[str, Callable[[Any], _Prep]] = {
    "ldncompound/capsules/2": _capsules,
    "ldncompound/liquid/2": _liquid,
    "ldncompound/drops/2": _drops,
    "ldncompound/troches/2": _troches,
}
_KIT_SCHEMA = "ldncompound/titration/2"

#: The label order the composed directions are built with: the result's own dose and doses a
#: day, no caller text (the attributes ``_directions`` reads from a LabelOrder).
_RESULT_ONLY = types.SimpleNamespace(directions=None, dose=None, doses_per_day=None, timing=None)


def _composed_directions(result: Any) -> str | None:
    """The directions a label composes from the result alone, or ``None`` when the result
    does not say how often (then a label needs the caller's frequency or text)."""
    from ._labels import _directions  # noqa: PLC0415 - label machinery, on use
    from ._registry import for_result  # noqa: PLC0415

    prep = for_result(result.schema)
    if prep is None or prep.label_facts is None:  # pragma: no cover - an exportable result
        return None
    try:
        return _directions(prep.label_facts(result), _RESULT_ONLY)  # type: ignore[arg-type]
    except InputError:
        return None


def _quantity(value: Decimal, per: _Per) -> dict[str, Any]:
    return {"value": value, "unit": per.display, "system": UCUM, "code": per.ucum}


def _amount(q: Quantity) -> dict[str, Any]:
    return {"value": q.magnitude, "unit": q.unit.display, "system": UCUM, "code": q.unit.ucum}


#: A concentration's mass unit: mg/mL is written as mg per 1 mL.
_MASS_OF = {Unit.MCG_PER_ML: Unit.MCG, Unit.MG_PER_ML: Unit.MG, Unit.G_PER_ML: Unit.G}


def _ratio(amount: Quantity, per_value: Decimal, per: _Per) -> dict[str, Any]:
    """A strength as a FHIR Ratio: a mass per unit (4.5 mg per 1 capsule), or a
    concentration's mass per 1 mL (1 mg/mL is 1 mg per 1 mL)."""
    mass = _MASS_OF.get(amount.unit)
    top = amount if mass is None else Quantity(amount.magnitude, mass)
    return {"numerator": _amount(top), "denominator": _quantity(per_value, per)}


def _timing(per_day: Decimal) -> dict[str, Any] | None:
    """``per_day`` doses a day as a FHIR Timing repeat: 1.5 a day is 3 every 2 days.
    ``None`` when the fraction is not a small one (the text still says it)."""
    f = Fraction(per_day)
    if f.numerator > 1000 or f.denominator > 1000:
        return None
    return {
        "repeat": {"frequency": f.numerator, "period": Decimal(f.denominator), "periodUnit": "d"}
    }


def _lot(label: Any) -> str | None:
    """The batch lot: the label's, given or generated from the batch's compounding record
    (probe2 P15). Without a label there is none: the order's reference names the order, and
    every batch made from it would share it."""
    value = getattr(label, "lot", None)
    return value if isinstance(value, str) and value else None


def _check_label(result: Any, label: Any, prep: _Prep) -> None:
    from ._labels import Label, check_label  # noqa: PLC0415

    if not isinstance(label, Label):
        raise InputError.about(
            "label",
            type(label).__name__,
            "is not a label",
            "the Label that build_label made for this result",
            code="not-a-label",
        )
    printed = Quantity.from_json(
        {"value": label.quantity.value, "unit": label.quantity.unit}, "label.quantity"
    )
    strength = Quantity.from_json(
        {"value": label.strength.value, "unit": label.strength.unit}, "label.strength"
    )
    volume = printed.unit.dimension is Unit.ML.dimension
    amount = printed.m_as(Unit.ML) if volume else printed.magnitude
    if (
        label.result_schema != result.schema
        or label.drug != result.dose_basis_name
        or strength != prep.strength
        or label.bud != result.bud.date
        or amount != prep.labelled
    ):
        raise InputError.about(
            "label",
            f"{label.drug} {label.strength_text}, {label.quantity.display}, BUD {label.bud}",
            "was not made for this result (its preparation, drug, strength, quantity or "
            "beyond-use date differs)",
            "the label built from the same result",
            code="label-mismatch",
        )
    # the label's every field (directions, patient, Rx number, lot) must be what its own
    # result and order make, and that result this one: an edited label never reaches the
    # dispense (probe2 P1). On the date compounded: the BUD is exported, not judged, here.
    check_label(label, today=result.bud.compounded_on, result=result)


def _ingredients(result: Any, prep: _Prep) -> list[dict[str, Any]]:
    drug = result.order.source.drug
    basis = result.dose_basis
    code = DRUG_CODES.get((drug.name, basis)) if drug == NALTREXONE else None
    item: dict[str, Any] = {"text": result.dose_basis_name}
    if code is not None:
        item = {"coding": [code.coding()], "text": result.dose_basis_name}
    out: list[dict[str, Any]] = [
        {
            "itemCodeableConcept": item,
            "isActive": True,
            "strength": _ratio(prep.strength, prep.strength_per, prep.per),
        }
    ]
    # the other actives of a capsule formula of several, each with its strength per unit
    for other in getattr(result, "additional_actives", ()):
        known = (
            DRUG_CODES.get((other.drug, other.dose_basis)) if other.drug == "naltrexone" else None
        )
        concept: dict[str, Any] = {"text": other.dose_basis_name}
        if known is not None:
            concept = {"coding": [known.coding()], "text": other.dose_basis_name}
        out.append(
            {
                "itemCodeableConcept": concept,
                "isActive": True,
                "strength": _ratio(other.dose, prep.strength_per, prep.per),
            }
        )
    for name, per_unit in prep.inactive:
        entry: dict[str, Any] = {"itemCodeableConcept": {"text": name}, "isActive": False}
        if per_unit is not None:
            entry["strength"] = _ratio(per_unit, Decimal(1), prep.per)
        out.append(entry)
    return out


def _dosage(result: Any, prep: _Prep, label: Any) -> dict[str, Any]:
    composed = _composed_directions(result)
    text = label.directions if label is not None else composed
    dosage: dict[str, Any] = {}
    if text is not None:
        dosage["text"] = text
    dosage["route"] = {
        "coding": [ROUTE_CODES[prep.route].coding()],
        "text": prep.route,
    }
    # Structure only what the text says: the caller's own directions (another dose, a
    # timing, free text) are exported as text alone, never beside a dose they may contradict.
    if label is None or label.directions == composed:
        if prep.doses_per_day is not None and composed is not None:
            timing = _timing(prep.doses_per_day)
            if timing is not None:
                dosage["timing"] = timing
        dosage["doseAndRate"] = [{"doseQuantity": _quantity(prep.dose, prep.dose_per)}]
    return dosage


def _uuid(digest: str, kind: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'ldncompound:{digest}:{kind}')}"


def to_fhir(result: Any, *, label: Any = None) -> dict[str, Any]:
    """A FHIR R4 ``Bundle`` (type ``collection``) for a preparation's result, as plain dicts.

    The Bundle holds a ``Medication`` (dose form, ingredients with codes and strengths per
    unit in UCUM, batch lot and expiration = beyond-use date) and a ``MedicationDispense``
    (quantity, days' supply, ``whenPrepared`` = compounding date, dosage instruction).
    ``label`` (the :class:`Label` built for this result) gives the directions text, the Rx
    number and the patient. Decimals stay :class:`~decimal.Decimal`: write the Bundle with
    :func:`fhir_json`. The same result always gives the same Bundle (ids are derived from it).

    The result must be what its own order computes (``result-not-recomputed``, as for a
    label), and the label exactly what its embedded result and label order make
    (``label-not-recomputed``: an edited directions text, patient or Rx number never reaches
    the dispense; ``label-not-rederivable`` for a label that embeds neither) from this very
    result (``label-mismatch``).

    Raises :class:`InputError` for a titration kit (``not-exportable``), anything that is not
    a preparation's result (``not-a-result``), a result or label that was edited, and a label
    made for another result (``label-mismatch``).
    """
    schema = getattr(result, "schema", None)
    if schema == _KIT_SCHEMA:
        raise InputError.about(
            "result",
            schema,
            "is a titration kit, which the FHIR export does not cover",
            "one preparation's result; export each batch of the kit on its own",
            code="not-exportable",
        )
    adapter = _ADAPTERS.get(schema) if isinstance(schema, str) else None
    if adapter is None:
        raise InputError.about(
            "result",
            schema if isinstance(schema, str) else type(result).__name__,
            "is not a preparation's result",
            "a capsules, liquid, drops or troches result",
            code="not-a-result",
        )
    # an edited result never reaches the Bundle (probe2 P1): what build_label checks
    from ._labels import check_recomputes  # noqa: PLC0415 - label machinery, on use

    check_recomputes(result)
    prep = adapter(result)
    if label is not None:
        _check_label(result, label, prep)

    from ._json import dumps  # noqa: PLC0415 - avoids an import cycle

    digest = hashlib.sha256(dumps(result, indent=None).encode()).hexdigest()
    medication_url = _uuid(digest, "Medication")
    strength = prep.strength
    title = (
        f"{result.dose_basis_name} {plain(strength.magnitude)} {strength.unit.display} "
        f"{prep.form_text} (compounded)"
    )
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": medication_url, "resource": _medication(result, prep, label, title)},
            {
                "fullUrl": _uuid(digest, "MedicationDispense"),
                "resource": _dispense(result, prep, label, title, medication_url),
            },
        ],
    }


def _medication(result: Any, prep: _Prep, label: Any, title: str) -> dict[str, Any]:
    """The Bundle's ``Medication``: dose form, ingredients and batch (lot, expiration)."""
    form = DOSE_FORM_CODES[prep.form]
    batch: dict[str, Any] = {}
    lot = _lot(label)
    if lot is not None:
        batch["lotNumber"] = lot
    bud: dt.date = result.bud.date
    batch["expirationDate"] = bud.isoformat()
    return {
        "resourceType": "Medication",
        "code": {"text": title},
        "status": "active",
        "form": {"coding": [form.coding()], "text": prep.form_text},
        "ingredient": _ingredients(result, prep),
        "batch": batch,
    }


def _dispense(
    result: Any, prep: _Prep, label: Any, title: str, medication_url: str
) -> dict[str, Any]:
    """The Bundle's ``MedicationDispense``: quantity, days' supply, date and directions."""
    dispense: dict[str, Any] = {
        "resourceType": "MedicationDispense",
        "status": "preparation",
        "medicationReference": {"reference": medication_url, "display": title},
    }
    if label is not None:
        dispense["identifier"] = [{"type": {"text": "Rx number"}, "value": label.rx_number}]
        dispense["subject"] = {"display": label.patient}
    dispense["quantity"] = _quantity(prep.quantity, prep.quantity_per)
    if prep.days_supply is not None and prep.days_supply >= 1:
        dispense["daysSupply"] = _quantity(
            prep.days_supply, _Per(ucum=Unit.DAY.ucum, display="day")
        )
    dispense["whenPrepared"] = result.bud.compounded_on.isoformat()
    dispense["dosageInstruction"] = [_dosage(result, prep, label)]
    return dispense


def fhir_json(bundle: Any, *, indent: int | None = 2) -> str:
    """JSON text of a :func:`to_fhir` Bundle, its Decimals written as exact JSON numbers."""

    def write(value: Any, depth: int) -> str:
        pad = "" if indent is None else "\n" + " " * (indent * (depth + 1))
        end = "" if indent is None else "\n" + " " * (indent * depth)
        sep = ","
        colon = ":" if indent is None else ": "
        if isinstance(value, dict):
            if not value:
                return "{}"
            items = [
                f"{pad}{json.dumps(k, ensure_ascii=False)}{colon}{write(v, depth + 1)}"
                for k, v in value.items()
            ]
            return "{" + sep.join(items) + end + "}"
        if isinstance(value, list):
            if not value:
                return "[]"
            return "[" + sep.join(f"{pad}{write(v, depth + 1)}" for v in value) + end + "]"
        if isinstance(value, Decimal):
            return plain(value)
        return json.dumps(value, ensure_ascii=False)

    return write(bundle, 0) + ("\n" if indent is not None else "")
