"""Master formulation records, compounding records, and their independent verification.

A :class:`CompoundingRecord` holds the whole result (which holds the order it was computed
from), the master formulation record derived from it, who compounded and who verified, what
was actually weighed, the QC weights and yield, deviations, the library version, and every
table value the calculation used. :func:`verify_record` recomputes the result from the
stored order and reports every difference by field, checks actual weights against their
tolerances, checks stored table values against the library's, and says what it cannot check.
Contents follow USP <795> (2023) as summarised in domain.md §2.2-2.3.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import attrs

from ._errors import InputError, LdnCompoundError, printable
from ._numbers import CONTEXT, HUNDRED, plain, private_context
from ._plausible import without_dated_warnings
from ._qc import WeightCheck, WeightWindow, check_weights
from ._trace import ResultWarning, Step
from ._units import Dimension, Quantity, Unit
from ._version import __version__

__all__ = [
    "RECORD_SCHEMA",
    "VERIFY_SCHEMA",
    "ActualWeighing",
    "CompoundingRecord",
    "Difference",
    "MasterFormulationRecord",
    "TableValue",
    "VerifyReport",
    "WeighingCheck",
    "make_record",
    "verify_record",
]

RECORD_SCHEMA = "ldncompound/record/1"
VERIFY_SCHEMA = "ldncompound/verify-report/1"
WEIGHING_TOLERANCE = Quantity(Decimal(5), Unit.PERCENT)
WEIGHING_TOLERANCE_SOURCE = (
    "compendial tolerance of +/-5 % for most formulas (pharmlabs.unc.edu; domain.md §5.2) [V]"
)

CANNOT_CHECK = (
    "the identity, quality and purity of each component (only an assay can show them)",
    "that the lot numbers and expiry dates recorded are those of the containers used",
    "that the recorded weights were really weighed, and on the balance named",
    "the homogeneity of the mix (weight variation does not prove content uniformity)",
    "the container, closure and the label actually applied",
)


@attrs.frozen(kw_only=True)
class TableValue:
    """A value read from one of the library's tables, with its key and source."""

    key: str
    value: Quantity | str
    source: str


@attrs.frozen(kw_only=True)
class MasterFormulationRecord:
    """The master formulation record (USP <795> 2023, domain.md §2.2)."""

    name: str
    strength: Quantity
    dosage_form: str
    batch_size: str
    ingredients: tuple[str, ...]
    container: str
    instructions: tuple[str, ...]
    description: str
    bud: str
    storage: str
    bud_reference: str
    labeling: tuple[str, ...]
    quality_control: tuple[str, ...]
    calculations: tuple[Step, ...]


@attrs.frozen(kw_only=True)
class ActualWeighing:
    """What was actually weighed for planned weighing ``number`` (1-based)."""

    number: int
    amount: Quantity


@attrs.frozen(kw_only=True)
class WeighingCheck:
    """A planned weighing compared with what was weighed."""

    number: int
    what: str
    planned: Quantity
    actual: Quantity
    deviation: Quantity
    within_tolerance: bool


@attrs.frozen(kw_only=True)
class CompoundingRecord:
    """The compounding record of one batch (USP <795> 2023, domain.md §2.3)."""

    schema: str
    library_version: str
    record_id: str
    compounded_on: dt.date
    compounded_by: str
    verified_by: str | None
    master: MasterFormulationRecord
    result: Any
    weighing_tolerance: Quantity
    actual_weighings: tuple[WeighingCheck, ...]
    unit_weights: tuple[Quantity, ...]
    weight_check: WeightCheck | None
    yield_units: int | None
    deviations: tuple[str, ...]
    table_values: tuple[TableValue, ...]
    warnings: tuple[ResultWarning, ...]


@attrs.frozen(kw_only=True)
class Difference:
    """One difference found by verification: the field, what the record says, what was found."""

    field: str = attrs.field(converter=printable)
    recorded: str = attrs.field(converter=printable)
    found: str = attrs.field(converter=printable)
    reason: str


