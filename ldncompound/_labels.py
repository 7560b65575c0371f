"""What a label will need: the facts each result carries for a label printer to use.

No label layout lives here yet; results collect the facts (dosage form, route, strength per
mL and per drop, how one dose is measured, storage, BUD, auxiliary statements) so that a
label never has to recompute or guess them.
"""

from __future__ import annotations

import datetime as dt

import attrs

from ._bud import Storage
from ._units import Quantity

__all__ = ["LabelFacts"]

SHAKE_WELL = "Shake well before use."
REFRIGERATE = "Keep in the refrigerator (2-8 °C). Do not freeze."
ROOM = "Store at room temperature (20-25 °C)."
SYRINGE = "Measure each dose with the oral syringe supplied."
DROPPER = "Use only the dropper supplied."
NOTE_STRENGTH = "Note the strength."
LIGHT = "Protect from light."


@attrs.frozen(kw_only=True)
class LabelFacts:
    """The facts a label for this preparation needs, in the result's own words and units."""

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


def auxiliary_statements(
    *, shake: bool, storage: Storage, dropper: bool, syringe: bool
) -> tuple[str, ...]:
    """The auxiliary statements for a liquid (domain.md §7: shake well, protect from light,
    note strength; the dropper or syringe supplied)."""
    out = [SHAKE_WELL] if shake else []
    out.append(REFRIGERATE if storage is Storage.REFRIGERATOR else ROOM)
    out += [LIGHT, NOTE_STRENGTH]
    if dropper:
        out.append(DROPPER)
    if syringe:
        out.append(SYRINGE)
    return tuple(out)
