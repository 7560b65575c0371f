"""Prescription labels for every preparation: the facts, the rules, and two renderings.

A label is built from a result (what was compounded) and a :class:`LabelOrder` (what only the
caller knows: patient, prescriber, pharmacy, Rx number, and the pharmacist's choices such as
the timing of the dose). Auxiliary warnings are added by rule, never by whim:

==========================  ==============================================================
code                        rule
==========================  ==============================================================
``opioid``                  every naltrexone label (do not take with opioids; carry a card)
``keep-out-of-reach``       every label
``shake-well``              a suspension (liquids and drops made from tablets)
``refrigerate``             stored in a refrigerator
``protect-from-light``      liquids and drops (AHS recipe 156; domain.md §1.4)
``note-strength``           liquids and drops (strength per mL or per drop differs by product)
``allergen-<name>``         an allergen in any ingredient (lactose from tablets or filler)
``use-supplied-dropper``    drops (the dropper was calibrated with this preparation)
``use-supplied-syringe``    oral liquids (measured with the oral syringe supplied)
==========================  ==============================================================

Timing advice (bedtime, or morning if sleep is disturbed) appears only when the caller gives
it. Patient-facing numbers have a leading zero and no trailing zero ("0.5 mg", "5 mg"); every
amount is given as a unit code and a ready-to-print display string ("mcg", never "ug").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from . import _clock
from ._bud import Storage
from ._dose import acknowledgements, check_dose
from ._errors import InputError
from ._numbers import CONTEXT, plain, private_context, significant
from ._parse import REFUSED_UNITS, UNIT_SPELLINGS, parse_count, parse_quantity
from ._trace import Recorder
from ._units import Dimension, Quantity, Unit
from ._validate import check_text_characters
from ._version import __version__

__all__ = [
    "LABEL_SCHEMA",
    "AuxiliaryWarning",
    "Label",
    "LabelAmount",
    "LabelFacts",
    "LabelOrder",
    "Pharmacy",
    "build_kit_labels",
    "build_label",
    "check_caller_text",
    "render_label",
]

LABEL_SCHEMA = "ldncompound/label/1"
_COUNTED = {Unit.CAPSULE, Unit.TABLET, Unit.DROP, Unit.DAY}


def check_caller_text(
    field: str, value: object, *, max_length: int = 200, required: bool = True
) -> None:
    """Refuse missing (when ``required``), non-text, blank or over-long caller text, and text
    with control characters (:func:`~ldncompound._validate.check_text_characters`)."""
    if value is None:
        if required:
            raise InputError.about(field, value, "is missing", "text", code="missing")
        return
    if not isinstance(value, str):
        raise InputError.about(
            field, value, f"is a {type(value).__name__}", "text", code="not-text"
        )
    if not value.strip():
        raise InputError.about(field, value, "is empty", "text", code="empty")
    if len(value) > max_length:
        raise InputError.about(
            field,
            value,
            f"is {len(value)} characters long",
            f"at most {max_length} characters",
            code="too-long",
        )
    check_text_characters(field, value)


def _text(
    field: str, *, required: bool = True, max_length: int = 200
) -> Callable[[Any, Any, Any], None]:
    def check(_i: object, _a: object, value: object) -> None:
        check_caller_text(field, value, max_length=max_length, required=required)

    return check


@attrs.frozen(kw_only=True)
class Pharmacy:
    """The dispensing pharmacy as it appears on the label."""

    name: str = attrs.field(validator=_text("pharmacy.name"))
    address: str = attrs.field(validator=_text("pharmacy.address"))
    phone: str = attrs.field(validator=_text("pharmacy.phone", max_length=40))


@attrs.frozen(kw_only=True)
class LabelOrder:
    """What the caller supplies for a label.

    ``directions`` replaces the composed directions entirely; otherwise they are composed from
    ``dose`` (default: one unit's strength), ``doses_per_day`` (default: the order's) and the
    pharmacist's ``timing`` (e.g. "at bedtime"), which is never added unless given.
    ``acknowledge`` adds dose-guard codes (``dose-above-range``...) to those of the result's
    order, for a label dose or frequency the prescriber intends outside the drug's profile.
    """

    patient: str = attrs.field(validator=_text("patient"))
    prescriber: str = attrs.field(validator=_text("prescriber"))
    pharmacy: Pharmacy
    rx_number: str = attrs.field(validator=_text("rx_number", max_length=40))
    directions: str | None = attrs.field(
        default=None, validator=_text("directions", required=False, max_length=1200)
    )
    dose: Quantity | None = None
    doses_per_day: Decimal | None = None
    timing: str | None = attrs.field(
        default=None, validator=_text("timing", required=False, max_length=80)
    )
    step: str | None = attrs.field(
        default=None, validator=_text("step", required=False, max_length=200)
    )
    quantity: Quantity | None = None
    acknowledge: tuple[str, ...] = attrs.field(default=(), validator=acknowledgements)


@attrs.frozen(kw_only=True)
class LabelAmount:
    """An amount ready for print: exact value, unit code, and the display string."""

    value: str
    unit: str
    display: str

    @classmethod
    def of(cls, q: Quantity, suffix: str = "") -> LabelAmount:
        """Patient-facing form: leading zero, no trailing zero, ``mcg`` for micrograms."""
        text = plain(q.magnitude)
        unit = q.unit.display
        if q.magnitude == 1 and q.unit in _COUNTED:
            unit = unit.removesuffix("s")
        display = f"{text} {unit}".rstrip() + suffix
        return cls(value=text, unit=q.unit.code, display=display)


@attrs.frozen(kw_only=True)
class AuxiliaryWarning:
    """An auxiliary label warning: a stable code and its printed text."""

    code: str
    text: str


@attrs.frozen(kw_only=True)
class PreparationFacts:
    """What a preparation contributes to its label (see the per-preparation adapters)."""

    drug: str
    strength: Quantity
    per: str
    dosage_form: str
    route: str
    verb: str
    unit_noun: str
    unit_noun_plural: str
    quantity: Quantity
    quantity_noun: str
    bud: dt.date
    refrigerated: bool
    liquid: bool
    suspension: bool
    dropper: bool
    allergens: tuple[str, ...]
    doses_per_day: Decimal | None
    lot: str | None
    device: str | None = None
    dose_text: str | None = None
    #: what one dose measures for a liquid (mL) or drops (drops); None for counted units
    measure: Quantity | None = None
    #: the dose one measure delivers (a liquid's or drops' delivered dose)
    delivered: Quantity | None = None


@attrs.frozen(kw_only=True)
class Label:
    """A complete prescription label, as data (JSON for label scripts) and as text."""

    schema: str
    library_version: str
    result_schema: str
    drug: str
    strength: LabelAmount
    strength_text: str
    dosage_form: str
    route: str
    directions: str
    quantity: LabelAmount
    bud: dt.date
    bud_text: str
    storage: str | None
    compounded_statement: str
    rx_number: str
    lot: str | None
    pharmacy: Pharmacy
    patient: str
    prescriber: str
    step: str | None
    auxiliary: tuple[AuxiliaryWarning, ...]
    allergens: tuple[str, ...]


AUX_TEXT = {
    "opioid": (
        "Do not take opioid pain or cough medicines with this medicine. Carry a card saying you take naltrexone."
    ),
    "keep-out-of-reach": "Keep out of reach of children.",
    "shake-well": "Shake well before use.",
    "refrigerate": "Keep in the refrigerator (2-8 °C). Do not freeze.",
    "protect-from-light": "Protect from light.",
    "note-strength": "Note the strength.",
    "use-supplied-dropper": "Use only the dropper supplied.",
    "use-supplied-syringe": "Measure each dose with the oral syringe supplied.",
}

_FREQUENCY = {1: "once daily", 2: "twice daily", 3: "three times daily", 4: "four times daily"}

#: schema id of a result -> adapter giving its label facts
_FACTS: dict[str, Callable[[Any], PreparationFacts]] = {}


def register_label_facts(schema: str, adapter: Callable[[Any], PreparationFacts]) -> None:
    """Register how a preparation's result becomes label facts."""
    _FACTS[schema] = adapter