@attrs.frozen(kw_only=True)
class VerifyReport:
    """The outcome of :func:`verify_record`. Text read from the record (its id, recorded
    values, field names) is kept printable: a control character shows as its escape."""

    schema: str
    record_id: str = attrs.field(converter=printable)
    ok: bool
    differences: tuple[Difference, ...]
    checked: tuple[str, ...]
    cannot_check: tuple[str, ...]


# --- per-preparation adapters -------------------------------------------------------------------

#: schema id -> (formulate function, table-value collector, master-record builder)
_ADAPTERS: dict[
    str,
    tuple[
        Callable[..., Any],
        Callable[[Any], tuple[TableValue, ...]],
        Callable[..., MasterFormulationRecord],
    ],
] = {}


def register_record_adapter(
    schema: str,
    formulate: Callable[..., Any],
    tables: Callable[[Any], tuple[TableValue, ...]],
    master: Callable[..., MasterFormulationRecord],
) -> None:
    """Register how records are made and verified for one preparation's results."""
    _ADAPTERS[schema] = (formulate, tables, master)


def _adapter(
    schema: str,
) -> tuple[
    Callable[..., Any],
    Callable[[Any], tuple[TableValue, ...]],
    Callable[..., MasterFormulationRecord],
]:
    found = _ADAPTERS.get(schema) if isinstance(schema, str) else None
    if found is None:
        known = ", ".join(sorted(_ADAPTERS))
        raise InputError.about(
            "result.schema",
            schema,
            "has no record support",
            f"one of {known}",
            code="unknown-schema",
        )
    return found


def table_values(result: Any) -> tuple[TableValue, ...]:
    """Every table value a result's calculation used: the drug's molar masses, the BUD
    category's days, every value the library supplied (its defaults), and the
    preparation's own table values (e.g. the capsule size's volume)."""
    drug = result.order.source.drug
    out = [
        TableValue(
            key=f"drug.{drug.name}.{f.key}.molar_mass",
            value=Quantity(f.molar_mass, Unit.G_PER_MOL),
            source=f.source,
        )
        for f in drug.forms
    ]
    out.append(
        TableValue(
            key=f"bud.{result.bud.category.value}.days",
            value=Quantity(result.bud.category_days, Unit.DAY),
            source=result.bud.reference,
        )
    )
    out += [
        TableValue(key=f"default.{d.field}", value=d.value, source=d.source)
        for d in result.defaults
    ]
    _formulate, extra, _master = _adapter(result.schema)
    out += extra(result)
    return tuple(out)


def _capsule_tables(r: Any) -> tuple[TableValue, ...]:
    from ._capsule_data import SIZE_SOURCE, capsule_size  # noqa: PLC0415
    from ._capsules import WINDOW_PERCENT, WINDOW_SOURCE  # noqa: PLC0415

    size = capsule_size(r.size)
    return (
        TableValue(key=f"capsule_size.{size.code}.volume", value=size.volume, source=SIZE_SOURCE),
        TableValue(
            key="capsules.weight_window",
            value=Quantity(WINDOW_PERCENT, Unit.PERCENT),
            source=WINDOW_SOURCE,
        ),
    )


