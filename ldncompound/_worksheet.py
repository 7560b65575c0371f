"""The readable text worksheet: what a pharmacist prints and follows at the bench.

Weighings keep the balance's figures (a 0.1 mg balance prints ``120.0 mg``); other amounts
are shown to six significant figures, never rounded in the calculation itself. Sections are
shared by every preparation; each result type registers the lines that are its own.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ._numbers import fixed, places_of, plain, significant
from ._trace import DefaultUsed, ResultWarning, Step
from ._units import Quantity
from ._version import __version__

if TYPE_CHECKING:
    from ._bud import BeyondUseDate
    from ._capsules import CapsuleResult
    from ._drops import DropperCalibration, DropsResult
    from ._labels import LabelFacts
    from ._liquid_batch import FillPlan, LiquidBatch
    from ._liquids import LiquidResult

__all__ = ["render_worksheet"]

WIDTH = 96
#: schema id -> renderer of that result's lines
_RENDERERS: dict[str, Callable[[Any], list[str]]] = {}


def render_worksheet(result: Any) -> str:
    """The text worksheet for any result the library produces (found by its schema id)."""
    renderer = _RENDERERS.get(getattr(result, "schema", ""))
    if renderer is None:
        raise TypeError(f"no worksheet for {type(result).__name__}")
    return "\n".join(renderer(result)) + "\n"


def q(value: Quantity, digits: int = 6) -> str:
    """A quantity to ``digits`` significant figures for reading."""
    unit = value.unit.display
    text = significant(value.magnitude, digits)
    return f"{text} {unit}" if unit else text


def weighed(value: Quantity, readability: Quantity) -> str:
    """A weighing with the balance's decimals (``120.0 mg`` on a 0.1 mg balance)."""
    step = readability.m_as(value.unit)
    return f"{fixed(value.magnitude, places_of(step))} {value.unit.display}"


def title(text: str) -> list[str]:
    return ["", text, "-" * len(text)]


def field_lines(pairs: Iterable[tuple[str, str]]) -> list[str]:
    out: list[str] = []
    for label, text in pairs:
        wrapped = textwrap.wrap(text, WIDTH - 16) or [""]
        out.append(f"{label:<15} {wrapped[0]}")
        out.extend(f"{'':<15} {more}" for more in wrapped[1:])
    return out


def hanging(head: str, text: str) -> list[str]:
    """``head`` then ``text`` wrapped to the width, continuation lines indented under the text."""
    width = max(20, WIDTH - len(head))
    wrapped = textwrap.wrap(text, width) or [""]
    return [head + wrapped[0], *(" " * len(head) + more for more in wrapped[1:])]


def numbered(items: Iterable[str], indent: int = 2) -> list[str]:
    out: list[str] = []
    for i, text in enumerate(items, start=1):
        head = f"{' ' * indent}{i}. "
        wrapped = textwrap.wrap(text, WIDTH - len(head)) or [""]
        out.append(head + wrapped[0])
        out.extend(" " * len(head) + more for more in wrapped[1:])
    return out


def warnings_section(warnings: Iterable[ResultWarning]) -> list[str]:
    items = list(warnings)
    if not items:
        return [*title("Warnings"), "  none"]
    out = title("Warnings")
    for w in items:
        out += hanging(f"  ! [{w.code}] ", w.message)
    return out


def _value(v: Quantity | str) -> str:
    return q(v) if isinstance(v, Quantity) else v


def defaults_section(defaults: Iterable[DefaultUsed]) -> list[str]:
    out = title("Values supplied by the library (not given in the order)")
    items = list(defaults)
    if not items:
        return [*out, "  none"]
    for d in items:
        head = f"  {d.field} = {_value(d.value)}: "
        wrapped = textwrap.wrap(head + d.source, WIDTH, subsequent_indent="      ")
        out.extend(wrapped)
    return out


def trace_section(steps: Iterable[Step]) -> list[str]:
    out = title("Calculation trace")
    for i, s in enumerate(steps, start=1):
        out += hanging(f"  {i:>2}. ", s.description)
        out += hanging("      ", s.formula)
        if s.inputs:
            ins = ", ".join(f"{k} = {_value(v)}" for k, v in s.inputs.items())
            out.extend(
                textwrap.wrap(ins, WIDTH - 6, initial_indent="      ", subsequent_indent="      ")
            )
        out += hanging("      = ", _value(s.result))
    return out


def record_line(label: str) -> str:
    return f"  {label:<40} ______________"