def _frequency(per_day: Decimal) -> str:
    if per_day == per_day.to_integral_value() and int(per_day) in _FREQUENCY:
        return _FREQUENCY[int(per_day)]
    return f"{plain(per_day)} times a day"


def _count_text(n: Decimal, singular: str, plural: str) -> str:
    return f"{plain(n)} {singular if n == 1 else plural}"


def _directions(facts: PreparationFacts, order: LabelOrder) -> str:
    if order.directions is not None:
        return order.directions
    if facts.dose_text is not None and order.dose is not None:
        raise InputError.about(
            "dose",
            str(order.dose),
            f"cannot change the dose on a {facts.dosage_form} label (its measure was planned with the result)",
            "no dose, or a result made for that dose",
            code="dose-fixed-by-result",
        )
    dose = order.dose or facts.strength
    per_day = order.doses_per_day or facts.doses_per_day
    if per_day is None:
        raise InputError.about(
            "doses_per_day",
            None,
            "is missing, so the directions cannot be composed",
            "the number of doses a day, or the full directions text",
            code="missing",
        )
    timing = f" {order.timing}" if order.timing else ""
    if facts.dose_text is not None:
        measured = f", measured with the {facts.device}" if facts.device else ""
        return (
            f"{facts.verb} {facts.dose_text} {facts.route} {_frequency(per_day)}{timing}{measured}."
        )
    units = CONTEXT.divide(dose.m_as(facts.strength.unit), facts.strength.magnitude)
    amount = f"({LabelAmount.of(dose).display})"
    if facts.liquid and not facts.dropper:
        volume = Quantity(units, Unit.ML)
        measure = f"{LabelAmount.of(volume).display} {amount}"
        how = f" using the {facts.device or 'oral syringe'}"
    else:
        if units != units.to_integral_value():
            raise InputError.about(
                "dose",
                str(dose),
                f"is not a whole number of {facts.unit_noun_plural} of {LabelAmount.of(facts.strength).display}",
                f"a dose that is 1, 2, ... {facts.unit_noun_plural}",
                code="not-whole-units",
            )
        measure = f"{_count_text(units, facts.unit_noun, facts.unit_noun_plural)} {amount}"
        how = ""
    timing = f" {order.timing}" if order.timing else ""
    return f"{facts.verb} {measure} {facts.route}{how} {_frequency(per_day)}{timing}."


