"""The readable text worksheet: what a pharmacist prints and follows at the bench.

Weighings keep the balance's figures (a 0.1 mg balance prints ``120.0 mg``); other amounts
are shown to six significant figures, never rounded in the calculation itself. Sections are
shared by every preparation; each preparation's descriptor names the renderer of the lines
that are its own (a preparation without one gets :func:`_generic`), and the documents that are
not a preparation's result (a record, a verify report, a dropper calibration) are in
:data:`_RENDERERS`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from ._numbers import fixed, places_of, plain, significant
from ._preparation import by_result_schema
from ._trace import DefaultUsed, ResultWarning, Step
from ._units import Quantity, Unit
from ._vocabulary import on_hold
from ._vocabulary import planned_weighings as _planned

if TYPE_CHECKING:
    from ._bud import BeyondUseDate
    from ._liquid_batch import FillPlan, LiquidBatch
    from ._vocabulary import LabelFacts

# The preparations' and records' results are read by their attributes: their modules name the
# renderers here, so this module cannot import them (not even for types).
CapsuleResult: TypeAlias = Any
CalibrationResult: TypeAlias = Any
DropperCalibration: TypeAlias = Any
DropsResult: TypeAlias = Any
LiquidResult: TypeAlias = Any
TitrationResult: TypeAlias = Any
TrocheResult: TypeAlias = Any
CompoundingRecord: TypeAlias = Any
VerifyReport: TypeAlias = Any

WIDTH = 96
#: schema id -> renderer, for the documents that are not a preparation's result
_RENDERERS: dict[str, Callable[[Any], list[str]]] = {}


def render_worksheet(result: Any) -> str:
    """The text worksheet for any result the library produces (found by its schema id)."""
    schema = getattr(result, "schema", "")
    prep = by_result_schema(schema)  # a result's preparation is loaded: it made the result
    renderer = _RENDERERS.get(schema) if prep is None else (prep.worksheet or _generic)
    if renderer is None:
        raise TypeError(f"no worksheet for {type(result).__name__}")
    return "\n".join(renderer(result)) + "\n"


def _generic(r: Any) -> list[str]:
    """The worksheet of a preparation without a renderer of its own: its scalar fields, then
    the warnings, defaults and trace every result carries."""
    head = f"{type(r).__name__} ({r.schema})"
    lines = [head, "=" * len(head)]
    lines += field_lines(
        (a.name, q(v) if isinstance(v, Quantity) else str(v))
        for a in attrs.fields(type(r))
        if a.name not in {"schema", "warnings", "defaults", "trace"}
        and isinstance(v := getattr(r, a.name), (Quantity, str, int))
    )
    lines += warnings_section(getattr(r, "warnings", ()))
    lines += defaults_section(getattr(r, "defaults", ()))
    lines += trace_section(getattr(r, "trace", ()))
    return lines


def q(value: Quantity, digits: int = 6) -> str:
    """A quantity to ``digits`` significant figures for reading."""
    unit = value.unit.display
    text = significant(value.magnitude, digits)
    return f"{text} {unit}" if unit else text


def deviation(value: Quantity) -> str:
    """A planned-vs-prescribed deviation for reading: a percentage to two decimals, signed
    ("+0.19 %", "-2.78 %", "0.00 %" for less than 0.005 %), never a run of zeros."""
    text = fixed(value.m_as(Unit.PERCENT), 2)
    if text.lstrip("-") == "0.00":
        return "0.00 %"
    return f"{'' if text.startswith('-') else '+'}{text} %"


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


def warnings_section(warnings: Iterable[ResultWarning], heading: str = "Warnings") -> list[str]:
    items = list(warnings)
    if not items:
        return [*title(heading), "  none"]
    out = title(heading)
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
    capacity = r.method.value == "capacity"
    method = "fill to capacity" if capacity else "fixed fill weight (q.s.)"
    others = r.additional_actives
    actives = "".join(f" + {a.dose_basis_name} {q(a.dose)}" for a in others)
    head = f"LDN compounding worksheet: {r.dose_basis_name} {q(r.dose)}{actives} capsules"
    src = _source_text(source, r.tablets_to_crush) + "".join(
        f"; {_source_text(active.source, a.tablets_to_crush)}"
        for a, active in zip(others, order.additional_actives, strict=True)
    )
    material = r.active_per_capsule
    if others:
        material = Quantity(
            r.fill_weight.m_as(Unit.MG) - r.filler_per_capsule.m_as(Unit.MG), Unit.MG
        )
    dose = (
        f"{q(r.dose)} prescribed; {q(r.dose_planned)} planned from the rounded weighings "
        f"({deviation(r.dose_deviation)})"
    )
    if others:
        dose = f"{r.dose_basis_name}: {dose}" + "".join(
            f"; {a.dose_basis_name}: {q(a.dose)} prescribed; {q(a.dose_planned)} planned "
            f"({deviation(a.dose_deviation)}), {q(a.volume_share, 3)} of the capsule"
            for a in others
        )
    mix = significant(r.mix_for.magnitude, 4)
    lines = [head, "=" * len(head)]
    lines += field_lines(
        [
            (
                "Order",
                f"{r.count} capsules of {q(r.dose)} {r.dose_basis_name} (dose basis: {r.dose_basis_name})"
                + "".join(f" + {q(a.dose)} {a.dose_basis_name}" for a in others),
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
                    f"{q(r.fill_weight, 4)} net per capsule ({q(material, 4)} drug material + "
                    f"{q(r.filler_per_capsule, 4)} filler); fill {q(r.fill_fraction, 4)} of the capsule"
                ),
            ),
            ("Dose", dose),
            *_materials(r, src),
        ]
    )
    lines += _ingredients_table(r, "per capsule", 12, lambda ing: q(ing.per_capsule, 4))
    lines += _weighings_and_procedure(r)
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
    return lines + _closing(r)


def _materials(r: Any, src: str) -> list[tuple[str, str]]:
    """The Source, Balance and Allergens fields of a solid preparation's worksheet."""
    bal = r.balance
    return [
        ("Source", src),
        (
            "Balance",
            f"{bal.name}: minimum weight {q(bal.minimum_weight)}, readability {q(bal.readability)} ({bal.source})",
        ),
        ("Allergens", ", ".join(r.allergens) or "none identified"),
    ]