def _capsule_master(r: Any, *, container: str, description: str) -> MasterFormulationRecord:
    from ._labels import _aux, _capsule_facts  # noqa: PLC0415

    ingredients = tuple(
        f"{i.role}: {i.name} ({plain(i.per_capsule.magnitude)} {i.per_capsule.unit.display} per capsule"
        + (f"; salt form {r.dose_basis_name}" if i.role == "active" else "")
        + ")"
        for i in r.ingredients
    )
    return MasterFormulationRecord(
        name=f"{r.dose_basis_name} {plain(r.dose.magnitude)} {r.dose.unit.display} capsules",
        strength=r.dose,
        dosage_form=f"hard capsule, size {r.size}",
        batch_size=f"{r.batch_count} capsules ({r.count} dispensed)",
        ingredients=ingredients,
        container=container,
        instructions=r.process,
        description=description,
        bud=f"{r.bud.category_days} days ({r.bud.category.value})",
        storage=r.bud.storage.described,
        bud_reference=r.bud.reference,
        labeling=tuple(w.text for w in _aux(_capsule_facts(r))),
        quality_control=(
            (
                f"weigh {r.qc.sample_size} capsules; each net fill "
                f"{plain(r.qc.low.magnitude)}-{plain(r.qc.high.magnitude)} mg"
            ),
            "visual inspection: capsules closed, uniform, no powder on the outside",
        ),
        calculations=r.trace,
    )


def _troche_master(r: Any, *, container: str, description: str) -> MasterFormulationRecord:
    from ._labels import _aux, _troche_facts  # noqa: PLC0415

    unit = r.dosage_form.described
    ingredients = tuple(
        f"{i.role}: {i.name} ({plain(i.per_unit.magnitude)} {i.per_unit.unit.display} per {unit}"
        + (f"; salt form {r.dose_basis_name}" if i.role == "active" else "")
        + (f"; displacement {i.displacement}" if i.role != "base" else "")
        + ")"
        for i in r.ingredients
    )
    return MasterFormulationRecord(
        name=f"{r.dose_basis_name} {plain(r.dose.magnitude)} {r.dose.unit.display} {r.dosage_form.plural}",
        strength=r.dose,
        dosage_form=f"molded {unit}, {r.route.value}",
        batch_size=f"{r.batch_count} units ({r.count} dispensed)",
        ingredients=ingredients,
        container=container,
        instructions=r.process,
        description=description,
        bud=f"{r.bud.category_days} days ({r.bud.category.value})",
        storage=r.bud.storage.described,
        bud_reference=r.bud.reference,
        labeling=tuple(w.text for w in _aux(_troche_facts(r))),
        quality_control=(
            f"weigh {r.qc.sample_size} units; each {plain(r.qc.low.magnitude)}-{plain(r.qc.high.magnitude)} mg",
            "visual inspection: units whole, uniform, no air pockets",
        ),
        calculations=r.trace,
    )


def _liquid_master(r: Any, *, container: str, description: str) -> MasterFormulationRecord:
    from ._labels import _aux, _drops_facts, _liquid_facts  # noqa: PLC0415

    b = r.batch
    facts = _drops_facts(r) if r.schema == "ldncompound/drops/1" else _liquid_facts(r)
    ingredients = tuple(
        f"{i.role}: {i.name} ("
        + (
            f"{plain(i.amount.magnitude)} {i.amount.unit.display} in the batch"
            if i.amount is not None
            else "q.s."
        )
        + (f"; salt form {r.dose_basis_name}" if i.role == "active" else "")
        + (f"; {i.note}" if i.note else "")
        + ")"
        for i in b.ingredients
    )
    return MasterFormulationRecord(
        name=f"{r.dose_basis_name} {r.concentration} {r.label.dosage_form}",
        strength=r.concentration,
        dosage_form=r.label.dosage_form,
        batch_size=f"{plain(b.final_volume.magnitude)} mL made ({plain(b.dispense_volume.magnitude)} mL dispensed)",
        ingredients=ingredients,
        container=container,
        instructions=b.process,
        description=description,
        bud=f"{r.bud.category_days} days ({r.bud.category.value})",
        storage=r.bud.storage.described,
        bud_reference=r.bud.reference,
        labeling=tuple(w.text for w in _aux(facts)),
        quality_control=(
            "final volume checked in the stated device",
            "visual inspection: "
            + (
                "uniform suspension after shaking"
                if b.suspension
                else "clear solution, no particles"
            ),
        ),
        calculations=r.trace,
    )


def _no_tables(_r: Any) -> tuple[TableValue, ...]:
    return ()