#: An amount written in free text: a number (commas and points included, to be refused by the
#: grammar) and the word after it.
_AMOUNT_IN_TEXT = re.compile(r"(?<![\w.,])([0-9][0-9.,]*)[ \u00a0\u202f]*([^\s0-9.,;:()\[\]]+)")


def _guard(
    result: Any, facts: PreparationFacts, order: LabelOrder, *, planned: bool = False
) -> None:
    """Refuse a label whose dose, frequency or directions disagree with the drug's profile or
    with what was compounded.

    The label's dose and doses a day go through the result's dose guards (with the
    acknowledgements of the result's order and the label order); one day's doses must not
    exceed the quantity dispensed; an amount written in caller directions must be what a
    dose of this preparation is (a whole number of units, the liquid's measured volume and
    dose, the drops per dose), so that '45 mg' or '4.5 mcg' on a 4.5 mg capsule label is
    refused, and so are decimal commas and banned abbreviations in them.
    """
    per_day = order.doses_per_day or facts.doses_per_day
    dose = order.dose or result.dose
    source = result.order.source
    acknowledged = frozenset((*result.order.acknowledge, *order.acknowledge))

    def guard(amount: Quantity, field: str) -> None:
        check_dose(
            source.drug,
            amount,
            result.dose_basis,
            doses_per_day=per_day,
            acknowledge=acknowledged,
            rec=Recorder(),
            field=field,
        )

    guard(dose, "dose")
    if per_day is not None:
        if facts.measure is None:
            units = CONTEXT.divide(dose.m_as(facts.strength.unit), facts.strength.magnitude)
            need, have = units * per_day, facts.quantity.magnitude
            what = facts.unit_noun_plural
        else:
            one = result.dose_volume if facts.measure.unit is Unit.DROP else facts.measure
            need, have, what = one.m_as(Unit.ML) * per_day, facts.quantity.m_as(Unit.ML), "mL"
        if need > have:
            raise InputError.about(
                "doses_per_day",
                plain(per_day),
                f"needs {significant(need)} {what} a day, more than the "
                f"{LabelAmount.of(facts.quantity).display} dispensed",
                "a frequency whose doses for one day fit in the quantity dispensed",
                code="less-than-one-day",
            )
    # A kit's directions come from its plan, whose every step dose was guarded; only the
    # caller's timing text is read for amounts there.
    texts = (
        {"timing": order.timing}
        if planned
        else {
            "directions": order.directions,
            "timing": order.timing,
        }
    )
    for field, text in texts.items():
        if text is None:
            continue
        for match in _AMOUNT_IN_TEXT.finditer(text):
            if _DEVICE_AFTER.match(text, match.end()) is None:
                _check_written_amount(match, facts, dose, guard, field)