def _ingredients_table(r: Any, per: str, width: int, per_unit: Callable[[Any], str]) -> list[str]:
    """A solid preparation's Ingredients: role, amount weighed, amount per unit (headed
    ``per``, ``width`` wide), lot, expiry and name."""
    readability = r.balance.readability
    lines = title("Ingredients")
    lines.append(f"  {'role':<8} {'weighed':>12} {per:>{width}}  {'lot':<12} {'expiry':<10}  name")
    for ing in r.ingredients:
        expiry = ing.expiry.isoformat() if ing.expiry else "-"
        cols = (
            f"  {ing.role:<8} {weighed(ing.weighed, readability):>12} "
            f"{per_unit(ing):>{width}}  {ing.lot or '-':<12} {expiry:<10}  "
        )
        lines += hanging(cols, ing.name)
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
    src = _source_text(source, None)
    pairs = [
        (
            "Concentration",
            (
                f"{q(b.concentration)} {r.dose_basis_name}; {q(b.concentration_planned)} planned from the "
                f"measured amounts ({deviation(b.concentration_deviation)})"
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
    first = f.schedule[0]
    return [
        *title("Fills (the days' supply is longer than the BUD)"),
        *field_lines(
            [
                (
                    "This batch",
                    (
                        f"fill 1 of {f.fills}: days {first.first_day}-{first.last_day} of "
                        f"{f.days_supply}, {q(first.volume)}, labelled for those days only"
                    ),
                ),
                *(
                    (
                        f"Fill {n.number}",
                        (
                            f"days {n.first_day}-{n.last_day}, compound on "
                            f"{n.compounded_on.isoformat()}, {q(n.volume)}; fresh, with its own BUD"
                        ),
                    )
                    for n in f.schedule[1:]
                ),
            ]
        ),
    ]


def _tail(r: Any, container: str) -> list[str]:
    lines = label_section(r.label)
    lines += bud_section(r.bud, container=container)
    lines += _fills(r.fills)
    return lines + _closing(r)


def _source_text(source: Any, tablets_to_crush: int | None) -> str:
    """A drug source as the worksheet names it: material, lot, expiry, tablets to crush."""
    src: str = source.material_name
    if source.lot:
        src += f", lot {source.lot}"
    src += f", expires {source.expiry.isoformat()}"
    if tablets_to_crush is not None:
        src += f"; crush {tablets_to_crush} tablets"
    return src


def _weighings_and_procedure(r: Any) -> list[str]:
    """A solid preparation's weighings, its procedure and the heading of its quality control."""
    bal = r.balance
    least = weighed(bal.minimum_weight, bal.readability)
    lines = title(f"Weighings (each at least {least}, to {q(bal.readability)})")
    for w in r.weighings:
        lines += hanging(
            f"  {w.number:>2}. {weighed(w.amount, bal.readability):>12}   actual ________   ",
            w.what,
        )
    lines += title("Procedure")
    lines += numbered(r.process)
    lines += title("Quality control (record after compounding)")
    return lines


def _closing(r: Any) -> list[str]:
    """The warnings, the defaults used, the calculation trace and the schema line."""
    lines = warnings_section(r.warnings)
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
                    f"{q(r.dose)} = {q(r.dose_volume)}, a graduation of the {r.syringe.described} "
                    f"({q(r.syringe_share, 3)} of it): the prescribed dose, measured exactly"
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
                    f"{q(r.dose)} = {r.drops_per_dose} whole drops of {q(r.per_drop, 4)}: the "
                    f"prescribed dose; {q(r.dose_volume, 4)}; cap {r.max_drops} drops"
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


def _calibration(r: CalibrationResult | DropperCalibration) -> list[str]:
    if not hasattr(r, "calibration"):  # a bare calibration: its result document
        r = r.as_result()
    c = r.calibration
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
                ("Result", f"{q(r.drops_per_ml, 4)} ({q(r.volume_per_drop, 4)} a drop)"),
                ("Label", r.label_text),
            ]
        ),
        *(warnings_section(r.warnings) if r.warnings else []),
        "",
        f"{r.schema}; ldncompound {r.library_version}",
    ]


