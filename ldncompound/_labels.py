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
``protect-from-light``      liquids and drops (AHS recipe 156; domain.md §1.4)
``note-strength``           liquids and drops (strength per mL or per drop differs by product)
``allergen-<name>``         an allergen in any ingredient (lactose from tablets or filler)
``use-supplied-dropper``    drops (the dropper was calibrated with this preparation)
``use-supplied-syringe``    oral liquids (measured with the oral syringe supplied; a kit
                            fill measured with two syringes names each with its steps)
==========================  ==============================================================

A refrigerated preparation's one storage statement is the label's ``storage`` ("Keep in the
refrigerator (2-8 °C). Do not freeze."), printed once, never again among the auxiliaries.

Timing advice (bedtime, or morning if sleep is disturbed) appears only when the caller gives
it. Patient-facing numbers have a leading zero and no trailing zero ("0.5 mg", "5 mg"), in mg,
mg/mL and mL whatever unit the order used; every amount is given as a unit code and a
ready-to-print display string.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NoReturn

import attrs

from . import _clock, _registry
from ._directions import (
    COUNTED,
    ROUTES,
    SPELLED,
    WORD_VALUES,
    Amount,
    ReadDirections,
    dose_words,
    read_directions,
)
from ._dose import acknowledgements, check_dose, unmatched_unused_left_out
from ._errors import InputError, LdnCompoundError
from ._numbers import CONTEXT, plain, private_context, significant
from ._parse import UNIT_SPELLINGS, parse_quantity
from ._plausible import without_dated_warnings
from ._record_reader import first_found
from ._supplied import from_profile_field, profile_defaults
from ._trace import DefaultUsed, Recorder, stamp
from ._units import Dimension, Quantity, Unit
from ._validate import OMITTABLE, normalise_text
from ._vocabulary import AUX_TEXT, LabelAmount, PreparationFacts

LABEL_SCHEMA = "ldncompound/label/1"
#: ``LabelAmount`` and ``LabelFacts`` live in ``_vocabulary`` (the preparations use them and
#: never import this module); they are re-exported here


def check_caller_text(
    field: str, value: object, *, max_length: int = 200, required: bool = True
) -> str | None:
    """Refuse missing (when ``required``) caller text, and text that
    :func:`~ldncompound._validate.normalise_text` refuses (not text, control or invisible
    characters, blank, over-long); return its NFKC form (``None`` when not given)."""
    if value is None:
        if required:
            raise InputError.about(field, value, "is missing", "text", code="missing")
        return None
    return normalise_text(field, value, max_length)


def _text(
    field: str, *, required: bool = True, max_length: int = 200
) -> Callable[[Any, Any, Any], None]:
    def check(instance: object, attribute: Any, value: object) -> None:
        text = check_caller_text(field, value, max_length=max_length, required=required)
        if text != value:
            object.__setattr__(instance, attribute.name, text)  # frozen: set once, in __init__

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
    ``lot`` is the compounded batch's lot number; when not given, the label carries one
    generated from the result and ``record_id``, the id of the batch's compounding record
    (:func:`batch_lot`), echoed in the label's ``defaults``; with neither, the label is
    refused (``lot-not-given``): a lot made from the result alone would be the same for two
    batches of one order made the same day.
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
    lot: str | None = attrs.field(
        default=None, validator=_text("lot", required=False, max_length=40)
    )
    record_id: str | None = attrs.field(default=None, validator=_text("record_id", required=False))
    acknowledge: tuple[str, ...] = attrs.field(default=(), validator=acknowledgements)
    from_profile: tuple[str, ...] = from_profile_field()


@attrs.frozen(kw_only=True)
class AuxiliaryWarning:
    """An auxiliary label warning: a stable code and its printed text."""

    code: str
    text: str


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
    compounded_on: dt.date
    compounded_text: str
    rx_number: str
    lot: str
    pharmacy: Pharmacy
    patient: str
    prescriber: str
    step: str | None
    auxiliary: tuple[AuxiliaryWarning, ...]
    allergens: tuple[str, ...]
    defaults: tuple[DefaultUsed, ...] = ()
    #: what the label was made from, so that a saved label can be checked by making it again
    #: (:func:`read_label`): the result and the caller's label order. Absent from labels
    #: written before 0.2.0 and from a kit's labels (which are made again from their kit).
    result: Any = attrs.field(default=None, metadata={OMITTABLE: True})
    order: LabelOrder | None = attrs.field(default=None, metadata={OMITTABLE: True})


_FREQUENCY = {1: "once daily", 2: "twice daily", 3: "three times daily", 4: "four times daily"}


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


def _guard(
    result: Any, facts: PreparationFacts, order: LabelOrder, *, planned: bool = False
) -> None:
    """Refuse a label whose dose, frequency or directions disagree with the prescription,
    the drug's profile or what was compounded.

    The prescription is the label order's dose and doses a day where given, else the
    result's (a label order's doses a day that contradicts the result's order is refused).
    The dose and doses a day go through the result's dose guards (with the acknowledgements
    of the result's order and the label order); one day's doses must not exceed the quantity
    dispensed. Caller directions and timing are read (:func:`~ldncompound._directions.
    read_directions`: digits of any script, words, units, frequencies) and every amount and
    frequency they state must be the prescription's (:func:`_check_text`).
    """
    prescribed = order.doses_per_day or facts.doses_per_day
    dose = order.dose or result.dose
    source = result.order.source
    acknowledged = frozenset((*result.order.acknowledge, *order.acknowledge))
    texts = (
        {"timing": order.timing}
        if planned
        else {
            "directions": order.directions,
            "timing": order.timing,
            "step": order.step,
        }
    )
    _check_free_text(order)
    read = {
        field: read_directions(text, field) for field, text in texts.items() if text is not None
    }
    per_day = prescribed
    if per_day is None:  # no prescribed frequency: the one the caller's text states
        per_day = next((f.per_day for r in read.values() for f in r.frequencies), None)

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
    stated = facts.doses_per_day
    if order.doses_per_day is not None and stated is not None and order.doses_per_day != stated:
        raise InputError.about(
            "doses_per_day",
            plain(order.doses_per_day),
            f"contradicts the result's order ({plain(stated)} doses a day)",
            "the frequency the preparation was made for, or a result made for this one",
            code="label-frequency-mismatch",
        )
    if order.directions is None:
        _refuse_fractional(per_day)
    _refuse_short_supply(result, facts, dose, per_day)
    syringe = getattr(result, "syringe", None)
    rx = _Prescribed(
        facts,
        dose,
        per_day,
        guard,
        "directions",
        drug=source.drug,
        basis=result.dose_basis,
        volume=result.dose_volume if facts.dropper else None,
        per_drop=getattr(result, "per_drop", None),
        device_ml=None if syringe is None else syringe.cap,
    )
    for field, text_read in read.items():
        _check_text(text_read, attrs.evolve(rx, field=field))


def _refuse_short_supply(
    result: Any, facts: PreparationFacts, dose: Quantity, per_day: Decimal | None
) -> None:
    """Refuse a frequency whose doses for one day need more than the quantity dispensed."""
    if per_day is None:
        return
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


def _refuse_fractional(per_day: Decimal | None) -> None:
    """Refuse composing directions for a frequency that is not a whole number of doses a
    day: a patient cannot follow '0.3333 times a day' (FHIR states such a timing exactly)."""
    if per_day is not None and per_day % 1:
        raise InputError.about(
            "doses_per_day",
            plain(per_day),
            "is not a whole number of doses a day, which composed directions cannot state "
            f"('{plain(per_day)} times a day')",
            "a whole number of doses a day, or full directions text such as 'every other day'",
            code="doses-per-day-not-whole",
        )


#: a frequency that counts doses ('once daily', 'twice a day', '2 times daily', 'every 12
#: hours' is not one): two of them in one text read as two doses
_COUNTED_FREQUENCY = re.compile(
    r"(?:once|twice|thrice|[0-9]|" + "|".join(WORD_VALUES) + r")\b", re.IGNORECASE
)


#: the label's free-text fields that are printed but never read as directions
_FREE_TEXT = ("patient", "prescriber", "rx_number", "lot")
_PHARMACY_TEXT = ("name", "address", "phone")
_FREE_TEXT_WHAT = {
    "patient": "the patient's name",
    "prescriber": "the prescriber's name",
    "rx_number": "the Rx number",
    "lot": "the lot number",
    "pharmacy.name": "the pharmacy's name",
    "pharmacy.address": "the pharmacy's address",
    "pharmacy.phone": "the pharmacy's phone number",
}


def _check_free_text(order: LabelOrder) -> None:
    """Refuse an amount with a dose unit or a counted frequency in a field other than the
    directions, timing and step (``dose-in-label-text``): 'Take 2 capsules twice daily' as a
    patient's name or a pharmacy address would print under the directions unread."""
    texts = [(f, getattr(order, f)) for f in _FREE_TEXT]
    texts += [(f"pharmacy.{f}", getattr(order.pharmacy, f)) for f in _PHARMACY_TEXT]
    for field, text in texts:
        if text is None:
            continue
        said = dose_words(text)
        if said is not None:
            raise InputError.about(
                field,
                text,
                f"states a dose or a frequency ('{said}'), which a label prints only in its "
                "directions",
                f"{_FREE_TEXT_WHAT[field]} alone, and the dose in the directions",
                code="dose-in-label-text",
            )


#: A volume that names the mark a dose is measured to ('to the 4.5 mL mark').
_MARK_AFTER = re.compile(r"[ \u00a0]+(?:line|mark|graduation)\b", re.IGNORECASE)
#: A volume that names a measuring device's size ('the 1 mL oral syringe'), not a dose.
_DEVICE_AFTER = re.compile(
    r"[ \u00a0]+(?:oral |dosing |measuring )?(?:syringe|dropper|cup|spoon|bottle|vial)s?\b",
    re.IGNORECASE,
)


_DOSE_DIMENSIONS = (Dimension.MASS, Dimension.VOLUME, Dimension.DROPS)
#: strengths an amount may state: a concentration, the dose a drop holds
_STRENGTH_DIMENSIONS = (Dimension.CONCENTRATION, Dimension.MASS_PER_DROP)
#: the words of mass units: a mass states the dose beside its measure ('1 capsule (4.5 mg)')
_MASS_WORDS = frozenset(
    w.lower()
    for w, u in (*UNIT_SPELLINGS.items(), *((w, UNIT_SPELLINGS[s]) for w, s in SPELLED.items()))
    if u.dimension is Dimension.MASS
)
#: counted nouns that name the same unit as a label's form noun
_SAME_UNIT = {"troche": {"troche", "lozenge"}, "tablet": {"tablet"}, "capsule": {"capsule"}}


def _units_per_dose(facts: PreparationFacts, dose: Quantity) -> Decimal:
    return CONTEXT.divide(dose.m_as(facts.strength.unit), facts.strength.magnitude)


def _prescribed_measure(facts: PreparationFacts, dose: Quantity) -> str:
    """What one dose is, in the label's own measure ('1 capsule', '0.5 mL', '3 drops')."""
    if facts.measure is not None:
        return LabelAmount.of(facts.measure).display
    units = _units_per_dose(facts, dose)
    return _count_text(units, facts.unit_noun, facts.unit_noun_plural)


def _check_text(read: ReadDirections, rx: _Prescribed) -> None:
    """Refuse caller text that states an amount or a frequency other than the
    prescription's, or that the reader cannot read as the prescribed dose: an extra,
    conditional or changing dose (``directions-extra-dose``), a household measure
    (``refused-unit``), a number it cannot read (``directions-unreadable``), another route
    (``directions-route-mismatch``); directions must state how often
    (``directions-no-frequency``) and the measure of a dose (``directions-no-amount``),
    except that a dose of one capsule or troche may be left to the strength line, which
    states it ("4.5 mg per capsule")."""
    facts, dose, per_day, field = rx.facts, rx.dose, rx.per_day, rx.field
    _check_keeping(read, rx)
    _refuse_unread(read, rx)
    stated, measures = False, 0
    # masses first, so that '2 capsules (9 mg)' is refused by the dose guard it fails
    amounts = sorted(read.amounts, key=lambda a: a.unit.lower() in COUNTED)
    for amount in amounts:
        device = _DEVICE_AFTER.match(read.text, amount.end)
        if device is None:
            said = _check_amount(amount, rx)
            stated = stated or said
            # 'Fill the syringe to the 4.5 mL mark' names the dose's mark, not a second dose
            marked = _MARK_AFTER.match(read.text, amount.end) is not None
            measures += said and amount.unit.lower() not in _MASS_WORDS and not marked
        elif "syringe" in device.group(0).lower():
            _check_device(amount, rx)
    _refuse_repeats(read, rx, measures)
    for freq in read.frequencies:
        if per_day is not None and freq.per_day != per_day:
            how = "the times of day it names" if freq.from_times else "its frequency"
            raise InputError.about(
                field,
                freq.written,
                f"means {plain(freq.per_day)} doses a day ({how}), not the prescribed "
                f"{plain(per_day)}",
                f"directions for {_frequency(per_day)}, as prescribed",
                code="directions-frequency-mismatch",
            )
    _check_limits(read, rx)
    _check_negated(read, rx)
    if field != "directions":
        return
    if not read.frequencies:
        raise InputError.about(
            field,
            read.text,
            "does not say how often",
            "a frequency such as 'once daily', 'twice daily', 'every 12 hours' or 'at bedtime'",
            code="directions-no-frequency",
        )
    one_unit = facts.measure is None and _units_per_dose(facts, dose) == 1
    if not stated and not one_unit:
        raise InputError.about(
            field,
            read.text,
            "does not state the measure of a dose",
            f"directions stating {_prescribed_measure(facts, dose)} a dose",
            code="directions-no-amount",
        )


#: the storage temperatures each storage agrees with, in °C: a range inside the first pair,
#: or an upper bound ('below 25 °C') inside the second (USP <659>: refrigerator 2-8 °C;
#: controlled room temperature 20-25 °C, excursions 15-30 °C)
_STORAGE_RANGES = {
    True: ((Decimal(2), Decimal(8)), (Decimal(2), Decimal(8))),
    False: ((Decimal(15), Decimal(30)), (Decimal(25), Decimal(30))),
}


def _check_keeping(read: ReadDirections, rx: _Prescribed) -> None:
    """Refuse text that says how to store the preparation other than its storage (a room
    temperature, 'Do not refrigerate' or 'Freeze' on a refrigerated liquid, 'Refrigerate' or
    40 °C on capsules: ``directions-storage-mismatch``), or states a date or a period to discard
    by, use within or expire (``directions-bud-statement``): the label states the one
    beyond-use date, and the storage it was given for."""
    facts = rx.facts
    for keep in read.keep_periods:
        raise InputError.about(
            rx.field,
            keep,
            "states a date or a period to discard by, use within or expire, which the label "
            f"states once, as its beyond-use date ({facts.bud.isoformat()})",
            "no such date or period in the directions (the label prints 'Do not use after "
            f"{facts.bud.isoformat()}')",
            code="directions-bud-statement",
        )
    fridge = facts.refrigerated
    place = "refrigerator" if fridge else "room"
    (low, high), (top_low, top_high) = _STORAGE_RANGES[fridge]
    for said in read.storage:
        if said.place is not None:
            agrees = (said.place == place) != said.negated
        elif said.low is None:
            agrees = said.high is not None and top_low <= said.high <= top_high
        else:
            agrees = said.high is not None and low <= said.low and said.high <= high
        if not agrees:
            raise InputError.about(
                rx.field,
                said.written,
                "says to store the preparation other than as its beyond-use date was given "
                f"for ({'in the refrigerator' if fridge else 'at room temperature'})",
                "no storage wording, or wording that agrees with the label's: "
                + (
                    "'Keep in the refrigerator (2-8 °C). Do not freeze.'"
                    if fridge
                    else "'Store at room temperature (20-25 °C).'"
                ),
                code="directions-storage-mismatch",
            )


def _check_limits(read: ReadDirections, rx: _Prescribed) -> None:
    """A daily maximum the text states ('Never take more than 1 capsule in 24 hours') must be
    the prescribed daily dose, in the label's own measure or in mg: a larger one invites more
    doses, a smaller one contradicts the dose (``directions-limit-mismatch``)."""
    facts, per_day = rx.facts, rx.per_day
    if per_day is None:
        return  # no frequency: refused as such (directions) or read from the directions
    for limit in read.limits:
        noun = COUNTED.get(limit.unit.lower())
        if noun is None:
            quantity = _stated_quantity(limit, rx.field)
            unit = Unit.MG if quantity.dimension is Dimension.MASS else Unit.ML
            stated = quantity.m_as(unit)
            measure = rx.dose if unit is Unit.MG else facts.measure
            per_dose = None if measure is None or measure.unit is Unit.DROP else measure.m_as(unit)
        else:
            stated, per_dose = limit.number, _counted_a_dose(noun, rx)
        if per_dose is None or stated != per_dose * per_day:
            raise InputError.about(
                rx.field,
                limit.written,
                "is a daily maximum other than the prescribed daily dose",
                "no daily maximum, or one equal to the prescribed dose "
                f"({_prescribed_measure(facts, rx.dose)} {_frequency(per_day)})",
                code="directions-limit-mismatch",
            )


def _counted_a_dose(noun: str, rx: _Prescribed) -> Decimal | None:
    """How many ``noun`` (a counted unit: 'capsule', 'drop') one prescribed dose is, in the
    label's own measure; ``None`` when ``noun`` is not the label's measure (tablets on a
    capsule label, capsules on a liquid's)."""
    facts = rx.facts
    if facts.measure is not None:
        dropped = noun == "drop" and facts.measure.unit is Unit.DROP
        return facts.measure.magnitude if dropped else None
    form = facts.unit_noun.split()[-1]
    same = noun in _SAME_UNIT.get(form, {form})
    return _units_per_dose(facts, rx.dose) if same else None


def _check_negated(read: ReadDirections, rx: _Prescribed) -> None:
    """What the text says not to take ('Do not take 2 capsules at the same time', 'do not
    take 2 doses') must be more than the prescribed dose: two doses or more, or more units
    of the label's own form than one dose is; saying not to take the dose itself, or units
    of another form, contradicts the label (``directions-dose-mismatch``)."""
    facts = rx.facts
    for amount in read.negated:
        noun = COUNTED.get(amount.unit.lower())
        number = amount.number
        if amount.unit.lower().startswith("dose"):
            per_dose: Decimal | None = Decimal(1)  # one dose each
        elif noun is not None:
            per_dose = _counted_a_dose(noun, rx)
        else:  # a mass or a volume, in any unit: more than one dose's, rounding included
            number, per_dose = _negated_measure(amount, rx)
        if per_dose is None or number <= per_dose:
            raise InputError.about(
                rx.field,
                amount.written,
                "is what the directions say not to take, and is not more than the prescribed "
                "dose in the label's own measure",
                "no such sentence, or one naming more than the prescribed dose "
                f"({_prescribed_measure(facts, rx.dose)}), such as 'Do not take 2 doses at "
                "the same time'",
                code="directions-dose-mismatch",
            )


def _negated_measure(amount: Amount, rx: _Prescribed) -> tuple[Decimal, Decimal | None]:
    """A negated mass or volume in mg or mL, and the most one dose may be in that unit (a
    liquid's dose within rounding; ``None`` for a volume on a label whose dose is no volume)."""
    quantity = _stated_quantity(amount, rx.field)
    if quantity.dimension is Dimension.MASS:
        doses = [rx.dose] if rx.facts.delivered is None else [rx.dose, rx.facts.delivered]
        return quantity.m_as(Unit.MG), max(d.m_as(Unit.MG) for d in doses) * CLOSE[1]
    measure = rx.volume or rx.facts.measure
    if measure is None or measure.dimension is not Dimension.VOLUME:
        return quantity.m_as(Unit.ML), None
    return quantity.m_as(Unit.ML), measure.m_as(Unit.ML) * CLOSE[1]


def _refuse_repeats(read: ReadDirections, rx: _Prescribed, measures: int) -> None:
    """Refuse text that says how often twice ('once a day and once at night') or states the
    measure of a dose twice ('Take 1 capsule daily. Take 1 capsule at bedtime.'): each reads
    as a second dose (``directions-extra-dose``)."""
    facts, dose, field = rx.facts, rx.dose, rx.field
    counted = [f.written for f in read.frequencies if _COUNTED_FREQUENCY.match(f.written)]
    if len(counted) > 1:
        raise InputError.about(
            field,
            " ... ".join(counted),
            "says how often more than once, which reads as more doses than one frequency",
            "directions that say how often in one place",
            code="directions-extra-dose",
        )
    if measures > 1:
        raise InputError.about(
            field,
            read.text,
            "states the measure of a dose more than once, which reads as a second dose",
            f"directions stating {_prescribed_measure(facts, dose)} a dose once",
            code="directions-extra-dose",
        )


_EXTRA_PROBLEM = (
    "adds a dose, makes the dose conditional or changes it, which a label for one fixed dose "
    "cannot say"
)
_HOUSEHOLD_PROBLEM = (
    "is a household measure (spoons, cups and droppers full hold very different volumes)"
)
_HOUSEHOLD_EXPECTED = "the dose in mL, measured with the oral syringe or dropper supplied"
_UNREAD_PROBLEM = (
    "is a number or count the directions reader cannot read as an amount (with a unit it "
    "knows), a frequency, a time of day or a duration"
)
_UNREAD_EXPECTED = (
    "amounts in mg, mcg, mL, drops or units of the form ('1 capsule'), frequencies in English "
    "words ('once daily'), or no number at all"
)


def _refuse_unread(read: ReadDirections, rx: _Prescribed) -> None:
    """Refuse what the reader found but cannot read as the prescribed dose."""
    extra = (
        f"directions for {_prescribed_measure(rx.facts, rx.dose)} a dose"
        + ("" if rx.per_day is None else f", {_frequency(rx.per_day)}")
        + ", and nothing more"
    )
    # what was found, the problem, what was expected, the code: the first found is refused
    for found, problem, expected, code in (
        (read.extra, _EXTRA_PROBLEM, extra, "directions-extra-dose"),
        (read.household, _HOUSEHOLD_PROBLEM, _HOUSEHOLD_EXPECTED, "refused-unit"),
        (read.unread, _UNREAD_PROBLEM, _UNREAD_EXPECTED, "directions-unreadable"),
    ):
        if found:
            raise InputError.about(rx.field, found[0], problem, expected, code=code)
    allowed = {route for route, pattern in ROUTES if pattern.search(rx.facts.route)}
    if "oral" in allowed or allowed & {route for route, _ in read.routes}:
        allowed.add("swallow")  # by mouth; or after holding under the tongue or in the cheek
    for route, written in read.routes:
        if route not in allowed:
            raise InputError.about(
                rx.field,
                written,
                f"names another route than the label's ({rx.facts.route})",
                f"directions that say {rx.facts.route}, or name no route",
                code="directions-route-mismatch",
            )


@attrs.frozen
class _Prescribed:
    """What an amount in caller text is checked against: the preparation's label facts, the
    prescribed dose and doses a day, the dose guard, and the field the text was given in;
    the drug and the form the dose is of (``basis``), one dose's volume (drops), the dose a
    drop holds and the oral syringe's capacity in mL."""

    facts: PreparationFacts
    dose: Quantity
    per_day: Decimal | None
    guard: Callable[[Quantity, str], None]
    field: str
    drug: Any = attrs.field(kw_only=True)
    basis: str = attrs.field(kw_only=True)
    volume: Quantity | None = attrs.field(kw_only=True)
    per_drop: Quantity | None = attrs.field(kw_only=True)
    device_ml: Decimal | None = attrs.field(kw_only=True)


def _check_device(amount: Amount, rx: _Prescribed) -> None:
    """A measuring device named with its size ('the 5 mL oral syringe') must be the oral
    syringe supplied with an oral liquid (a bottle's or another form's device is not read)."""
    if rx.device_ml is None:
        return
    quantity = _stated_quantity(amount, rx.field)
    if quantity.dimension is Dimension.VOLUME and quantity.m_as(Unit.ML) != rx.device_ml:
        _mismatch(rx.field, amount.written, f"the {rx.facts.device}, the syringe supplied")


def _check_amount(amount: Amount, rx: _Prescribed) -> bool:
    """Check one amount the text states; whether it states the measure of a dose."""
    noun = COUNTED.get(amount.unit.lower())
    if noun is not None:
        return _check_count(amount, noun, rx)
    quantity = _stated_quantity(amount, rx.field)
    if quantity.dimension is Dimension.VOLUME:
        return _check_volume(quantity, amount.written, rx)
    if quantity.dimension in _STRENGTH_DIMENSIONS:
        _check_strength(quantity, amount.written, rx)
        return False
    _check_form(amount, rx)
    return _check_mass(quantity, amount.written, rx)


def _check_form(amount: Amount, rx: _Prescribed) -> None:
    """A salt form written after a mass ('4.5 mg naltrexone HCl') must be the form the dose
    is of: the same milligrams of another form are another dose (4.5 mg of base is 4.98 mg
    of the HCl)."""
    if amount.form is None:
        return
    keys = {f.key for f in rx.drug.forms}
    if "dihydrate" in amount.form:
        key = next((f.key for f in rx.drug.forms if f.water), "dihydrate")
    elif "base" in amount.form:
        key = "base"
    else:
        key = "hcl" if "hcl" in keys else "salt"
    if key != rx.basis:
        _mismatch(
            rx.field,
            f"{amount.written} {amount.form}",
            f"the dose as the label states it, {LabelAmount.of(rx.dose).display} of "
            f"{rx.drug.describe(rx.basis)}",
        )


def _check_strength(quantity: Quantity, written: str, rx: _Prescribed) -> None:
    """A strength ('1 mg/mL', '0.5 mg/drop') must be the preparation's: a liquid's or
    drops' concentration, the dose a drop holds; a capsule or troche states none."""
    facts = rx.facts
    if quantity.dimension is Dimension.CONCENTRATION and facts.liquid:
        unit, label = facts.strength.unit, facts.strength
    elif quantity.dimension is Dimension.MASS_PER_DROP and rx.per_drop is not None:
        unit, label = rx.per_drop.unit, rx.per_drop
    else:
        _mismatch(rx.field, written, f"the strength on the label, {_strength_text(facts)}")
    stated, exact = quantity.m_as(unit), label.magnitude
    if not exact * CLOSE[0] <= stated <= exact * CLOSE[1]:
        _mismatch(rx.field, written, f"the strength on the label, {_strength_text(facts)}")


def _strength_text(facts: PreparationFacts) -> str:
    return f"{LabelAmount.of(facts.strength).display} {facts.per}".rstrip()


def _check_count(amount: Amount, noun: str, rx: _Prescribed) -> bool:
    """A counted amount ('2 capsules', '5 drops') must be the units or drops of one dose."""
    facts, written = rx.facts, amount.written
    if noun == "drop":
        if facts.measure is not None and facts.measure.unit is Unit.DROP:
            if amount.number != facts.measure.magnitude:
                _mismatch(rx.field, written, f"{plain(facts.measure.magnitude)} drops a dose")
            return True
        _mismatch(rx.field, written, f"{_prescribed_measure(facts, rx.dose)} a dose")
    form = facts.unit_noun.split()[-1]
    if facts.measure is not None or noun not in _SAME_UNIT.get(form, {form}):
        _mismatch(rx.field, written, f"{_prescribed_measure(facts, rx.dose)} a dose")
    if amount.number != _units_per_dose(facts, rx.dose):
        _mismatch(rx.field, written, f"{_prescribed_measure(facts, rx.dose)} a dose")
    return True


def _stated_quantity(amount: Amount, field: str) -> Quantity:
    """The mass, volume or strength an amount states (the reader keeps only amounts whose
    word is such a unit, or one the grammar refuses with what to write instead)."""
    symbol = SPELLED.get(amount.unit.lower(), amount.unit)
    dimensions = (*_DOSE_DIMENSIONS, *_STRENGTH_DIMENSIONS)
    number = amount.number_text if amount.number_text[:1].isdigit() else plain(amount.number)
    if "/" in number or " " in number:
        number = plain(amount.number)
    return parse_quantity(f"{number} {symbol}", field=field, dimension=dimensions)


def _check_volume(quantity: Quantity, written: str, rx: _Prescribed) -> bool:
    """A volume states the measure of a dose only on an oral liquid, where it must be the
    measure of one dose; on drops it must be the volume of the drops of one dose by the
    dropper's calibration (within rounding); a capsule or troche label may name water."""
    measure = rx.facts.measure
    if rx.volume is not None:
        exact = rx.volume.m_as(Unit.ML)
        if not exact * CLOSE[0] <= quantity.m_as(Unit.ML) <= exact * CLOSE[1]:
            _mismatch(
                rx.field,
                written,
                f"the volume of one dose, {significant(exact)} mL "
                f"({_prescribed_measure(rx.facts, rx.dose)} by the dropper's calibration)",
            )
        return False
    if measure is None or measure.unit is not Unit.ML:
        return False
    if quantity.m_as(Unit.ML) != measure.magnitude:
        _mismatch(rx.field, written, f"{LabelAmount.of(measure).display} a dose")
    return True


def _check_mass(quantity: Quantity, written: str, rx: _Prescribed) -> bool:
    """A mass must be the dose (a liquid's, within rounding) or the daily dose, and a whole
    number of units of the strength."""
    facts, dose = rx.facts, rx.dose
    mg = quantity.m_as(Unit.MG)
    if facts.delivered is not None:
        ordered, delivered = dose.m_as(Unit.MG), facts.delivered.m_as(Unit.MG)
        if not min(ordered, delivered) * CLOSE[0] <= mg <= max(ordered, delivered) * CLOSE[1]:
            _mismatch(rx.field, written, f"the dose, {LabelAmount.of(dose).display}")
        return False  # a liquid's dose is measured in mL or drops
    units = CONTEXT.divide(mg, facts.strength.m_as(Unit.MG))
    if units != units.to_integral_value():
        _mismatch(
            rx.field,
            written,
            f"a whole number of {facts.unit_noun_plural} of "
            f"{LabelAmount.of(facts.strength).display}",
        )
    rx.guard(quantity, rx.field)
    daily = None if rx.per_day is None else dose.m_as(Unit.MG) * rx.per_day
    if mg != dose.m_as(Unit.MG) and mg != daily:
        also = "" if daily is None else f", or {plain(daily)} mg a day"
        _mismatch(rx.field, written, f"the prescribed dose, {LabelAmount.of(dose).display}{also}")
    return True


#: A written liquid dose may differ from the exact one by rounding (three significant digits).
CLOSE = (Decimal("0.995"), Decimal("1.005"))


def _mismatch(field: str, written: str, expected: str) -> NoReturn:
    raise InputError.about(
        field,
        written,
        "does not match the prescription",
        f"{expected} (check mg against mcg and the decimal point)",
        code="directions-dose-mismatch",
    )


def _aux(facts: PreparationFacts) -> tuple[AuxiliaryWarning, ...]:
    codes = ["opioid"]
    if facts.suspension:
        codes.append("shake-well")
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

    The result is first computed again from its own order (:func:`check_recomputes`): a
    result whose dose, BUD or any other figure was edited never reaches a label. A result
    whose beyond-use date is before ``today`` (the caller's, else the calendar's) is refused:
    no label is printed for a preparation already past its BUD.
    """
    check_recomputes(result)
    return _build_label(result, order, today=today)


#: how the lot is made when the caller gives none (echoed in the label's defaults)
GENERATED_LOT_SOURCE = (
    "generated (no lot given): L, the date compounded, and the first 8 hex digits of the "
    "SHA-256 of the result's JSON and the compounding record id; the same batch always gets "
    "the same lot, another record of the same order another lot"
)


def _canonical(result: Any) -> Any:
    from ._json import to_json  # noqa: PLC0415 - _json imports this module's schema

    return _without_version(to_json(result))


def _without_version(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_version(v) for k, v in data.items() if k != "library_version"}
    if isinstance(data, list):
        return [_without_version(v) for v in data]
    return data


def batch_lot(result: Any, record_id: str) -> str:
    """The lot generated for a compounded batch the caller gave no lot for: ``L``, the date
    compounded (YYYYMMDD), ``-``, and 8 hex digits of the SHA-256 of the result's JSON
    (library version left out) and ``record_id``, the batch's compounding record: the same
    batch always gets the same lot, and two batches of one order made the same day (two
    patients, a remake) get different ones, since each has its own record (probe2 P15: the
    result alone gave them one lot)."""
    data = {"record_id": record_id.strip(), "result": _canonical(result)}
    text = json.dumps(data, sort_keys=True, ensure_ascii=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:8].upper()
    return f"L{result.bud.compounded_on:%Y%m%d}-{digest}"


def _refuse_unidentified_batch(order: LabelOrder) -> None:
    """Refuse (``lot-not-given``) a label order that gives neither the batch's lot nor the
    compounding record a lot is generated from."""
    if order.lot is None and order.record_id is None:
        raise InputError.about(
            "lot",
            None,
            "is not given, and there is no record id to generate one from (a lot made from "
            "the result alone is the same for every batch of this order made the same day)",
            "the batch's lot number, or the id of its compounding record (record_id, "
            "--record-id), which the lot is generated from",
            code="lot-not-given",
        )
    for field, value in (("lot", order.lot), ("record_id", order.record_id)):
        if value is not None and is_placeholder(value):
            raise InputError.about(
                field,
                value,
                "is a placeholder, not an identifier (it would print as the lot, or give every "
                "batch whose script passes it the same generated lot)",
                "the batch's own lot number, or the id of its compounding record",
                code="lot-not-given",
            )


#: words that fill a field without identifying anything: 'N/A', 'none', 'default', '-'
_PLACEHOLDERS = frozenset(
    (
        *("na", "n/a", "none", "nil", "null", "default", "unknown", "tbd", "tba", "lot"),
        *("notapplicable", "notgiven", "batch", "record", "id", "0", "00"),
        *("000", "nonegiven", "blank", "empty", "test", "todo", "placeholder", "undefined"),
    )
)


def is_placeholder(value: str) -> bool:
    """Whether ``value`` (a lot or a record id) is a placeholder rather than an identifier: a
    word such as 'N/A', 'none', 'default', 'unknown' (case, spaces and dots aside), or no
    letter or digit at all ('-', '?')."""
    bare = re.sub(r"[\s.]", "", value.lower())
    return bare in _PLACEHOLDERS or not any(ch.isalnum() for ch in value)


def _recompute(result: Any) -> Any:
    """The result computed again by its preparation (a titration kit: on its compounding date)."""
    schema = getattr(result, "schema", None)
    prep = _registry.for_result(schema)
    order = getattr(result, "order", None)
    if prep is None or (prep.recompute is None and type(order) is not prep.order):
        raise InputError.about(
            "result", schema, "is not a result the library can label", "a preparation result"
        )
    return prep.compute_again(result)


def _shown(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"value", "unit"}:
        return f"{value['value']} {value['unit']}"
    if isinstance(value, str):
        return value if len(value) <= 60 else value[:57] + "..."
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _first_difference(stored: Any, fresh: Any, path: str) -> tuple[str, Any, Any] | None:
    """The first place (a dotted path) where ``stored`` differs from ``fresh``."""
    if isinstance(stored, dict) and isinstance(fresh, dict):
        if set(stored) == {"value", "unit"} or set(fresh) == {"value", "unit"}:
            return None if stored == fresh else (path, stored, fresh)
        keys = (*fresh, *(k for k in stored if k not in fresh))
        entries = ((stored.get(k), fresh.get(k), f"{path}.{k}" if path else k) for k in keys)
        return first_found(entries, _first_difference)
    if isinstance(stored, list) and isinstance(fresh, list) and len(stored) == len(fresh):
        items = enumerate(zip(stored, fresh, strict=True))
        return first_found(((a, b, f"{path}[{i}]") for i, (a, b) in items), _first_difference)
    return None if stored == fresh else (path, stored, fresh)


@private_context
def check_recomputes(result: Any) -> None:
    """Refuse (``result-not-recomputed``) a result that is not what the library computes from
    the order it carries, on its date compounded (a kit: its first batch's): an edited
    dose, BUD, amount, warning or any other figure, naming the first field that differs,
    what the result says and what its order computes. Only the library version may differ.
    The order's own refusals (a dose guard, an expired lot) are raised as they are."""
    try:
        recomputed = _recompute(result)
    except LdnCompoundError as err:
        if err.field is None or err.field == "result":
            raise
        # the order the result carries is refused: name it as part of the result
        raise type(err)(
            f"result.order.{err.message}",
            field=f"result.order.{err.field}",
            value=err.value,
            expected=err.expected,
            code=err.code,
        ) from None
    # warnings of checks against today's date are not reproduced on the date compounded
    # nor is an acknowledgement-unused warning a result saved before it existed lacks
    stored, fresh = unmatched_unused_left_out(
        without_dated_warnings(_canonical(result)), without_dated_warnings(_canonical(recomputed))
    )
    _refuse_difference(
        stored,
        fresh,
        "result",
        "is not what the result's own order computes",
        "a result exactly as the library computed it (compute it again rather than edit it)",
        "result-not-recomputed",
    )


def _refuse_difference(
    stored: Any, fresh: Any, document: str, problem: str, expected: str, code: str
) -> None:
    """Refuse the first field where ``stored`` differs from ``fresh``, naming its path in the
    ``document``, what the document says and (in the ``problem``) what it should say."""
    found = _first_difference(stored, fresh, "")
    if found is None:
        return
    path, was, now = found
    raise InputError.about(
        f"{document}.{path}", _shown(was), f"{problem} ({_shown(now)!r})", expected, code=code
    )


def _build_label(
    result: Any, order: LabelOrder, *, planned: bool = False, today: dt.date | None = None
) -> Label:
    schema = getattr(result, "schema", None)
    if not planned and schema == "ldncompound/titration/2":
        raise InputError.about(
            "result",
            schema,
            "is a titration kit, which has one label per container or fill",
            "build_kit_labels for a kit",
        )
    prep = _registry.for_result(schema)
    adapter = prep.label_facts if prep is not None else None
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
    _refuse_unidentified_batch(order)
    strength = LabelAmount.of(facts.strength)
    defaults: tuple[DefaultUsed, ...] = ()
    lot = order.lot
    if lot is None:
        lot = batch_lot(result, typing.cast("str", order.record_id))
        defaults = (DefaultUsed(field="lot", value=lot, source=GENERATED_LOT_SOURCE),)
    defaults = (*profile_defaults(order), *defaults)
    return Label(
        **stamp(LABEL_SCHEMA),
        result_schema=schema or "",
        drug=facts.drug,
        strength=strength,
        strength_text=f"{strength.display} {facts.per}".rstrip()
        + "".join(
            f", with {name} {LabelAmount.of(amount).display} {facts.per}".rstrip()
            for name, amount in facts.other_actives
        ),
        dosage_form=facts.dosage_form,
        route=facts.route,
        directions=_directions(facts, order),
        quantity=LabelAmount.of(
            _quantity(facts, order), f" {facts.quantity_noun}" if facts.quantity_noun else ""
        ),
        bud=facts.bud,
        bud_text=f"Do not use after {facts.bud.isoformat()}",
        # the one storage statement (probe F35: the label printed a second one among the
        # auxiliary statements)
        storage=AUX_TEXT["refrigerate"] if facts.refrigerated else None,
        compounded_statement="This medicine was compounded by the pharmacy.",
        compounded_on=facts.compounded_on,
        compounded_text=f"Compounded {facts.compounded_on.isoformat()}",
        rx_number=order.rx_number,
        lot=lot,
        pharmacy=order.pharmacy,
        patient=order.patient,
        prescriber=order.prescriber,
        step=order.step,
        auxiliary=_aux(facts),
        allergens=facts.allergens,
        defaults=defaults,
        result=None if planned else result,
        order=None if planned else order,
    )


#: Fields only a saved label has (no result, order, record or report has any of them): a
#: document holding them all is a saved label, whatever its schema id says.
_LABEL_ONLY_FIELDS = (
    "result_schema",
    "strength_text",
    "bud_text",
    "compounded_statement",
    "compounded_text",
)


def is_saved_label(data: Any) -> bool:
    """Whether a parsed JSON document is a saved label, by its schema id or by its content
    (a label whose id was edited is still a label: :func:`read_label` refuses it)."""
    if not isinstance(data, dict):
        return False
    return data.get("schema") == LABEL_SCHEMA or all(k in data for k in _LABEL_ONLY_FIELDS)


def check_label_schema(data: Any) -> None:
    """Refuse a document to be read as a saved label whose schema id and content disagree
    (``label-schema-mismatch``): a label's fields under another document's id, or the label
    id on a document with none of a label's fields; and any other id (``not-a-label``)."""
    schema = data.get("schema") if isinstance(data, dict) else None
    held = [k for k in _LABEL_ONLY_FIELDS if isinstance(data, dict) and k in data]
    if schema == LABEL_SCHEMA and not held:
        raise InputError.about(
            "schema",
            schema,
            "is a saved label's id, but the document holds none of a label's fields "
            f"({', '.join(_LABEL_ONLY_FIELDS)}), so its id and its content disagree",
            "a saved label as the library wrote it, or the document under its own schema id",
            code="label-schema-mismatch",
        )
    if schema == LABEL_SCHEMA:
        return
    same_kind = isinstance(schema, str) and schema.rpartition("/")[0] == "ldncompound/label"
    if len(held) == len(_LABEL_ONLY_FIELDS) and not same_kind:
        raise InputError.about(
            "schema",
            schema,
            "is not a label's id, but the document holds a saved label's fields "
            f"({', '.join(_LABEL_ONLY_FIELDS)}), so its id and its content disagree",
            f"{LABEL_SCHEMA} on a saved label, which is read only as a label",
            code="label-schema-mismatch",
        )
    raise InputError.about(
        "schema", schema, "is not a label schema id", LABEL_SCHEMA, code="not-a-label"
    )


def read_label(data: Any, *, today: dt.date | None = None) -> Label:
    """A saved label document (``ldncompound/label/1``: JSON text, bytes or the data
    :func:`~ldncompound.to_json` wrote), checked before it is printed again.

    The document is read strictly (:func:`~ldncompound.read_json`, then the codec's exact
    reader); the label is then made again from the result and the label order it embeds
    (:func:`build_label`: the result must recompute, ``result-not-recomputed``, and its BUD
    must not have passed, ``bud-already-past``) and compared field by field with the saved
    one: the first field that differs is refused (``label-not-recomputed``), since a saved
    label file may have been edited. A label that embeds no result and order (written before
    0.2.0, or one of a kit's labels) is refused (``label-not-rederivable``).
    """
    from ._json import from_json  # noqa: PLC0415 - _json imports this module
    from ._strict import read_json  # noqa: PLC0415

    if isinstance(data, bytes | str):
        data = read_json(data, what="label")
    check_label_schema(data)
    embedded = data.get("result")
    _registry.load(embedded.get("schema") if isinstance(embedded, dict) else None)
    saved = from_json(data, Label)
    check_label(saved, today=today)
    return saved


def check_label(saved: Label, *, today: dt.date | None = None, result: Any = None) -> None:
    """Refuse a label that is not exactly what the result and label order it embeds make
    (``label-not-recomputed``, naming the first field that differs: an edited directions
    text, patient, Rx number or lot), or that embeds none (``label-not-rederivable``).

    Every reader of a saved label runs it (:func:`read_label`, :func:`~ldncompound.to_fhir`).
    With ``result``, the label must also have been made from that result (``label-mismatch``,
    naming the first field of the embedded result that differs).
    """
    from ._json import to_json  # noqa: PLC0415 - _json imports this module

    if saved.result is None or saved.order is None:
        raise InputError.about(
            "label",
            saved.schema,
            "does not embed the result and label order it was made from (a label written "
            "before 0.2.0, or one of a kit's labels), so it cannot be checked before it is used",
            "a label made again from its result (ldncompound label RESULT.json ...)",
            code="label-not-rederivable",
        )
    fresh = build_label(saved.result, saved.order, today=today)
    _refuse_difference(
        _without_version(to_json(saved)),
        _without_version(to_json(fresh)),
        "label",
        "is not what the label's own result and order make",
        "a label exactly as the library made it (make it again rather than edit it)",
        "label-not-recomputed",
    )
    if result is not None:
        _refuse_difference(
            without_dated_warnings(_canonical(saved.result)),
            without_dated_warnings(_canonical(result)),
            "label.result",
            "is not the result's own",
            "the label made from this result (ldncompound label RESULT.json ...)",
            "label-mismatch",
        )


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
    if getattr(kit, "schema", None) != "ldncompound/titration/2":
        raise InputError.about(
            "kit", getattr(kit, "schema", kit), "is not a titration kit", "a plan_titration result"
        )
    check_recomputes(kit)
    # the kit writes each container's or fill's step text and directions: never ignore either
    for field, text, what in (
        ("step", order.step, "step text"),
        ("directions", order.directions, "directions"),
    ):
        if text is not None:
            raise InputError.about(
                field,
                text,
                f"would be replaced: a kit's labels carry the {what} the kit writes for each "
                "container or fill",
                f"no {what} for a kit",
                code=f"{field}-set-by-kit",
            )
    batches = len(kit.capsule_batches) + len(kit.liquid_fills) + len(kit.drops_fills)
    if order.lot is not None and batches > 1:
        raise InputError.about(
            "lot",
            order.lot,
            f"cannot be the lot of all {batches} batches of this kit",
            "no lot and the kit's record id, so that each batch's labels carry the lot "
            "generated for that batch",
            code="one-lot-for-many-batches",
        )
    _refuse_unidentified_batch(order)
    if order.timing is not None:  # the kit's directions say how often; the timing may not differ
        for freq in read_directions(order.timing, "timing").frequencies:
            if freq.per_day != kit.doses_per_day:
                raise InputError.about(
                    "timing",
                    freq.written,
                    f"means {plain(freq.per_day)} doses a day, not the kit's "
                    f"{plain(kit.doses_per_day)}",
                    f"timing for {_frequency(kit.doses_per_day)}, as prescribed",
                    code="directions-frequency-mismatch",
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
        parts = _split_steps(f.directions)
        directions = " ".join(_with_timing(t, order.timing) for t in parts)
        label = _build_label(
            made, attrs.evolve(order, directions=directions, step=step), planned=True
        )
        labels.append(_name_syringes(label, parts))
    return tuple(labels)


_STEP_DEVICE = re.compile(r"^Step (\d+),.*measured with the (.+?)\.$", re.DOTALL)


def _name_syringes(label: Label, steps: list[str]) -> Label:
    """A fill whose steps are measured with different syringes names each syringe with the
    steps it measures, instead of "the oral syringe supplied" (probe F35)."""
    by_device: dict[str, list[str]] = {}
    for text in steps:
        found = _STEP_DEVICE.match(text)
        if found:
            by_device.setdefault(found.group(2), []).append(found.group(1))
    if len(by_device) < 2:
        return label
    named = "; ".join(
        f"the {device} for step{'s' if len(numbers) > 1 else ''} {' and '.join(numbers)}"
        for device, numbers in by_device.items()
    )
    text = f"Measure each dose with the syringe named for its step: {named}."
    return attrs.evolve(
        label,
        auxiliary=tuple(
            attrs.evolve(w, text=text) if w.code == "use-supplied-syringe" else w
            for w in label.auxiliary
        ),
    )


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


#: a word that ends in a number, and the unit that may follow it ('4.5' 'mg)', '(9/2' 'mg')
_ENDS_IN_NUMBER = re.compile(r"[0-9]$")
_UNIT_START = re.compile(r"[^\W\d_][^\s,.;:()\[\]]*")


def _is_unit(word: str) -> bool:
    m = _UNIT_START.match(word)
    if m is None:
        return False
    unit = m.group(0)
    return unit in UNIT_SPELLINGS or unit.lower() in COUNTED or unit.lower() in SPELLED


def _words(text: str) -> list[str]:
    """The words of ``text`` split at spaces, a number kept with the unit after it ('4.5 mg'
    never breaks between the lines of a label: a line ending in a bare '4.5' is a dose
    without its unit)."""
    words: list[str] = []
    for word in text.split(" "):
        if words and _ENDS_IN_NUMBER.search(words[-1]) and _is_unit(word):
            words[-1] = f"{words[-1]} {word}"
        else:
            words.append(word)
    return words


def _wrap(text: str, width: int, field: str) -> list[str]:
    """Wrap at spaces by display width, a number kept with its unit; a word wider than the
    line raises (never truncates)."""
    lines: list[str] = []
    current = ""
    for word in _words(text):
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
        ("rx_number", f"Rx {label.rx_number}  Lot {label.lot}"),
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
        ("compounded_on", label.compounded_text),
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