#: A volume that names a measuring device's size ('the 1 mL oral syringe'), not a dose.
_DEVICE_AFTER = re.compile(
    r"[ \u00a0]+(?:oral |dosing |measuring )?(?:syringe|dropper|cup|spoon|bottle|vial)s?\b",
    re.IGNORECASE,
)


_DOSE_DIMENSIONS = (Dimension.MASS, Dimension.VOLUME, Dimension.DROPS)


def _check_written_amount(
    match: re.Match[str],
    facts: PreparationFacts,
    dose: Quantity,
    guard: Callable[[Quantity, str], None],
    field: str,
) -> None:
    number, word = match.groups()
    written = f"{number} {word}"
    unit = UNIT_SPELLINGS.get(word)
    if unit is None and word not in REFUSED_UNITS:
        return  # a word, not a unit: '2 capsules', '10 pm'
    if unit is not None and unit.dimension not in _DOSE_DIMENSIONS:
        return  # a strength or a share: '1 mg/mL', '10 %'
    if unit is Unit.DROP:
        if facts.measure is not None and facts.measure.unit is Unit.DROP:
            drops = parse_count(number, field=field, maximum=10_000)
            if drops != facts.measure.magnitude:
                _mismatch(field, written, f"{plain(facts.measure.magnitude)} drops a dose")
        return
    amount = parse_quantity(written, field=field, dimension=_DOSE_DIMENSIONS)
    if amount.dimension is Dimension.VOLUME:
        # only an oral liquid is dosed by volume; other labels may name the bottle's volume
        measure = facts.measure
        if (
            measure is not None
            and measure.unit is Unit.ML
            and amount.m_as(Unit.ML) != measure.magnitude
        ):
            _mismatch(field, written, f"{LabelAmount.of(measure).display} a dose")
        return
    mg = amount.m_as(Unit.MG)
    if facts.delivered is not None:
        ordered, delivered = dose.m_as(Unit.MG), facts.delivered.m_as(Unit.MG)
        if not min(ordered, delivered) * CLOSE[0] <= mg <= max(ordered, delivered) * CLOSE[1]:
            _mismatch(field, written, f"the dose, {LabelAmount.of(dose).display}")
        return
    units = CONTEXT.divide(mg, facts.strength.m_as(Unit.MG))
    if units != units.to_integral_value():
        _mismatch(
            field,
            written,
            f"a whole number of {facts.unit_noun_plural} of {LabelAmount.of(facts.strength).display}",
        )
    guard(amount, field)


#: A written liquid dose may differ from the exact one by rounding (three significant digits).
CLOSE = (Decimal("0.995"), Decimal("1.005"))


def _mismatch(field: str, written: str, expected: str) -> None:
    raise InputError.about(
        field,
        written,
        "does not match what was compounded",
        f"{expected} (check mg against mcg and the decimal point)",
        code="directions-dose-mismatch",
    )


def _aux(facts: PreparationFacts) -> tuple[AuxiliaryWarning, ...]:
    codes = ["opioid"]
    if facts.suspension:
        codes.append("shake-well")
    if facts.refrigerated:
        codes.append("refrigerate")
    if facts.liquid:
        codes += ["protect-from-light", "note-strength"]
    if facts.dropper:
        codes.append("use-supplied-dropper")
    elif facts.liquid:
        codes.append("use-supplied-syringe")
    return (
        *(AuxiliaryWarning(code=c, text=AUX_TEXT[c]) for c in codes),
        *(AuxiliaryWarning(code=f"allergen-{a}", text=f"Contains {a}.") for a in facts.allergens),
        AuxiliaryWarning(code="keep-out-of-reach", text=AUX_TEXT["keep-out-of-reach"]),
    )