def _titration(r: TitrationResult) -> list[str]:
    head = f"LDN titration kit: {r.order.form.value}, {len(r.schedule)} days from {r.order.start.isoformat()}"
    lines = [head, "=" * len(head)]
    lines += title("Steps")
    for p in r.steps:
        kind = " (maintenance)" if p.maintenance else ""
        lines.append(
            f"  {p.number:>2}. {q(p.dose):>8} a dose  days {p.first_day}-{p.last_day}  "
            f"{p.start.isoformat()} to {p.end.isoformat()}{kind}"
        )
    lines += _kit_dispensing(r)
    lines += warnings_section(r.warnings)
    lines += defaults_section(r.defaults)
    lines += trace_section(r.trace)
    for b in r.capsule_batches:
        lines += ["", ""]
        lines += _capsules(b)
    for made in (*r.liquid_fills, *r.drops_fills):
        lines += ["", ""]
        lines += render_worksheet(made).splitlines()
    lines += ["", f"{r.schema}; ldncompound {r.library_version}"]
    return lines


def _kit_dispensing(r: TitrationResult) -> list[str]:
    """A kit's containers, directions, fills and capsule batches (those it has)."""
    lines: list[str] = []
    if r.containers:
        lines += title("Containers (one labelled container per step)")
        for c in r.containers:
            lines += hanging(
                f"  {c.step:>2}. ",
                f"{c.label}: {c.units} x {q(c.strength)} capsules. {c.directions}",
            )
    if r.directions:
        conc = f" at {q(r.concentration)}" if r.concentration is not None else ""
        lines += title(f"Directions by step{conc}")
        for d in r.directions:
            lines += hanging("  - ", d.text)
    if r.fills:
        lines += _kit_fills(r)
    if r.capsule_batches:
        lines += title("Batches (each strength its own batch and compounding record)")
        for b in r.capsule_batches:
            lines.append(
                f"  {q(b.dose):>8} capsules: dispense {b.count}, make {b.batch_count}, "
                f"compounded {b.bud.compounded_on.isoformat()}, BUD {b.bud.date.isoformat()}"
            )
    return lines