def _capsules(r: CapsuleResult) -> list[str]:
    order = r.order
    source = order.source
    bal = r.balance
    capacity = r.method.value == "capacity"
    method = "fill to capacity" if capacity else "fixed fill weight (q.s.)"
    head = f"LDN compounding worksheet: {r.dose_basis_name} {q(r.dose)} capsules"
    src = source.material_name
    if source.lot:
        src += f", lot {source.lot}"
    src += f", expires {source.expiry.isoformat()}"
    if r.tablets_to_crush is not None:
        src += f"; crush {r.tablets_to_crush} tablets"
    mix = significant(r.mix_for.magnitude, 4)
    lines = [head, "=" * len(head)]
    lines += field_lines(
        [
            (
                "Order",
                f"{r.count} capsules of {q(r.dose)} {r.dose_basis_name} (dose basis: {r.dose_basis_name})",
            ),
            ("Reference", order.reference or "not given"),
            ("Method", f"{method}, size {r.size} ({q(r.capsule_volume)})"),
            (
                "Batch",
                (
                    f"{r.batch_count} capsules ({r.count} + {q(r.overage)} overage); mix made for {mix} "
                    "capsules, surplus discarded"
                ),
            ),
            (
                "Fill",
                (
                    f"{q(r.fill_weight, 4)} net per capsule ({q(r.active_per_capsule, 4)} drug material + "
                    f"{q(r.filler_per_capsule, 4)} filler); fill {q(r.fill_fraction, 4)} of the capsule"
                ),
            ),
            (
                "Dose",
                (
                    f"{q(r.dose)} prescribed; {q(r.dose_planned)} planned from the rounded weighings "
                    f"({q(r.dose_deviation, 2)})"
                ),
            ),
            ("Source", src),
            (
                "Balance",
                f"{bal.name}: minimum weight {q(bal.minimum_weight)}, readability {q(bal.readability)} ({bal.source})",
            ),
            ("Allergens", ", ".join(r.allergens) or "none identified"),
        ]
    )
    lines += title("Ingredients")
    lines.append(
        f"  {'role':<8} {'weighed':>12} {'per capsule':>12}  {'lot':<12} {'expiry':<10}  name"
    )
    for ing in r.ingredients:
        expiry = ing.expiry.isoformat() if ing.expiry else "-"
        head_cols = f"  {ing.role:<8} {weighed(ing.weighed, bal.readability):>12} {q(ing.per_capsule, 4):>12}  "
        lines += hanging(head_cols + f"{ing.lot or '-':<12} {expiry:<10}  ", ing.name)
    least = weighed(bal.minimum_weight, bal.readability)
    lines += title(f"Weighings (each at least {least}, to {q(bal.readability)})")
    for w in r.weighings:
        lines += hanging(
            f"  {w.number:>2}. {weighed(w.amount, bal.readability):>12}   actual ________   ",
            w.what,
        )
    lines += title("Procedure")
    lines += numbered(r.process)
    lines += title("Quality control (record after compounding)")
    lines += field_lines(
        [
            (
                "Net window",
                (
                    f"{q(r.qc.low, 4)} to {q(r.qc.high, 4)} (target {q(r.qc.target, 4)}); "
                    f"weigh {r.qc.sample_size} capsules"
                ),
            ),
            (
                "Gross window",
                f"{q(r.gross_window.low, 4)} to {q(r.gross_window.high, 4)} with {q(r.shell_weight)} empty shells",
            ),
        ]
    )
    lines += [record_line(label) for label in RECORD_FIELDS]
    lines += bud_section(r.bud, container="tight, light-resistant container")
    lines += warnings_section(r.warnings)
    lines += defaults_section(r.defaults)
    lines += trace_section(r.trace)
    lines += ["", f"{r.schema}; ldncompound {r.library_version}"]
    return lines


RECORD_FIELDS = (
    "unit weights (mg)",
    "mean / RSD / range",
    "units made (yield)",
    "compounded by / verified by",
)


def bud_section(b: BeyondUseDate, *, container: str) -> list[str]:
    """The beyond-use date with its rule, limit, storage and reference."""
    day = "day 1" if b.day_count.value == "day-1" else "day 0"
    return [
        *title("Beyond-use date"),
        *field_lines(
            [
                (
                    "BUD",
                    (
                        f"{b.date.isoformat()} ({b.days} days from {b.compounded_on.isoformat()}; "
                        f"compounding day is {day})"
                    ),
                ),
                ("Rule", b.rule),
                ("Limited by", b.limited_by),
                ("Storage", f"{b.storage.described}; {container}"),
                ("Reference", b.reference),
            ]
        ),
    ]