def _quantity(facts: PreparationFacts, order: LabelOrder) -> Quantity:
    """The quantity on the label: the result's, or a part of it for one kit container."""
    given = order.quantity
    if given is None:
        return facts.quantity
    if given.unit.dimension is not facts.quantity.unit.dimension:
        raise InputError.about(
            "quantity",
            str(given),
            f"is not {facts.quantity.unit.dimension.described}",
            f"a quantity like {facts.quantity}",
        )
    if given.magnitude <= 0 or given > facts.quantity:
        raise InputError.about(
            "quantity",
            str(given),
            f"is not within the {facts.quantity} made",
            "a part of the quantity the result makes",
        )
    return given


@private_context
def build_label(result: Any, order: LabelOrder, *, today: dt.date | None = None) -> Label:
    """The label for ``result`` (any preparation's result) with the caller's ``order``.

    A result whose beyond-use date is before ``today`` (the caller's, else the calendar's) is
    refused: no label is printed for a preparation already past its BUD.
    """
    return _build_label(result, order, today=today)


def _build_label(
    result: Any, order: LabelOrder, *, planned: bool = False, today: dt.date | None = None
) -> Label:
    schema = getattr(result, "schema", None)
    adapter = _FACTS.get(schema or "")
    if adapter is None:
        raise InputError.about(
            "result", schema, "is not a result the library can label", "a preparation result"
        )
    facts = adapter(result)
    now = today or _clock.today()
    if facts.bud < now:
        raise InputError.about(
            "bud",
            facts.bud.isoformat(),
            f"has already passed (today is {now.isoformat()}), so no label is printed",
            "a preparation compounded again, within its beyond-use date",
            code="bud-already-past",
        )
    _guard(result, facts, order, planned=planned)
    strength = LabelAmount.of(facts.strength)
    return Label(
        schema=LABEL_SCHEMA,
        library_version=__version__,
        result_schema=schema or "",
        drug=facts.drug,
        strength=strength,
        strength_text=f"{strength.display} {facts.per}".rstrip(),
        dosage_form=facts.dosage_form,
        route=facts.route,
        directions=_directions(facts, order),
        quantity=LabelAmount.of(
            _quantity(facts, order), f" {facts.quantity_noun}" if facts.quantity_noun else ""
        ),
        bud=facts.bud,
        bud_text=f"Do not use after {facts.bud.isoformat()}",
        storage="Store in the refrigerator (2-8 °C)" if facts.refrigerated else None,
        compounded_statement="This medicine was compounded by the pharmacy.",
        rx_number=order.rx_number,
        lot=facts.lot,
        pharmacy=order.pharmacy,
        patient=order.patient,
        prescriber=order.prescriber,
        step=order.step,
        auxiliary=_aux(facts),
        allergens=facts.allergens,
    )


def _capsule_facts(r: Any) -> PreparationFacts:
    per_day = r.order.doses_per_day
    return PreparationFacts(
        drug=r.dose_basis_name,
        strength=r.dose,
        per="per capsule",
        dosage_form="capsule",
        route="by mouth",
        verb="Take",
        unit_noun="capsule",
        unit_noun_plural="capsules",
        quantity=Quantity(r.count, Unit.CAPSULE),
        quantity_noun="",
        bud=r.bud.date,
        refrigerated=r.bud.storage.value == "refrigerator",
        liquid=False,
        suspension=False,
        dropper=False,
        allergens=r.allergens,
        doses_per_day=per_day,
        lot=r.order.reference,
    )


register_label_facts("ldncompound/capsules/1", _capsule_facts)


@attrs.frozen(kw_only=True)
class LabelFacts:
    """The facts a liquid or drops result carries for its label, in the result's own words."""

    drug: str
    dosage_form: str
    route: str
    strength: Quantity
    strength_per_drop: Quantity | None
    dose_measure: str
    quantity: Quantity
    storage: Storage
    beyond_use_date: dt.date
    suspension: bool
    auxiliary: tuple[str, ...]
    allergens: tuple[str, ...]


ROOM_TEXT = "Store at room temperature (20-25 °C)."