def _kit_fills(r: TitrationResult) -> list[str]:
    lines = title("Fills (the first made on the compounding date, the others on their first day)")
    fills: tuple[Any, ...] = r.liquid_fills or r.drops_fills
    for f, made in zip(r.fills, fills, strict=True):
        lines.append(
            f"  {f.number:>2}. days {f.first_day}-{f.last_day} ({f.start.isoformat()} to {f.end.isoformat()}): "
            f"{q(f.volume)} needed, {q(made.batch.final_volume)} made "
            f"{made.bud.compounded_on.isoformat()}, BUD {made.bud.date.isoformat()}"
        )
    return lines


def _record(r: CompoundingRecord) -> list[str]:
    m = r.master
    res = r.result
    head = f"Compounding record {r.record_id}: {m.name}"
    lines = [head, "=" * len(head)]
    for w in r.warnings:
        if w.code == "do-not-release":
            lines += hanging("", w.message)
    held = on_hold(r.warnings)
    if held:
        lines += hanging("", f"NOT READY FOR RELEASE: {' '.join(held)}")
    lot = [("Lot (labels)", r.lot)] if r.lot is not None else []
    lines += field_lines(
        [
            *lot,
            ("Compounded", f"{r.compounded_on.isoformat()} by {r.compounded_by}"),
            ("Verified by", r.verified_by or "NOT VERIFIED"),
            ("Batch", m.batch_size),
            ("Container", m.container),
            ("Description", m.description),
            ("BUD", f"{res.bud.date.isoformat()}; {m.bud}; {m.storage}"),
            ("BUD reference", m.bud_reference),
        ]
    )
    lines += title("Master formulation record: ingredients")
    lines += [f"  - {i}" for i in m.ingredients]
    lines += _record_components(res)
    lines += _record_weighings(r)
    lines += _record_quality(r)
    lines += title("Deviations")
    deviations = [f"  - {d}" for d in r.deviations]
    deviations += [
        f"  - weighing {c.number} ({c.what}): {q(c.actual)} for {q(c.planned)} planned "
        f"({_signed(c.deviation)}), OUT OF TOLERANCE"
        for c in r.actual_weighings
        if not c.within_tolerance
    ]
    lines += deviations or ["  none recorded"]
    if r.acknowledged:
        lines += title("Acknowledged")
        for a in r.acknowledged:
            lines += hanging(f"  - [{a.code}] ", a.reason)
    lines += title("Table values used")
    lines += [
        f"  {t.key} = {q(t.value) if isinstance(t.value, Quantity) else t.value}"
        for t in r.table_values
    ]
    lines += [
        t.replace("Warnings", "Warnings of the record", 1) for t in warnings_section(r.warnings)
    ]
    lines += [
        t.replace("Warnings", "Warnings of the calculation", 1)
        for t in warnings_section(res.warnings)
    ]
    lines += defaults_section((*res.defaults, *r.defaults))
    lines += trace_section(m.calculations)
    lines += ["", f"{r.schema}; ldncompound {r.library_version}"]
    return lines


def _record_components(res: Any) -> list[str]:
    """The lots and expiries of the components a record's result used."""
    lines = title("Components used: lots and expiries")
    ingredients = getattr(res, "ingredients", None)
    if ingredients is None:
        ingredients = res.batch.ingredients
    for ing in ingredients:
        expiry = ing.expiry.isoformat() if ing.expiry else "not recorded"
        lines += hanging(
            f"  {ing.role:<12} lot {ing.lot or 'not recorded':<14} expires {expiry:<12}  ",
            ing.name,
        )
    return lines


