"""The brief: what to weigh, fill and label, in under 30 lines, for the bench.

The full worksheet (:func:`render_worksheet`) carries the method, trace and defaults; the
brief carries only what the compounder acts on: the weighings and measurements in order, how
the units are filled or the liquid made up and packed, and what goes on the label, with the
warning codes. Every figure is the result's own (formatted as on the worksheet), so the
brief never states a number the result does not hold.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._preparation import by_result_schema
from ._units import Unit
from ._worksheet import q, weighed

if TYPE_CHECKING:
    from ._capsules import CapsuleResult
    from ._drops import DropsResult
    from ._liquids import LiquidResult
    from ._solid import Weighing
    from ._titration import TitrationResult
    from ._trace import ResultWarning
    from ._troches import TrocheResult
    from ._weighing import Balance

#: A brief is at most this many lines (what fits on a card beside the balance).
BRIEF_MAX_LINES = 29
#: Weighings and measurements listed one a line; more are folded into the last line.
_MAX_ITEMS = 12
_WIDTH = 96
_MG = Unit.MG

#: preparation name (its descriptor's ``name``) -> the renderer of its brief
_RENDERERS: dict[str, Callable[[Any], list[str]]] = {}


def render_brief(result: Any) -> str:
    """The brief for a capsule, troche/RDT, oral liquid or drops result, or a titration kit
    (under 30 lines)."""
    prep = by_result_schema(getattr(result, "schema", ""))  # loaded: it made the result
    renderer = None if prep is None else _RENDERERS.get(prep.name)
    if renderer is None:
        raise TypeError(f"no brief for {type(result).__name__}")
    lines = renderer(result)
    if len(lines) > BRIEF_MAX_LINES:  # pragma: no cover - the renderers fold long lists
        raise AssertionError(f"a brief of {len(lines)} lines")
    return "\n".join(lines) + "\n"


def _items(rows: list[str], most: int = _MAX_ITEMS) -> list[str]:
    if len(rows) <= most:
        return rows
    rest = len(rows) - most + 1
    return [*rows[: most - 1], f"  ... and {rest} more: see the worksheet"]


def _weighings(weighings: tuple[Weighing, ...], balance: Balance) -> list[str]:
    head = (
        f"WEIGH on the {balance.name} (minimum {q(balance.minimum_weight)}, "
        f"readability {q(balance.readability)}):"
    )
    return [
        head,
        *_items(
            [
                f"  {w.number:>2}. {weighed(w.amount, balance.readability):>11}  {w.what}"
                for w in weighings
            ]
        ),
    ]


def _warnings(warnings: tuple[ResultWarning, ...]) -> list[str]:
    codes = ", ".join(dict.fromkeys(w.code for w in warnings)) or "none"
    return textwrap.wrap(
        f"WARNINGS: {codes} (see the worksheet)", width=_WIDTH, subsequent_indent="  "
    )


def _label(parts: list[str]) -> list[str]:
    return ["LABEL: " + parts[0], *(f"  {p}" for p in parts[1:])]


def _allergens(allergens: tuple[str, ...]) -> str:
    return "allergens: " + (", ".join(allergens) if allergens else "none declared")


def _crush(tablets: int | None) -> list[str]:
    """The brief's line for the tablets to crush first (none for API powder or a stock)."""
    if tablets is None:
        return []
    return [f"CRUSH {tablets} tablet{'' if tablets == 1 else 's'} first."]


def _capsules(r: CapsuleResult) -> list[str]:
    tablets = _crush(r.tablets_to_crush)
    return [
        f"BRIEF: {r.count} x {q(r.dose)} {r.dose_basis_name} capsules, size {r.size}",
        *tablets,
        *_weighings(r.weighings, r.balance),
        "MIX by geometric dilution, in the order weighed.",
        (
            f"FILL {r.batch_count} size {r.size} capsules, {q(r.fill_weight)} net each "
            f"(each {q(r.qc.low, 4)}-{q(r.qc.high, 4)}); dispense {r.count}."
        ),
        *_label(
            [
                f"{r.dose_basis_name} {q(r.dose)} capsules; quantity {r.count}",
                f"BUD {r.bud.date.isoformat()}; {r.bud.storage.described}",
                _allergens(r.allergens),
            ]
        ),
        *_warnings(r.warnings),
    ]