def auxiliary_statements(
    *, shake: bool, storage: Storage, dropper: bool, syringe: bool
) -> tuple[str, ...]:
    """The auxiliary statements of a liquid, in the same words as its label (domain.md §7:
    shake well, protect from light, note strength; the dropper or syringe supplied)."""
    out = [AUX_TEXT["shake-well"]] if shake else []
    out.append(AUX_TEXT["refrigerate"] if storage is Storage.REFRIGERATOR else ROOM_TEXT)
    out += [AUX_TEXT["protect-from-light"], AUX_TEXT["note-strength"]]
    if dropper:
        out.append(AUX_TEXT["use-supplied-dropper"])
    if syringe:
        out.append(AUX_TEXT["use-supplied-syringe"])
    return tuple(out)


def _liquid_facts(r: Any) -> PreparationFacts:
    delivered = significant(r.dose_delivered.magnitude, 3)
    return PreparationFacts(
        drug=r.dose_basis_name,
        strength=r.concentration,
        per="",
        dosage_form=r.label.dosage_form,
        route="by mouth",
        verb="Take",
        unit_noun="mL",
        unit_noun_plural="mL",
        quantity=r.label.quantity,
        quantity_noun="",
        bud=r.bud.date,
        refrigerated=r.bud.storage is Storage.REFRIGERATOR,
        liquid=True,
        suspension=r.label.suspension,
        dropper=False,
        allergens=r.allergens,
        doses_per_day=r.order.doses_per_day,
        lot=r.order.reference,
        device=r.syringe.name,
        dose_text=f"{plain(r.dose_measured.magnitude)} mL ({delivered} {r.dose_delivered.unit.display})",
        measure=r.dose_measured,
        delivered=r.dose_delivered,
    )


def _drops_facts(r: Any) -> PreparationFacts:
    delivered = significant(r.dose_delivered.magnitude, 3)
    drops = f"{r.drops_per_dose} drop" + ("" if r.drops_per_dose == 1 else "s")
    return PreparationFacts(
        drug=r.dose_basis_name,
        strength=r.concentration,
        per=f"({LabelAmount.of(r.per_drop).display} per drop)",
        dosage_form=r.label.dosage_form,
        route="under the tongue",
        verb="Place",
        unit_noun="drop",
        unit_noun_plural="drops",
        quantity=r.label.quantity,
        quantity_noun="",
        bud=r.bud.date,
        refrigerated=r.bud.storage is Storage.REFRIGERATOR,
        liquid=True,
        suspension=r.label.suspension,
        dropper=True,
        allergens=r.allergens,
        doses_per_day=r.order.doses_per_day,
        lot=r.order.reference,
        dose_text=f"{drops} ({delivered} {r.dose_delivered.unit.display})",
        measure=Quantity(r.drops_per_dose, Unit.DROP),
        delivered=r.dose_delivered,
    )


register_label_facts("ldncompound/liquid/1", _liquid_facts)
register_label_facts("ldncompound/drops/1", _drops_facts)

_ROUTE_TEXT = {"sublingual": "under the tongue", "buccal": "between the cheek and gum"}


def _troche_facts(r: Any) -> PreparationFacts:
    form = r.dosage_form
    return PreparationFacts(
        drug=r.dose_basis_name,
        strength=r.dose,
        per=f"per {form.described}",
        dosage_form=form.described,
        route=_ROUTE_TEXT[r.route.value],
        verb="Dissolve",
        unit_noun=form.described,
        unit_noun_plural=form.plural,
        quantity=Quantity(r.count, Unit.ONE),
        quantity_noun=form.plural if r.count != 1 else form.described,
        bud=r.bud.date,
        refrigerated=r.bud.storage.value == "refrigerator",
        liquid=False,
        suspension=False,
        dropper=False,
        allergens=r.allergens,
        doses_per_day=r.order.doses_per_day,
        lot=None,
    )


register_label_facts("ldncompound/troches/1", _troche_facts)


def _with_timing(directions: str, timing: str | None) -> str:
    """Add the pharmacist's timing after the frequency ("once daily at bedtime")."""
    if not timing:
        return directions
    head, sep, tail = directions.partition(", measured with")
    if sep:
        return f"{head} {timing}{sep}{tail}"
    return f"{directions.removesuffix('.')} {timing}."