def _record_weighings(r: CompoundingRecord) -> list[str]:
    """Each planned weighing beside the actual one recorded (and its deviation)."""
    lines = title("Weighings: planned and actual")
    tolerance = f"+/-{q(r.weighing_tolerance)}"
    policy = next(t.value for t in r.table_values if t.key == "record.weighing_tolerance")
    if r.weighing_tolerance > policy:
        tolerance += (
            f" for a filler, diluent or base; +/-{q(policy)} for every weighing that sets the dose"
        )
    lines.append(f"  tolerance {tolerance}")
    actual = {c.number: c for c in r.actual_weighings}
    for n, w in _planned(r.result).items():
        c = actual.get(n)
        got = (
            "not recorded"
            if c is None
            else f"{q(c.actual)} ({_signed(c.deviation)}{'' if c.within_tolerance else ', OUT OF TOLERANCE'})"
        )
        lines += hanging(f"  {n:>2}. {q(w.amount):>12}  actual {got}  ", w.what)
    return lines


def _signed(deviation: Quantity) -> str:
    """A deviation with its sign: "+900 %", "-0.667 %" ("900 %" reads as 900 % of plan)."""
    shown = q(deviation, 3)
    return f"+{shown}" if deviation.magnitude > 0 else shown


def _weights_verdict(r: CompoundingRecord) -> str:
    """The weight check's outcome; weights inside the window do not pass a batch whose
    weighings are out of tolerance (the weight of a unit does not show its content)."""
    wc = r.weight_check
    if wc is not None and not wc.passed:
        return f"outside: units {wc.outside}, NOT PASSED"
    out = [str(c.number) for c in r.actual_weighings if not c.within_tolerance]
    if out:
        return (
            "unit weights inside the window, but the weight of a unit does not show its "
            f"content: weighing {', '.join(out)} OUT OF TOLERANCE, NOT PASSED"
        )
    return "all within the window"


def _record_quality(r: CompoundingRecord) -> list[str]:
    """The master record's quality control, the weight check and the yield recorded."""
    lines = title("Quality control")
    lines += [f"  - {t}" for t in r.master.quality_control]
    if r.weight_check is not None:
        wc = r.weight_check
        lines.append(
            f"  weights: n = {wc.count}, mean {q(wc.mean, 5)}, SD {q(wc.standard_deviation, 3)}, "
            f"RSD {q(wc.rsd, 3)}, range {q(wc.minimum, 5)}-{q(wc.maximum, 5)}; "
            f"{_weights_verdict(r)}"
        )
    made = "not recorded" if r.yield_units is None else str(r.yield_units)
    if r.yield_percent is not None:
        made += f" ({q(r.yield_percent, 4)} of the batch)"
    lines.append(f"  yield: {made}")
    return lines