def _register_capsules() -> None:
    from ._capsules import formulate_capsules  # noqa: PLC0415
    from ._drops import formulate_drops  # noqa: PLC0415
    from ._liquids import formulate_liquid  # noqa: PLC0415
    from ._troches import formulate_troches  # noqa: PLC0415

    register_record_adapter("ldncompound/liquid/1", formulate_liquid, _no_tables, _liquid_master)
    register_record_adapter("ldncompound/drops/1", formulate_drops, _no_tables, _liquid_master)

    register_record_adapter(
        "ldncompound/capsules/1", formulate_capsules, _capsule_tables, _capsule_master
    )
    # the troche tables (base, mold estimate, window, overage) reach the result as defaults
    register_record_adapter("ldncompound/troches/1", formulate_troches, _no_tables, _troche_master)


# --- making a record --------------------------------------------------------------------------------


def _check_text(field: str, value: object, *, required: bool) -> None:
    from ._labels import check_caller_text  # noqa: PLC0415

    check_caller_text(field, value, required=required)


@private_context
def make_record(
    result: Any,
    *,
    record_id: str,
    compounded_by: str,
    verified_by: str | None = None,
    actual_weighings: tuple[ActualWeighing, ...] = (),
    unit_weights: tuple[Quantity, ...] = (),
    yield_units: int | None = None,
    deviations: tuple[str, ...] = (),
    container: str = "tight, light-resistant container",
    description: str | None = None,
    weighing_tolerance: Quantity | None = None,
) -> CompoundingRecord:
    """The compounding record of ``result`` with what happened at the bench.

    Refuses weighings that do not match a planned weighing, non-mass weights and control
    characters in caller text; warns about weighings outside tolerance, QC failures, low yield
    and a missing verifier.
    """
    _formulate, _tables, master = _adapter(result.schema)
    for field, value, required in (
        ("record_id", record_id, True),
        ("compounded_by", compounded_by, True),
        ("verified_by", verified_by, False),
        ("container", container, True),
        ("description", description, False),
    ):
        _check_text(field, value, required=required)
    for i, d in enumerate(deviations, start=1):
        _check_text(f"deviations[{i}]", d, required=True)
    tolerance = weighing_tolerance or WEIGHING_TOLERANCE
    tolerance.require(Dimension.FRACTION, "weighing_tolerance")
    warnings: list[ResultWarning] = []
    planned = _planned(result)
    checks: list[WeighingCheck] = []
    seen: set[int] = set()
    for a in actual_weighings:
        if a.number not in planned:
            raise InputError.about(
                "actual_weighings",
                a.number,
                "is not a planned weighing number",
                f"1 to {len(planned)}",
            )
        if a.number in seen:
            raise InputError.about(
                "actual_weighings", a.number, "is given twice", "one actual weight per weighing"
            )
        seen.add(a.number)
        a.amount.require(planned[a.number].amount.dimension, f"actual_weighings[{a.number}]")
        checks.append(_weighing_check(planned[a.number], a.amount, tolerance))
    warnings.extend(
        ResultWarning(
            code="weighing-outside-tolerance",
            message=(
                f"Weighing {c.number} ({c.what}) was {c.actual} against {c.planned} planned "
                f"({_pct(c.deviation)} %), outside +/-{tolerance}."
            ),
            field=f"actual_weighings[{c.number}]",
        )
        for c in checks
        if not c.within_tolerance
    )
    missing = sorted(set(planned) - seen)
    if actual_weighings and missing:
        warnings.append(
            ResultWarning(
                code="weighing-not-recorded",
                message=f"No actual weight recorded for weighing(s) {', '.join(map(str, missing))}.",
                field="actual_weighings",
            )
        )
    weight_check = None
    window = _window(result)
    if unit_weights and window is None:
        raise InputError.about(
            "unit_weights",
            len(unit_weights),
            "were given for a preparation without unit weights",
            "none for a liquid",
        )
    if unit_weights and window is not None:
        weight_check = check_weights(window, unit_weights, field="unit_weights")
        if not weight_check.passed:
            warnings.append(
                ResultWarning(
                    code="unit-weight-outside-window",
                    message=(
                        f"Units {', '.join(map(str, weight_check.outside))} are outside "
                        f"{window.low}-{window.high}."
                    ),
                    field="unit_weights",
                )
            )
    batch = getattr(result, "batch_count", None)
    if yield_units is not None and batch is None:
        raise InputError.about(
            "yield_units", yield_units, "is a number of units", "no unit count for a liquid"
        )
    if yield_units is not None:
        if yield_units < 0:
            raise InputError.about(
                "yield_units", yield_units, "is negative", "the number of units made"
            )
        dispensed = getattr(result, "count", None)
        if dispensed is not None and yield_units < dispensed:
            warnings.append(
                ResultWarning(
                    code="yield-below-dispensed",
                    message=f"Only {yield_units} units were made, fewer than the {dispensed} to dispense.",
                    field="yield_units",
                )
            )
        elif batch is not None and yield_units > batch:
            warnings.append(
                ResultWarning(
                    code="yield-above-batch",
                    message=f"{yield_units} units were recorded, more than the {batch} planned.",
                    field="yield_units",
                )
            )
    if verified_by is None:
        warnings.append(
            ResultWarning(
                code="not-verified",
                message="No verifier is recorded; the record must be reviewed before release.",
                field="verified_by",
            )
        )
    table = (
        *table_values(result),
        TableValue(
            key="record.weighing_tolerance", value=tolerance, source=WEIGHING_TOLERANCE_SOURCE
        ),
    )
    return CompoundingRecord(
        schema=RECORD_SCHEMA,
        library_version=__version__,
        record_id=record_id,
        compounded_on=result.bud.compounded_on,
        compounded_by=compounded_by,
        verified_by=verified_by,
        master=master(result, container=container, description=description or "not described"),
        result=result,
        weighing_tolerance=tolerance,
        actual_weighings=tuple(checks),
        unit_weights=unit_weights,
        weight_check=weight_check,
        yield_units=yield_units,
        deviations=deviations,
        table_values=table,
        warnings=tuple(warnings),
    )