@private_context
def build_kit_labels(kit: Any, order: LabelOrder) -> tuple[Label, ...]:
    """One label per container (capsule kits) or per fill (liquid and drops kits) of a
    titration kit, each with its step text, its own directions and its own quantity."""
    if getattr(kit, "schema", None) != "ldncompound/titration/1":
        raise InputError.about(
            "kit", getattr(kit, "schema", kit), "is not a titration kit", "a plan_titration result"
        )
    labels: list[Label] = []
    by_strength = {b.dose.m_as(Unit.MG): b for b in kit.capsule_batches}
    for c in kit.containers:
        batch = by_strength[c.strength.m_as(Unit.MG)]
        labels.append(
            _build_label(
                batch,
                attrs.evolve(
                    order,
                    directions=_with_timing(c.directions, order.timing),
                    step=c.label,
                    quantity=Quantity(c.units, Unit.CAPSULE),
                ),
                planned=True,
            )
        )
    fills = kit.liquid_fills or kit.drops_fills
    for f, made in zip(kit.fills, fills, strict=True):
        step = (
            f"Fill {f.number} of {len(kit.fills)}: days {f.first_day}-{f.last_day}, "
            f"{f.start.isoformat()} to {f.end.isoformat()}"
        )
        directions = " ".join(_with_timing(t, order.timing) for t in _split_steps(f.directions))
        labels.append(
            _build_label(made, attrs.evolve(order, directions=directions, step=step), planned=True)
        )
    return tuple(labels)


def _split_steps(text: str) -> list[str]:
    parts = [p for p in text.split("Step ") if p]
    return [f"Step {p.strip()}" for p in parts]


def _register() -> None:
    from ._json import register_schema  # noqa: PLC0415

    register_schema(LABEL_SCHEMA, Label)


_register()


# --- text rendering ---------------------------------------------------------------------------


def _width(text: str) -> int:
    import wcwidth  # noqa: PLC0415 - only label printing needs display widths

    w = wcwidth.wcswidth(text)
    if w < 0:  # pragma: no cover - control characters are refused before rendering
        raise InputError.about(
            "label", text, "has a character without a display width", "printable text"
        )
    return int(w)


def _wrap(text: str, width: int, field: str) -> list[str]:
    """Wrap at spaces by display width; a word wider than the line raises (never truncates)."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if _width(word) > width:
            raise InputError.about(
                field,
                word,
                f"is {_width(word)} columns wide, wider than the {width}-column label",
                "a wider label, or shorter words",
                code="label-too-narrow",
            )
        candidate = f"{current} {word}" if current else word
        if _width(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    lines.append(current)
    return lines


def render_label(label: Label, *, width: int = 48) -> str:
    """Fixed-width text of ``label``: wrapped by display width, nothing truncated.

    Raises :class:`InputError` (``label-too-narrow``) when a single word cannot fit.
    """
    if width < 20 or width > 200:
        raise InputError.about(
            "width", width, "is out of range", "20 to 200 columns", code="out-of-range"
        )
    blocks: list[tuple[str, str]] = [
        ("pharmacy", f"{label.pharmacy.name}, {label.pharmacy.address}, {label.pharmacy.phone}"),
        ("rx_number", f"Rx {label.rx_number}" + (f"  Lot {label.lot}" if label.lot else "")),
        ("patient", label.patient),
        ("drug", f"{label.drug} {label.strength_text}"),
        (
            "dosage_form",
            f"{label.dosage_form.capitalize()}, {label.route}. Quantity: {label.quantity.display}",
        ),
        ("directions", label.directions),
    ]
    if label.step:
        blocks.append(("step", label.step))
    blocks += [
        ("prescriber", f"Prescriber: {label.prescriber}"),
        ("bud", label.bud_text),
    ]
    if label.storage:
        blocks.append(("storage", label.storage))
    blocks.append(("compounded_statement", label.compounded_statement))
    blocks += [(f"auxiliary.{w.code}", w.text) for w in label.auxiliary]
    rule = "-" * width
    out = [rule]
    for field, text in blocks:
        out.extend(_wrap(text, width, field))
    out.append(rule)
    return "\n".join(out) + "\n"
