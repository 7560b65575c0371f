"""The words every preparation and every reader of results share (issue 16, section 2).

A preparation describes its result to the labels, the records and the worksheet in these
terms, and never imports those modules: :class:`PreparationFacts` (what goes on a label),
:class:`MasterFacts` (what a master formulation record says of the preparation),
:class:`TableValue` (a value read from a table), and, for liquids, the :class:`LabelFacts` the
result carries with the :func:`auxiliary_statements` in the label's own words.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs

from ._bud import Storage
from ._numbers import plain
from ._units import Quantity, Unit

_COUNTED = {Unit.CAPSULE, Unit.TABLET, Unit.DROP, Unit.DAY}

#: The one rule for amounts a patient reads (probe F3): masses in mg, strengths in mg/mL or mg
#: a drop, volumes in mL, whatever unit the order was typed in (the worksheet may echo the
#: input). A label never mixes mg with mcg or g, so a strength and its dose cannot be misread
#: a thousandfold; the conversion is exact (a power of ten), nothing is rounded.
_PATIENT_UNIT = {
    Unit.MCG: Unit.MG,
    Unit.G: Unit.MG,
    Unit.MCG_PER_ML: Unit.MG_PER_ML,
    Unit.G_PER_ML: Unit.MG_PER_ML,
    Unit.MCG_PER_DROP: Unit.MG_PER_DROP,
    Unit.L: Unit.ML,
}


@attrs.frozen(kw_only=True)
class LabelAmount:
    """An amount ready for print: exact value, unit code, and the display string."""

    value: str
    unit: str
    display: str

    @classmethod
    def of(cls, q: Quantity, suffix: str = "") -> LabelAmount:
        """Patient-facing form, the one place a label formats an amount: mg, mg/mL, mg a
        drop and mL whatever unit ``q`` is in (exactly converted), leading zero, no trailing
        zero."""
        unit_to = _PATIENT_UNIT.get(q.unit)
        if unit_to is not None:
            q = q.to(unit_to)
        text = plain(q.magnitude)
        unit = q.unit.display
        if q.magnitude == 1 and q.unit in _COUNTED:
            unit = unit.removesuffix("s")
        display = f"{text} {unit}".rstrip() + suffix
        return cls(value=text, unit=q.unit.code, display=display)


@attrs.frozen(kw_only=True)
class PreparationFacts:
    """What a preparation contributes to its label (its descriptor's ``label_facts``)."""

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
    compounded_on: dt.date
    device: str | None = None
    dose_text: str | None = None
    #: what one dose measures for a liquid (mL) or drops (drops); None for counted units
    measure: Quantity | None = None
    #: the dose one measure delivers (a liquid's or drops' delivered dose)
    delivered: Quantity | None = None
    #: the other actives of a formula of several (name, strength per unit), in order
    other_actives: tuple[tuple[str, Quantity], ...] = ()


@attrs.frozen(kw_only=True)
class MasterFacts:
    """What a preparation's master formulation record says of it (its descriptor's
    ``master_record``); the records module adds what every preparation fills the same way
    (BUD, storage, label statements, calculations, container, description)."""

    name: str
    strength: Quantity
    dosage_form: str
    batch_size: str
    ingredients: tuple[str, ...]
    instructions: tuple[str, ...]
    quality_control: tuple[str, ...]


@attrs.frozen(kw_only=True)
class TableValue:
    """A value read from one of the library's tables, with its key and source."""

    key: str
    value: Quantity | str
    source: str


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


def planned_weighings(result: Any) -> dict[int, Any]:
    """The planned weighings (and, for liquids, measured volumes) of a result, by number."""
    items = getattr(result, "weighings", None)
    if items is None:
        items = result.batch.measurements
    return {m.number: m for m in items}


#: The warnings of a compounding record that something a release needs is not recorded yet
#: (an actual weight, the weight check, the yield, the verifier): the record is on hold until
#: it is, printed under its title and listed by ``verify_record`` (:func:`on_hold`).
HOLD_CODES = (
    "weighing-not-recorded",
    "weight-check-not-recorded",
    "yield-not-recorded",
    "not-verified",
)


def on_hold(warnings: Any) -> tuple[str, ...]:
    """The messages of a record's ``warnings`` of :data:`HOLD_CODES`, in their order."""
    return tuple(w.message for w in warnings if w.code in HOLD_CODES)