def _pct(q: Quantity) -> str:
    return plain(q.magnitude.quantize(Decimal("0.01")))


def _planned(result: Any) -> dict[int, Any]:
    """The planned weighings (and, for liquids, measured volumes) by number."""
    items = getattr(result, "weighings", None)
    if items is None:
        items = result.batch.measurements
    return {m.number: m for m in items}


def _window(result: Any) -> WeightWindow | None:
    window = getattr(result, "qc", None)
    return window if isinstance(window, WeightWindow) else None


def _weighing_check(planned: Any, actual: Quantity, tolerance: Quantity) -> WeighingCheck:
    unit = planned.amount.unit.canonical
    p = planned.amount.m_as(unit)
    deviation = CONTEXT.divide(actual.m_as(unit) - p, p) * HUNDRED
    return WeighingCheck(
        number=planned.number,
        what=planned.what,
        planned=planned.amount,
        actual=actual,
        deviation=Quantity(deviation, Unit.PERCENT),
        within_tolerance=abs(deviation) <= tolerance.m_as(Unit.PERCENT),
    )


# --- verification --------------------------------------------------------------------------------


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        if set(value) == {"value", "unit"}:
            yield path, value
            return
        for k, v in value.items():
            yield from _leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, f"{path}[{i}]")
    else:
        yield path, value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b) == {"value", "unit"}:
        try:
            qa, qb = Quantity.from_json(a), Quantity.from_json(b)
        except LdnCompoundError:
            return a == b
        return qa.unit is qb.unit and qa.magnitude == qb.magnitude
    return bool(a == b)