def _supply(order: Any) -> str:
    per_day = order.doses_per_day
    times = "" if per_day is None else f"{plain(per_day)} dose{'' if per_day == 1 else 's'} a day"
    if order.days_supply is not None:
        return f"{order.days_supply} days at {times}"
    return f"{q(order.volume)} to dispense" + (f" ({times})" if times else "")


def _batch_fields(r: Any) -> list[tuple[str, str]]:
    b: LiquidBatch = r.batch
    source = r.order.source
    src = source.material_name
    if source.lot:
        src += f", lot {source.lot}"
    src += f", expires {source.expiry.isoformat()}"
    pairs = [
        (
            "Concentration",
            (
                f"{q(b.concentration)} {r.dose_basis_name}; {q(b.concentration_planned)} planned from the "
                f"measured amounts ({q(b.concentration_deviation, 2)})"
            ),
        ),
        ("Source", src),
        (
            "Vehicle",
            f"{b.vehicle.name}: {b.category_basis}"
            + ("; a suspension (shake well)" if b.suspension else "")
            + ("; shake well" if b.shake_well and not b.suspension else ""),
        ),
        (
            "Batch",
            (
                f"{q(b.dispense_volume)} to dispense + {q(b.overage)} overage = {q(b.batch_volume)}; made up "
                f"to {q(b.final_volume)} in the {b.final_device.described}"
            ),
        ),
    ]
    if b.tablets is not None and b.volume_per_tablet is not None:
        pairs.append(
            (
                "Tablets",
                f"{b.tablets} whole tablets; one tablet makes {q(b.volume_per_tablet)} at {q(b.concentration)}",
            )
        )
    if b.plan is not None and b.balance is not None:
        plan, bal = b.plan, b.balance
        how = f"weigh {weighed(plan.weighed, bal.readability)}"
        if (
            plan.aliquot is not None
            and plan.stock_volume is not None
            and plan.aliquot_device is not None
        ):
            how += (
                f", dissolve to {q(plan.stock_volume)}, take {q(plan.aliquot)} with the "
                f"{plan.aliquot_device.described} (liquid aliquot, {q(plan.material)} of powder)"
            )
        else:
            how += " and dissolve it (direct)"
        pairs.append(("Weighing", how))
        pairs.append(
            (
                "Balance",
                f"{bal.name}: minimum weight {q(bal.minimum_weight)}, readability {q(bal.readability)} ({bal.source})",
            )
        )
    pairs.append(
        (
            "Solubility",
            f"{q(b.solubility)} (checked)"
            if b.solubility is not None
            else "not known (not checked)",
        )
    )
    pairs.append(("Allergens", ", ".join(r.allergens) or "none identified"))
    return pairs


def _batch_sections(r: Any) -> list[str]:
    b: LiquidBatch = r.batch
    bal = b.balance
    lines = title("Ingredients")
    lines.append(f"  {'role':<12} {'amount':>12}  {'lot':<12} {'expiry':<10}  name")
    for ing in b.ingredients:
        expiry = ing.expiry.isoformat() if ing.expiry else "-"
        amount = (
            "-"
            if ing.amount is None
            else (
                weighed(ing.amount, bal.readability)
                if bal is not None and ing.role == "active"
                else q(ing.amount)
            )
        )
        lines += hanging(
            f"  {ing.role:<12} {amount:>12}  {ing.lot or '-':<12} {expiry:<10}  ",
            f"{ing.name} ({ing.note})",
        )
    lines += title("Measurements (weighings at least the balance minimum; volumes on a graduation)")
    for m in b.measurements:
        amount = (
            weighed(m.amount, bal.readability)
            if bal is not None and m.device == bal.name
            else q(m.amount)
        )
        lines += hanging(
            f"  {m.number:>2}. {amount:>12}   actual ________   ", f"{m.what} ({m.device})"
        )
    lines += title("Procedure")
    lines += numbered(b.process)
    return lines