def _troches(r: TrocheResult) -> list[str]:
    order = r.order
    source = order.source
    mold = order.mold
    head = f"LDN compounding worksheet: {r.dose_basis_name} {q(r.dose)} {r.dosage_form.plural}"
    src = _source_text(source, r.tablets_to_crush)
    calibration = _mold_text(mold, r.blank_weight)
    mix = significant(r.mix_for, 4)
    lines = [head, "=" * len(head)]
    lines += field_lines(
        [
            (
                "Order",
                (
                    f"{r.count} {r.dosage_form.plural} of {q(r.dose)} {r.dose_basis_name} "
                    f"(dose basis: {r.dose_basis_name}), {r.route.value}"
                ),
            ),
            ("Reference", order.reference or "not given"),
            ("Mold", calibration),
            (
                "Batch",
                (
                    f"{r.batch_count} units ({r.count} + {q(r.overage)} overage); melt made for {mix} "
                    "units, surplus discarded"
                ),
            ),
            (
                "Unit",
                (
                    f"{q(r.unit_weight, 5)} ({q(r.base_per_unit, 5)} base + "
                    f"{q(r.unit_weight - r.base_per_unit, 4)} other ingredients, "
                    f"{q(r.non_base_share, 3)} of the unit)"
                ),
            ),
            (
                "Dose",
                (
                    f"{q(r.dose)} prescribed; {q(r.dose_planned)} planned from the rounded weighings "
                    f"({deviation(r.dose_deviation)})"
                ),
            ),
            *_materials(r, src),
        ]
    )
    lines += _ingredients_table(r, "per unit", 10, lambda ing: q(ing.per_unit, 5))
    lines += title("Displacement of the base (per unit: m / DV)")
    for ing in r.ingredients:
        if ing.density_factor is None or ing.base_displaced is None:
            continue
        lines += hanging(
            f"  {q(ing.base_displaced, 5):>10}  ",
            f"by {q(ing.per_unit, 5)} of {ing.name}: DV {significant(ing.density_factor, 4)}, "
            f"{ing.displacement}",
        )
    lines += hanging(
        f"  {q(r.blank_weight - r.base_per_unit, 5):>10}  ",
        f"in all: base per unit = blank {q(r.blank_weight)} - "
        f"{q(r.blank_weight - r.base_per_unit, 5)} = {q(r.base_per_unit, 6)}",
    )
    lines += _weighings_and_procedure(r)
    lines += field_lines(
        [
            (
                "Unit window",
                (
                    f"{q(r.qc.low, 4)} to {q(r.qc.high, 4)} (target {q(r.qc.target, 4)}); "
                    f"weigh {r.qc.sample_size} units"
                ),
            ),
        ]
    )
    lines += [record_line(label) for label in r.qc_record]
    lines += title("Label facts")
    lines += field_lines(
        [
            ("Dosage form", f"{r.dosage_form_name}, {r.route.value}"),
            ("Strength", f"{q(r.dose)} {r.dose_basis_name} per {r.dosage_form_name}"),
            ("Quantity", f"{r.count} {r.dosage_form.plural}"),
            ("Storage", r.bud.storage.described),
        ]
    )
    lines += bud_section(r.bud, container="tight, light-resistant container")
    return lines + _closing(r)


def _mold_text(mold: Any, blank_weight: Quantity) -> str:
    """The troche mold's calibration: the blank weight per cavity and where it comes from."""
    calibration = f"blank {q(blank_weight)} per cavity"
    if mold.estimate is not None:
        calibration += " (TYPICAL FIGURE, NOT A CALIBRATION)"
    elif mold.blanks_weighed is not None:
        calibration += f", average of {mold.blanks_weighed} blanks"
    if mold.mold:
        calibration = f"{mold.mold}: {calibration}"
    if mold.base_lot:
        calibration += f", base lot {mold.base_lot}"
    return calibration


def _verify(r: VerifyReport) -> list[str]:
    outcome = f"{len(r.differences)} difference(s)" if r.differences else "no differences"
    if r.on_hold:
        outcome += "; NOT READY FOR RELEASE"
    head = f"Verification of record {r.record_id}: {outcome}"
    lines = [head, "=" * len(head)]
    if r.on_hold:
        lines += title("Not recorded yet (release only once it is)")
        for h in r.on_hold:
            lines += hanging("  - ", h)
    if r.differences:
        lines += title("Differences")
        for d in r.differences:
            lines += hanging(
                "  - ", f"{d.field}: recorded {d.recorded}; found {d.found} ({d.reason})"
            )
    if r.acknowledged:
        lines += title("Acknowledged deviations from the policy")
        for a in r.acknowledged:
            lines += hanging("  - ", a)
    lines += title("Checked")
    lines += [f"  - {c}" for c in r.checked]
    lines += title("Cannot be checked from the record")
    lines += [f"  - {c}" for c in r.cannot_check]
    return lines


_RENDERERS["ldncompound/record/1"] = _record
_RENDERERS["ldncompound/verify-report/1"] = _verify
_RENDERERS["ldncompound/dropper-calibration/1"] = _calibration