def _diff(recorded: Any, found: Any, prefix: str, reason: str) -> list[Difference]:
    left = dict(_leaves(recorded, prefix))
    right = dict(_leaves(found, prefix))
    out = []
    for path in sorted(set(left) | set(right)):
        if path.endswith("library_version"):
            continue
        a, b = left.get(path, "<absent>"), right.get(path, "<absent>")
        if not _same(a, b):
            out.append(Difference(field=path, recorded=_show(a), found=_show(b), reason=reason))
    return out


def _show(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"value", "unit"}:
        return f"{value['value']} {value['unit']}"
    return str(value)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _items(data: dict[str, Any], key: str, differences: list[Difference]) -> list[Any]:
    """The list a record keeps under ``key`` (absent is empty; anything else a difference)."""
    value = data.get(key)
    if value is None or isinstance(value, list):
        return value or []
    differences.append(
        Difference(field=key, recorded=_show(value), found="", reason="is not a list")
    )
    return []


@private_context
def verify_record(data: Any) -> VerifyReport:
    """Recompute a record (its JSON data) and report every difference by field.

    Checks: the result recomputed from the stored order, field by field; the master
    formulation record; every stored table value against the library's tables; each actual
    weighing against its planned amount and tolerance; the QC unit weights against their
    window. Lists what it cannot check.
    """
    from ._json import from_json, to_json  # noqa: PLC0415

    if not isinstance(data, dict) or data.get("schema") != RECORD_SCHEMA:
        raise InputError.about(
            "schema",
            data.get("schema") if isinstance(data, dict) else data,
            "is not a record",
            RECORD_SCHEMA,
        )
    result_data = data.get("result")
    if not isinstance(result_data, dict):
        raise InputError.about("result", result_data, "is missing", "the stored result")
    record_id = str(data.get("record_id", ""))
    differences: list[Difference] = []
    checked: list[str] = []
    schema = result_data.get("schema", "")
    formulate, _tables, master = _adapter(schema)
    stored: Any = from_json(result_data)
    recomputed = formulate(stored.order, today=stored.bud.compounded_on)
    differences += _diff(  # warnings of checks against today's date are not reproduced
        without_dated_warnings(result_data),
        without_dated_warnings(to_json(recomputed)),
        "result",
        "differs from the recomputation",
    )
    checked.append("every amount of the result, recomputed from the stored order")
    if data.get("library_version") != __version__:
        checked.append(
            f"note: recorded with ldncompound {printable(str(data.get('library_version')))}, "
            f"verified with {__version__}"
        )
    stored_master = data.get("master")
    if not isinstance(stored_master, dict):
        stored_master = {}
    container = _text(stored_master.get("container"))
    description = _text(stored_master.get("description"))
    expected_master = to_json(master(recomputed, container=container, description=description))
    differences += _diff(
        data.get("master"),
        expected_master,
        "master",
        "differs from the master record the library derives",
    )
    checked.append("the master formulation record")
    expected_tables: dict[str, Any] = {
        t.key: (t.value.to_json() if isinstance(t.value, Quantity) else t.value)
        for t in table_values(recomputed)
    }
    expected_tables["record.weighing_tolerance"] = data.get("weighing_tolerance")
    stored_keys: set[str] = set()
    for i, tv in enumerate(_items(data, "table_values", differences)):
        key = tv.get("key") if isinstance(tv, dict) else None
        field = f"table_values[{i}]"
        if not isinstance(key, str) or key not in expected_tables:
            differences.append(
                Difference(
                    field=field,
                    recorded=str(key),
                    found="-",
                    reason="is not a table value this calculation uses",
                )
            )
            continue
        stored_keys.add(key)
        if not _same(tv.get("value"), expected_tables[key]):
            differences.append(
                Difference(
                    field=f"{field}.value ({key})",
                    recorded=_show(tv.get("value")),
                    found=_show(expected_tables[key]),
                    reason="stored table value differs from the library's table",
                )
            )
    for key in sorted(set(expected_tables) - stored_keys):
        differences.append(
            Difference(
                field="table_values",
                recorded="<absent>",
                found=key,
                reason="a table value the calculation used is not recorded",
            )
        )
    checked.append("every stored table value against the library's tables")
    tolerance = WEIGHING_TOLERANCE
    try:
        stored_tolerance = Quantity.from_json(data.get("weighing_tolerance"), "weighing_tolerance")
        tolerance = stored_tolerance.require(Dimension.FRACTION, "weighing_tolerance")
    except LdnCompoundError:
        differences.append(
            Difference(
                field="weighing_tolerance",
                recorded=str(data.get("weighing_tolerance")),
                found=str(WEIGHING_TOLERANCE),
                reason="is not a percentage",
            )
        )
    planned = _planned(recomputed)
    for i, a in enumerate(_items(data, "actual_weighings", differences)):
        field = f"actual_weighings[{i}]"
        try:
            number = int(a["number"])
            actual = Quantity.from_json(a["actual"], field)
            planned_data = a.get("planned")
        except (LdnCompoundError, KeyError, TypeError, ValueError, AttributeError):
            differences.append(
                Difference(
                    field=field, recorded=str(a), found="", reason="is not a readable weighing"
                )
            )
            continue
        if number not in planned:
            differences.append(
                Difference(
                    field=f"{field}.number",
                    recorded=str(number),
                    found="",
                    reason="is not a planned weighing",
                )
            )
            continue
        check = _weighing_check(planned[number], actual, tolerance)
        if not check.within_tolerance:
            differences.append(
                Difference(
                    field=f"{field}.actual",
                    recorded=str(actual),
                    found=f"planned {check.planned}",
                    reason=f"deviates {_pct(check.deviation)} %, outside +/-{tolerance}",
                )
            )
        if not _same(planned_data, check.planned.to_json()):
            differences.append(
                Difference(
                    field=f"{field}.planned",
                    recorded=_show(planned_data),
                    found=str(check.planned),
                    reason="differs from the recomputed plan",
                )
            )
    checked.append("each actual weighing or measured volume against its plan and tolerance")
    window = _window(recomputed)
    for i, w in enumerate(_items(data, "unit_weights", differences)):
        field = f"unit_weights[{i}]"
        try:
            q = Quantity.from_json(w, field)
        except LdnCompoundError:
            differences.append(
                Difference(field=field, recorded=str(w), found="", reason="is not a weight")
            )
            continue
        if window is None:
            differences.append(
                Difference(
                    field=field,
                    recorded=str(q),
                    found="",
                    reason="this preparation has no unit weights",
                )
            )
            continue
        if q < window.low or q > window.high:
            differences.append(
                Difference(
                    field=field,
                    recorded=str(q),
                    found=f"{window.low}-{window.high}",
                    reason="is outside the unit weight window",
                )
            )
    checked.append("each unit weight against the weight window")
    return VerifyReport(
        schema=VERIFY_SCHEMA,
        record_id=record_id,
        ok=not differences,
        differences=tuple(differences),
        checked=tuple(checked),
        cannot_check=CANNOT_CHECK,
    )


def record_from_json(data: Any) -> CompoundingRecord:
    """Rebuild a record from its JSON data (the stored result by its own schema)."""
    from ._json import converter, from_json  # noqa: PLC0415

    if not isinstance(data, dict):
        raise InputError.about("record", data, "is not an object", "a record document")
    inner = {k: v for k, v in data.items() if k != "result"}
    inner["result"] = None
    record: CompoundingRecord = converter().structure(inner, CompoundingRecord)
    return attrs.evolve(record, result=from_json(data.get("result")))


def _register() -> None:
    from ._json import register_schema  # noqa: PLC0415

    register_schema(RECORD_SCHEMA, CompoundingRecord, record_from_json)
    register_schema(VERIFY_SCHEMA, VerifyReport)
    _register_capsules()


_register()