def label_section(facts: LabelFacts) -> list[str]:
    """What the label needs (dosage form, strength, dose measure, storage, statements)."""
    strength = q(facts.strength) + (
        f" ({q(facts.strength_per_drop)})" if facts.strength_per_drop else ""
    )
    return [
        *title("Label facts"),
        *field_lines(
            [
                ("Product", f"{facts.drug} {strength} {facts.dosage_form}, {facts.route}"),
                ("One dose", facts.dose_measure),
                ("Quantity", q(facts.quantity)),
                ("Discard after", facts.beyond_use_date.isoformat()),
                ("Statements", " ".join(facts.auxiliary)),
                ("Allergens", ", ".join(facts.allergens) or "none identified"),
            ]
        ),
    ]


def _fills(f: FillPlan | None) -> list[str]:
    if f is None:
        return []
    return [
        *title("Fills (the days' supply is longer than the BUD)"),
        *field_lines(
            [
                (
                    "Fills",
                    (
                        f"{f.fills} fills of {f.days_per_fill} days ({q(f.volume_per_fill)} each) for "
                        f"{f.days_supply} days; compound each fill fresh"
                    ),
                )
            ]
        ),
    ]


def _tail(r: Any, container: str) -> list[str]:
    lines = label_section(r.label)
    lines += bud_section(r.bud, container=container)
    lines += _fills(r.fills)
    lines += warnings_section(r.warnings)
    lines += defaults_section(r.defaults)
    lines += trace_section(r.trace)
    lines += ["", f"{r.schema}; ldncompound {r.library_version}"]
    return lines


def _liquid(r: LiquidResult) -> list[str]:
    head = f"Compounding worksheet: {r.dose_basis_name} {q(r.concentration)} {r.label.dosage_form}"
    lines = [head, "=" * len(head)]
    lines += field_lines(
        [
            ("Order", f"{q(r.dose)} {r.dose_basis_name} a dose; {_supply(r.order)}"),
            ("Reference", r.order.reference or "not given"),
            (
                "Dose",
                (
                    f"{q(r.dose)} = {q(r.dose_volume)}; measured {q(r.dose_measured)} on the {r.syringe.described} "
                    f"({q(r.syringe_share, 3)} of it) delivers {q(r.dose_delivered)} ({q(r.dose_deviation, 2)})"
                ),
            ),
            *_batch_fields(r),
        ]
    )
    lines += _batch_sections(r)
    return lines + _tail(r, "tight, light-resistant (amber) bottle with an oral syringe")


def _drops(r: DropsResult) -> list[str]:
    head = f"Compounding worksheet: {r.dose_basis_name} {q(r.concentration)} sublingual drops"
    cal = r.dropper
    how = "NOMINAL, not calibrated" if cal.nominal else f"{cal.drops} drops into {q(cal.volume)}"
    lines = [head, "=" * len(head)]
    lines += field_lines(
        [
            ("Order", f"{q(r.dose)} {r.dose_basis_name} a dose; {_supply(r.order)}"),
            ("Reference", r.order.reference or "not given"),
            (
                "Dropper",
                f"{cal.dropper}: {q(r.drops_per_ml, 4)} ({how}); use only the dropper supplied",
            ),
            (
                "Dose",
                (
                    f"{r.drops_per_dose} drops of {q(r.per_drop)} deliver {q(r.dose_delivered)} "
                    f"({q(r.dose_deviation, 2)}); {q(r.dose_volume, 4)}; cap {r.max_drops} drops"
                ),
            ),
            (
                "Suggested",
                (
                    f"{q(r.suggested_concentration, 4)} makes the dose {r.suggested_drops} whole drops"
                    if r.suggested_concentration is not None
                    else "no concentration makes the dose whole drops within the cap"
                ),
            ),
            *_batch_fields(r),
        ]
    )
    lines += _batch_sections(r)
    return lines + _tail(
        r, "tight, light-resistant (amber) dropper bottle with its calibrated dropper"
    )


def _calibration(c: DropperCalibration) -> list[str]:
    head = "Dropper calibration"
    return [
        head,
        "=" * len(head),
        *field_lines(
            [
                ("Dropper", c.dropper),
                (
                    "Counted",
                    f"{c.drops} drops into {q(c.volume)}" + (" (nominal)" if c.nominal else ""),
                ),
                ("Result", f"{q(c.drops_per_ml, 4)}"),
                ("Label", c.label_text),
            ]
        ),
        "",
        f"{c.schema}; ldncompound {__version__}",
    ]


_RENDERERS["ldncompound/capsules/1"] = _capsules
_RENDERERS["ldncompound/liquid/1"] = _liquid
_RENDERERS["ldncompound/drops/1"] = _drops
_RENDERERS["ldncompound/dropper-calibration/1"] = _calibration