def _troches(r: TrocheResult) -> list[str]:
    tablets = _crush(r.tablets_to_crush)
    form = r.dosage_form_name
    return [
        f"BRIEF: {r.count} x {q(r.dose)} {r.dose_basis_name} {form}s ({r.route.value})",
        *tablets,
        *_weighings(r.weighings, r.balance),
        "MELT the base, mix in the rest in the order weighed, and pour.",
        (
            f"FILL {r.batch_count} cavities, {q(r.unit_weight, 4)} each "
            f"(each {q(r.qc.low, 4)}-{q(r.qc.high, 4)}); dispense {r.count}."
        ),
        *_label(
            [
                f"{r.dose_basis_name} {q(r.dose)} {form}s; quantity {r.count}; {r.route.value}",
                f"BUD {r.bud.date.isoformat()}; {r.bud.storage.described}",
                _allergens(r.allergens),
            ]
        ),
        *_warnings(r.warnings),
    ]


def _liquid_lines(r: LiquidResult | DropsResult, what: str) -> list[str]:
    b, label = r.batch, r.label
    measured = [
        f"  {m.number:>2}. {q(m.amount):>11}  {m.what} ({m.device})" for m in b.measurements
    ]
    return [
        f"BRIEF: {q(b.dispense_volume)} {what} {q(r.concentration)} {r.dose_basis_name}",
        "MEASURE in this order:",
        *_items(measured),
        (
            f"MAKE UP to {q(b.final_volume)} in the {b.final_device.name}; "
            f"PACK {q(b.dispense_volume)}."
        ),
        *_label(
            [
                (
                    f"{label.drug} {q(label.strength)} {label.dosage_form}; quantity "
                    f"{q(label.quantity)}"
                ),
                f"dose: {label.dose_measure}",
                f"BUD {label.beyond_use_date.isoformat()}; {label.storage.described}",
                *(" ".join(label.auxiliary[i : i + 2]) for i in range(0, len(label.auxiliary), 2)),
                _allergens(label.allergens),
            ]
        ),
        *_warnings(r.warnings),
    ]


def _liquid(r: LiquidResult) -> list[str]:
    return _liquid_lines(r, "oral liquid")


def _drops(r: DropsResult) -> list[str]:
    return _liquid_lines(r, "sublingual drops")


_RENDERERS["capsules"] = _capsules
_RENDERERS["troches"] = _troches
_RENDERERS["liquid"] = _liquid
_RENDERERS["drops"] = _drops


#: A kit's batches (capsule strengths) listed one a line; more are folded into the last line.
_MAX_KIT_BATCHES = 6


def _titration(r: TitrationResult) -> list[str]:
    """A kit: what to make (each batch or fill with its compounding date and BUD; each has its
    own brief and record) and one line per labelled container or fill (the step, strength,
    count or volume, BUD)."""
    made = r.batches[0].bud.compounded_on
    head = (
        f"BRIEF: titration kit, {r.order.form.value}, {len(r.steps)} steps over "
        f"{len(r.schedule)} days from {r.order.start.isoformat()}; compounded {made.isoformat()}"
    )
    if r.containers:
        bud = {b.dose.m_as(_MG): b.bud.date for b in r.capsule_batches}
        batches = [
            f"  {q(b.dose):>8} capsules: make {b.batch_count}, dispense {b.count}; compounded "
            f"{b.bud.compounded_on.isoformat()}, BUD {b.bud.date.isoformat()}"
            for b in r.capsule_batches
        ]
        labels = [
            f"  Step {c.step}{' (maintenance)' if r.steps[c.step - 1].maintenance else ''}, "
            f"{c.start.isoformat()} to {c.end.isoformat()}: {c.units} x {q(c.strength)} "
            f"capsules, {c.units_per_dose} a dose; BUD {bud[c.strength.m_as(_MG)].isoformat()}"
            for c in r.containers
        ]
        return [
            head,
            "MAKE one batch per strength (its weighings and record: see the worksheet):",
            *_items(batches, _MAX_KIT_BATCHES),
            "LABEL one container per step (its directions: see the worksheet):",
            *_items(labels),
            *_warnings(r.warnings),
        ]
    fills: tuple[LiquidResult | DropsResult, ...] = (*r.liquid_fills, *r.drops_fills)
    what = "oral liquid" if r.liquid_fills else "sublingual drops"
    rows = [
        f"  Fill {f.number} of {len(r.fills)}, {f.start.isoformat()} to {f.end.isoformat()}: "
        f"{q(m.batch.dispense_volume)} "
        f"(make {q(m.batch.final_volume)}); made {m.bud.compounded_on.isoformat()}, "
        f"BUD {m.bud.date.isoformat()}"
        for f, m in zip(r.fills, fills, strict=True)
    ]
    concentration = "" if r.concentration is None else f" {q(r.concentration)}"
    return [
        head,
        f"MAKE AND LABEL each{concentration} {what} fill on its date (details: see the worksheet):",
        *_items(rows),
        *_warnings(r.warnings),
    ]


_RENDERERS["titration"] = _titration
