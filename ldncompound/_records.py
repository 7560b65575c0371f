"""Master formulation records, compounding records, and their independent verification.

A :class:`CompoundingRecord` holds the whole result (which holds the order it was computed
from), the master formulation record derived from it, who compounded and who verified, what
was actually weighed, the QC weights and yield, deviations, the library version, and every
table value the calculation used. Contents follow USP <795> (2023) as summarised in
domain.md §2.2-2.3.

:func:`verify_record` trusts nothing it can recompute: it reads the record strictly
(:func:`read_record`), recomputes the result from the stored order, makes the whole record
again from the raw bench inputs (:class:`_Bench`: actual weights, unit weights, yield,
tolerance, names) with the same code :func:`make_record` uses (:func:`_assemble`), and
reports every figure that differs by path, with the fields it is computed from. Policy
figures (the weighing tolerance) and table values are the library's own; what it cannot
check is listed (:data:`CANNOT_CHECK`, :data:`UNCHECKABLE_FIELDS`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import typing
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import attrs

from . import _registry
from ._dose import unmatched_unused_left_out
from ._errors import InputError, LdnCompoundError, printable
from ._numbers import CONTEXT, HUNDRED, plain, private_context, significant
from ._plausible import without_dated_warnings
from ._preparation import Preparation
from ._qc import WeightCheck, WeightWindow, check_weights
from ._record_reader import first_mismatch, structure_strictly
from ._trace import DefaultUsed, ResultWarning, Step, stamp
from ._units import Dimension, Quantity, Unit
from ._validate import OMITTABLE
from ._version import __version__
from ._vocabulary import TableValue, on_hold
from ._vocabulary import planned_weighings as _planned

RECORD_SCHEMA = "ldncompound/record/1"
VERIFY_SCHEMA = "ldncompound/verify-report/1"
#: The policy tolerance for an actual weighing against its plan. A record may use a narrower
#: one; a wider one is refused unless acknowledged with a reason the record keeps.
WEIGHING_TOLERANCE = Quantity(Decimal(5), Unit.PERCENT)
WEIGHING_TOLERANCE_SOURCE = (
    "compendial tolerance of +/-5 % for most formulas (pharmlabs.unc.edu; domain.md §5.2) [V]"
)
#: The widest weighing tolerance a record may use, acknowledged or not: the library's own cap
#: on every other error it allows for (a balance's ``max_error`` and a capsule order's
#: ``drug_loss_allowance`` are both at most 10 %). A wider tolerance lets a batch of the wrong
#: strength pass as within tolerance.
TOLERANCE_LIMIT = Quantity(Decimal(10), Unit.PERCENT)
#: What a weighing that holds none of the drug is named ending with: the only weighings a
#: tolerance wider than the policy's applies to. Every other weighing (the drug, a stock, a
#: stage of a trituration, an aliquot, a volume made up) sets the dose and is judged by the
#: policy's tolerance, or a narrower one, whatever is acknowledged.
EXCIPIENT_WEIGHINGS = (" (filler)", " (diluent)", " (base)")
#: What a measured volume that the drug is made up to is named with: more of it dilutes.
MADE_UP_TO_VOLUME = ("to volume", "to final volume")
#: The shortest acknowledgement reason taken as one: a reason says why (``viscous base, SOP
#: 12``); a letter or a dash is no reason.
REASON_MIN_CHARACTERS = 10
REASON_MIN_WORDS = 2

#: The checks a record may acknowledge, each with a reason the record keeps.
RECORD_ACKNOWLEDGEABLE: dict[str, str] = {
    "weighing-tolerance-above-policy": (
        f"a weighing tolerance wider than the policy's +/-{WEIGHING_TOLERANCE}"
    ),
}

#: Numbers in a record that verification cannot check, with why (docs/safety.md lists them).
#: A change in any other number of a record the library made is reported by field.
UNCHECKABLE_FIELDS: dict[str, str] = {
    "weighing_tolerance": (
        "a tolerance the compounder chose at or below the policy's is an input, not a result: "
        "a change is seen only when it changes a weighing's outcome (a wider one than the "
        "policy's is always reported unless acknowledged)"
    ),
    "result.order.source.tablets_weighed": (
        "how many tablets were weighed to find their average weight: the calculation uses "
        "the average, so no figure depends on the count"
    ),
    "result.order.doses_per_day": (
        "for capsules and troches the frequency only feeds the dose and supply checks: a "
        "change is seen only when it changes their outcome"
    ),
}

CANNOT_CHECK = (
    "the identity, quality and purity of each component (only an assay can show them)",
    "that the lot numbers and expiry dates recorded are those of the containers used",
    "that the recorded weights were really weighed, and on the balance named",
    "the homogeneity of the mix (weight variation does not prove content uniformity)",
    "the container, closure and the label actually applied",
    (
        "the text the compounder wrote (the record id, the order's reference, names, "
        "deviations, container, description, reasons)"
    ),
    *(f"{field}: {why}" for field, why in UNCHECKABLE_FIELDS.items()),
)


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


def _known_acknowledgement(_i: object, _a: object, value: Any) -> None:
    if not isinstance(value, str) or value not in RECORD_ACKNOWLEDGEABLE:
        raise InputError.about(
            "acknowledge.code",
            value,
            "is not a check a record can acknowledge",
            f"one of {', '.join(sorted(RECORD_ACKNOWLEDGEABLE))}",
            code="unknown-acknowledgement",
        )


def _reason(_i: object, _a: object, value: Any) -> None:
    _check_text("acknowledge.reason", value, required=True)
    words = re.findall(r"[^\W\d_]{2,}|\d+", value)
    if len(value.strip()) < REASON_MIN_CHARACTERS or len(words) < REASON_MIN_WORDS:
        raise InputError.about(
            "acknowledge.reason",
            value,
            "is not a reason",
            f"at least {REASON_MIN_WORDS} words and {REASON_MIN_CHARACTERS} characters saying "
            "why the check does not apply, e.g. 'viscous base, SOP 12'",
            code="reason-too-short",
        )


@attrs.frozen(kw_only=True)
class Acknowledgement:
    """A check of the record acknowledged by the compounder, with the reason (kept in the
    record and reported by verification)."""

    code: str = attrs.field(validator=_known_acknowledgement)
    reason: str = attrs.field(validator=_reason)


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
    #: the lot the batch's labels and FHIR carry when no lot is given: the one generated from
    #: the result and ``record_id`` (:func:`~ldncompound._labels.batch_lot`); absent from
    #: records written before it was stated
    lot: str | None = attrs.field(default=None, metadata={OMITTABLE: True})
    compounded_on: dt.date
    compounded_by: str
    verified_by: str | None
    master: MasterFormulationRecord
    result: Any
    weighing_tolerance: Quantity
    acknowledged: tuple[Acknowledgement, ...]
    actual_weighings: tuple[WeighingCheck, ...]
    unit_weights: tuple[Quantity, ...]
    weight_check: WeightCheck | None
    yield_units: int | None
    yield_percent: Quantity | None
    deviations: tuple[str, ...]
    table_values: tuple[TableValue, ...]
    defaults: tuple[DefaultUsed, ...]
    warnings: tuple[ResultWarning, ...]


@attrs.frozen(kw_only=True)
class Difference:
    """One difference found by verification: the field, what the record says, what was found,
    and the fields of the record the found value was computed from (a derived figure that
    disagrees with them: either it or one of them was edited)."""

    field: str = attrs.field(converter=printable)
    recorded: str = attrs.field(converter=printable)
    found: str = attrs.field(converter=printable)
    reason: str = attrs.field(converter=printable)
    computed_from: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class VerifyReport:
    """The outcome of :func:`verify_record`. Text read from the record (its id, recorded
    values, field names) is kept printable: a control character shows as its escape."""

    schema: str
    record_id: str = attrs.field(converter=printable)
    #: the record may be released: nothing differs from its recomputation and nothing a
    #: release needs is missing (``on_hold`` empty)
    ok: bool
    differences: tuple[Difference, ...]
    acknowledged: tuple[str, ...]
    #: what the record does not record yet and a release needs (``HOLD_CODES``)
    on_hold: tuple[str, ...]
    checked: tuple[str, ...]
    cannot_check: tuple[str, ...]


# --- per-preparation adapters -------------------------------------------------------------------


def _adapter(schema: object) -> Preparation:
    """The preparation of a result schema that has records (a master-record adapter)."""
    prep = _registry.for_result(schema)
    if prep is None or prep.master_record is None:
        known = ", ".join(p.result_schema for p in _registry.preparations() if p.master_record)
        raise InputError.about(
            "result.schema",
            schema,
            "has no record support",
            f"one of {known}",
            code="unknown-schema",
        )
    return prep


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
    tables = _adapter(result.schema).record_tables
    if tables is not None:
        out += tables(result)
    return tuple(out)


def _master(
    r: Any, prep: Preparation, *, container: str, description: str
) -> MasterFormulationRecord:
    """A master formulation record: what the preparation gives (its master-record adapter),
    and what every preparation fills the same way (BUD, storage, label statements from its
    label facts, calculations)."""
    from ._labels import _aux  # noqa: PLC0415

    if prep.master_record is None or prep.label_facts is None:  # pragma: no cover - _adapter
        raise TypeError(f"{prep.name} has no compounding record")
    m = prep.master_record(r)
    return MasterFormulationRecord(
        name=m.name,
        strength=m.strength,
        dosage_form=m.dosage_form,
        batch_size=m.batch_size,
        ingredients=m.ingredients,
        container=container,
        instructions=m.instructions,
        description=description,
        bud=f"{r.bud.category_days} days ({r.bud.category.value})",
        storage=r.bud.storage.described,
        bud_reference=r.bud.reference,
        labeling=tuple(w.text for w in _aux(prep.label_facts(r))),
        quality_control=m.quality_control,
        calculations=r.trace,
    )


# --- making a record --------------------------------------------------------------------------------


def _check_text(field: str, value: object, *, required: bool) -> None:
    from ._labels import check_caller_text  # noqa: PLC0415

    check_caller_text(field, value, required=required)


@attrs.frozen(kw_only=True)
class _Bench:
    """What happened at the bench: everything a record holds that is not computed."""

    record_id: Any
    compounded_by: Any
    verified_by: Any
    actual_weighings: tuple[ActualWeighing, ...]
    unit_weights: tuple[Quantity, ...]
    yield_units: int | None
    deviations: tuple[str, ...]
    container: Any
    description: Any
    weighing_tolerance: Quantity | None
    acknowledge: tuple[Acknowledgement, ...]


class _Problems:
    """Refusals while a record is assembled: raised at once when the record is made, kept as
    differences when a stored record is verified (the rest of it is still checked)."""

    def __init__(self, *, strict: bool) -> None:
        self.strict = strict
        self.found: list[Difference] = []

    def add(self, err: LdnCompoundError, *, field: str, recorded: object, found: str) -> None:
        if self.strict:
            raise err
        self.found.append(
            Difference(field=field, recorded=_show(recorded), found=found, reason=err.message)
        )

    def check(self, fn: Callable[[], Any], *, field: str, recorded: object, found: str) -> Any:
        try:
            return fn()
        except LdnCompoundError as err:
            self.add(err, field=field, recorded=recorded, found=found)
            return None


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
    acknowledge: tuple[Acknowledgement, ...] = (),
) -> CompoundingRecord:
    """The compounding record of ``result`` with what happened at the bench.

    Refuses weighings that do not match a planned weighing (or match one twice), non-mass
    weights, fewer unit weights than the QC sample, a negative yield, a weighing tolerance
    wider than the policy's (+/-5 %) unless ``acknowledge`` holds
    ``weighing-tolerance-above-policy`` with a reason, and control characters in caller
    text; warns about weighings outside tolerance, QC failures, a yield above the batch or
    far below it, and whatever a release needs that is not recorded (a weighing, the weight
    check, the yield, the verifier: ``HOLD_CODES``); marks DO NOT RELEASE a weighing out
    of tolerance, a weight check not passed, and a yield whose units cannot hold the planned
    fill within the weight window. The result must be what its own order computes
    (``result-not-recomputed``, as for a label): an edited result is never recorded.
    """
    from ._labels import check_recomputes  # noqa: PLC0415 - label machinery, on use

    _adapter(getattr(result, "schema", None))  # a result with no record is refused first
    check_recomputes(result)  # an edited dose or amount never reaches a record (probe2 P1)
    bench = _Bench(
        record_id=record_id,
        compounded_by=compounded_by,
        verified_by=verified_by,
        actual_weighings=actual_weighings,
        unit_weights=unit_weights,
        yield_units=yield_units,
        deviations=deviations,
        container=container,
        description=description,
        weighing_tolerance=weighing_tolerance,
        acknowledge=acknowledge,
    )
    return _assemble(result, bench, _Problems(strict=True))


def _tolerance(
    bench: _Bench, problems: _Problems, warnings: list[ResultWarning]
) -> tuple[Quantity, tuple[DefaultUsed, ...]]:
    """The weighing tolerance the record uses, refused when it is not a percentage between 0
    and 100 %, or wider than the policy's without an acknowledgement."""
    given = bench.weighing_tolerance
    if given is None:
        return WEIGHING_TOLERANCE, (
            DefaultUsed(
                field="weighing_tolerance",
                value=WEIGHING_TOLERANCE,
                source=WEIGHING_TOLERANCE_SOURCE,
            ),
        )
    shown = str(given)
    if not problems.check(
        lambda: given.require(Dimension.FRACTION, "weighing_tolerance"),
        field="weighing_tolerance",
        recorded=shown,
        found=f"a percentage, at most {WEIGHING_TOLERANCE}",
    ):
        return WEIGHING_TOLERANCE, ()
    if given.magnitude <= 0 or given > TOLERANCE_LIMIT:
        problems.add(
            InputError.about(
                "weighing_tolerance",
                shown,
                "is not a tolerance"
                if given.magnitude <= 0
                else f"is wider than +/-{TOLERANCE_LIMIT}, a limit no acknowledgement lifts",
                f"more than 0 % and at most {TOLERANCE_LIMIT}, the library's cap on a balance's "
                f"error and on a drug loss (the policy is {WEIGHING_TOLERANCE})",
                code="out-of-range" if given.magnitude <= 0 else "weighing-tolerance-above-limit",
            ),
            field="weighing_tolerance",
            recorded=shown,
            found=f"at most {WEIGHING_TOLERANCE}",
        )
        return WEIGHING_TOLERANCE, ()
    if given > WEIGHING_TOLERANCE:
        code = "weighing-tolerance-above-policy"
        ack = next((a for a in bench.acknowledge if a.code == code), None)
        if ack is None:
            problems.add(
                InputError.about(
                    "weighing_tolerance",
                    shown,
                    f"is wider than the policy tolerance of +/-{WEIGHING_TOLERANCE}",
                    f"at most {WEIGHING_TOLERANCE}, or the acknowledgement {code!r} with a reason",
                    code=code,
                ),
                field="weighing_tolerance",
                recorded=shown,
                found=f"at most {WEIGHING_TOLERANCE} (not acknowledged)",
            )
        else:
            warnings.append(
                ResultWarning(
                    code=code,
                    message=(
                        f"Weighings are checked against +/-{given}, wider than the policy's "
                        f"+/-{WEIGHING_TOLERANCE}; acknowledged: {ack.reason}"
                    ),
                    field="weighing_tolerance",
                )
            )
    return given, ()


def _acknowledgements(bench: _Bench, problems: _Problems, warnings: list[ResultWarning]) -> None:
    """Refuse a check acknowledged twice; warn about an acknowledgement no check of the
    record needed (``acknowledgement-unused``: one kept from another record lifts the check
    silently the day it is needed)."""
    seen: set[str] = set()
    for i, ack in enumerate(bench.acknowledge):
        if ack.code in seen:
            problems.add(
                InputError.about(
                    "acknowledge",
                    ack.code,
                    "is acknowledged twice",
                    "each check acknowledged once, with one reason",
                    code="duplicate-acknowledgement",
                ),
                field=f"acknowledged[{i}].code",
                recorded=ack.code,
                found="each code once",
            )
        seen.add(ack.code)
    given = bench.weighing_tolerance
    needed = (
        given is not None and given.dimension is Dimension.FRACTION and (given > WEIGHING_TOLERANCE)
    )
    if "weighing-tolerance-above-policy" in seen and not needed:
        warnings.append(
            ResultWarning(
                code="acknowledgement-unused",
                message=(
                    "The acknowledgement 'weighing-tolerance-above-policy' lifted nothing: the "
                    f"record's weighing tolerance is within the policy's +/-{WEIGHING_TOLERANCE}; "
                    "leave it out."
                ),
                field="acknowledge",
            )
        )


def carries_drug(what: str) -> bool:
    """Whether a planned weighing or measurement named ``what`` sets the dose: all but a
    filler, diluent or base (:data:`EXCIPIENT_WEIGHINGS`)."""
    return not what.endswith(EXCIPIENT_WEIGHINGS)


def tolerance_for(what: str, tolerance: Quantity) -> Quantity:
    """The tolerance a weighing named ``what`` is judged by: a record's wider, acknowledged
    tolerance applies to excipients only; a weighing that sets the dose is judged by the
    policy's (or the record's narrower one)."""
    if carries_drug(what) and tolerance > WEIGHING_TOLERANCE:
        return WEIGHING_TOLERANCE
    return tolerance


def _weighings(
    result: Any,
    bench: _Bench,
    tolerance: Quantity,
    problems: _Problems,
    stored: tuple[WeighingCheck, ...],
) -> tuple[list[WeighingCheck], list[ResultWarning]]:
    """Each actual weighing against its plan; a weighing that cannot be matched keeps what
    the stored record says (``stored``, when verifying) so the others are still compared."""
    planned = _planned(result)
    checks: list[WeighingCheck] = []
    seen: dict[int, int] = {}
    for i, a in enumerate(bench.actual_weighings):
        field = f"actual_weighings[{i}]"
        plan = planned.get(a.number)
        check = None
        if plan is None:
            problems.add(
                InputError.about(
                    "actual_weighings",
                    a.number,
                    "is not a planned weighing number",
                    f"1 to {len(planned)}",
                ),
                field=f"{field}.number",
                recorded=a.number,
                found=f"1 to {len(planned)}",
            )
        elif problems.check(
            functools.partial(
                a.amount.require, plan.amount.dimension, f"actual_weighings[{a.number}]"
            ),
            field=f"{field}.actual",
            recorded=str(a.amount),
            found=f"an amount like {plan.amount}",
        ):
            check = _weighing_check(plan, a.amount, tolerance_for(plan.what, tolerance))
        if a.number in seen:
            problems.add(
                InputError.about(
                    "actual_weighings",
                    a.number,
                    "is given twice",
                    "one actual weight per weighing",
                    code="duplicate-weighing",
                ),
                field=f"{field}.number",
                recorded=a.number,
                found=f"weighing {a.number} once (also actual_weighings[{seen[a.number]}])",
            )
        seen.setdefault(a.number, i)
        # only a stored record's weighing can be unmatched here (make_record raised above)
        checks.append(check if check is not None else stored[i])
    warnings = [
        ResultWarning(
            code="weighing-outside-tolerance",
            message=(
                f"Weighing {c.number} ({c.what}) was {c.actual} against {c.planned} planned "
                f"({_pct(c.deviation)} %), outside +/-{tolerance_for(c.what, tolerance)}."
            ),
            field=f"actual_weighings[{c.number}]",
        )
        for c in checks
        if not c.within_tolerance
    ]
    missing = sorted(set(planned) - set(seen))
    if missing:
        warnings.append(
            ResultWarning(
                code="weighing-not-recorded",
                message=f"No actual weight recorded for weighing(s) {', '.join(map(str, missing))}.",
                field="actual_weighings",
            )
        )
    return checks, warnings


def _do_not_release(
    result: Any, checks: list[WeighingCheck], weight_check: WeightCheck | None, made: int | None
) -> ResultWarning | None:
    """``do-not-release`` when a weighing is out of tolerance, with the dose the drug
    weighings give: the planned dose times actual / planned of each weighing that sets the
    dose (planned / actual for a volume made up), the batch divided into its planned units;
    when a unit weight is outside the window of the weight check (its QC not passed); or
    when more units were made than the mix can fill within the window (the yield)."""
    out = [c for c in checks if not c.within_tolerance]
    window = _window(result)
    units = (
        _units_not_passed(result, weight_check, window)
        if weight_check is not None and window is not None and not weight_check.passed
        else ""
    )
    over = _yield_not_released(result, made)
    units = " ".join(u for u in (units, over) if u)
    if not out and not units:
        return None
    if not out:
        return ResultWarning(
            code="do-not-release",
            message=f"DO NOT RELEASE: {units}",
            field="yield_units" if units == over else "unit_weights",
        )
    factor = Decimal(1)
    for c in checks:
        unit = c.planned.unit.canonical
        planned, actual = c.planned.m_as(unit), c.actual.m_as(unit)
        if not carries_drug(c.what):
            continue
        if any(v in c.what for v in MADE_UP_TO_VOLUME):  # more volume, less drug a dose
            factor *= CONTEXT.divide(planned, actual) if actual > 0 else Decimal(1)
        else:
            factor *= CONTEXT.divide(actual, planned)
    listed = ", ".join(f"{c.number} ({c.what}, {_pct(c.deviation)} %)" for c in out)
    dose = result.dose
    gives = (
        ""
        if factor == 1
        else (
            f"; the drug weighed gives about {significant(dose.magnitude * factor, 3)} "
            f"{dose.unit.display} of {result.dose_basis_name} a dose, not the {dose} planned "
            "(the batch divided into its planned units)"
        )
    )
    return ResultWarning(
        code="do-not-release",
        message=(
            f"DO NOT RELEASE: weighing {listed} is out of tolerance{gives}; the batch is not "
            f"what the master formulation record plans.{' ' + units if units else ''}"
        ),
        field="actual_weighings",
    )


def _units_not_passed(result: Any, check: WeightCheck, window: WeightWindow) -> str:
    """The sentence of a weight check not passed, with a hint when the weights match the
    gross window (filled weights entered as net)."""
    listed = ", ".join(map(str, check.outside))
    hint = ""
    gross = getattr(result, "gross_window", None)
    if isinstance(gross, WeightWindow) and all(
        gross.low <= w <= gross.high for w in (check.minimum, check.maximum)
    ):
        hint = (
            f"; the weights match the gross window {gross.low}-{gross.high}: were filled "
            "weights (with the shell) entered as net?"
        )
    which = f"unit {listed} is" if len(check.outside) == 1 else f"units {listed} are"
    return (
        f"{which} outside the net weight window {window.low}-{window.high}{hint}; "
        "the weight check is NOT PASSED."
    )


def _unit_weights(
    result: Any, bench: _Bench, problems: _Problems, warnings: list[ResultWarning]
) -> WeightCheck | None:
    window = _window(result)
    weights = bench.unit_weights
    if not weights:
        if window is not None:
            warnings.append(
                ResultWarning(
                    code="weight-check-not-recorded",
                    message=(
                        f"No unit weights are recorded: the weight check ({window.sample_size} "
                        f"units, each {window.low}-{window.high} net) is not done; release only "
                        "after it is."
                    ),
                    field="unit_weights",
                )
            )
        return None
    if window is None:
        problems.add(
            InputError.about(
                "unit_weights",
                len(weights),
                "were given for a preparation without unit weights",
                "none for a liquid",
            ),
            field="unit_weights",
            recorded=f"{len(weights)} weights",
            found="none for a liquid",
        )
        return None
    check: WeightCheck | None = problems.check(
        lambda: check_weights(window, weights, field="unit_weights"),
        field="unit_weights",
        recorded=f"{len(weights)} weights",
        found=f"at least {window.sample_size} masses",
    )
    if check is not None and not check.passed:
        warnings.append(
            ResultWarning(
                code="unit-weight-outside-window",
                message=(
                    f"Units {', '.join(map(str, check.outside))} are outside "
                    f"{window.low}-{window.high}."
                ),
                field="unit_weights",
            )
        )
    return check


def _yield(
    result: Any, bench: _Bench, problems: _Problems, warnings: list[ResultWarning]
) -> Quantity | None:
    """The yield as a percentage of the units the batch makes (above 100 % when more units
    were made than planned: an observation a record keeps, flagged by :func:`_yield_warnings`)."""
    made = bench.yield_units
    batch = getattr(result, "batch_count", None)
    if made is None:
        if batch is not None:
            warnings.append(
                ResultWarning(
                    code="yield-not-recorded",
                    message=(
                        f"No yield is recorded: the units made (the batch makes {batch}) are not "
                        "counted; release only after they are."
                    ),
                    field="yield_units",
                )
            )
        return None
    if batch is None:
        problems.add(
            InputError.about(
                "yield_units", made, "is a number of units", "no unit count for a liquid"
            ),
            field="yield_units",
            recorded=made,
            found="none for a liquid",
        )
        return None
    if made < 0:
        problems.add(
            InputError.about(
                "yield_units", made, "is negative", "0 or more units", code="out-of-range"
            ),
            field="yield_units",
            recorded=made,
            found="0 or more",
        )
    warnings += _yield_warnings(result, made, batch)
    return Quantity(CONTEXT.divide(Decimal(made) * HUNDRED, Decimal(batch)), Unit.PERCENT)


@attrs.frozen(kw_only=True)
class YieldContent:
    """What a yield says of the content of each unit: the mix was made for ``made_for`` units'
    worth (at least the batch; the surplus is discarded), so ``made`` units hold on average
    at most ``share`` of the planned fill (``made_for / made``, all the mix in them); the
    weight window's ``low`` and ``high`` as shares of the target."""

    made: int
    batch: int
    made_for: Decimal
    share: Decimal
    low: Decimal
    high: Decimal

    @property
    def percent(self) -> str:
        return significant(self.share * HUNDRED, 3)


def yield_content(result: Any, made: int) -> YieldContent | None:
    """The content a yield of ``made`` units implies (:class:`YieldContent`); ``None`` for a
    preparation without a unit count or a weight window, or no units made."""
    batch = getattr(result, "batch_count", None)
    window = _window(result)
    if batch is None or window is None or made <= 0:
        return None
    mix_for = getattr(result, "mix_for", batch)
    made_for = max(
        Decimal(batch), mix_for.magnitude if isinstance(mix_for, Quantity) else Decimal(mix_for)
    )
    unit = window.target.unit
    target = window.target.m_as(unit)
    return YieldContent(
        made=made,
        batch=batch,
        made_for=made_for,
        share=CONTEXT.divide(made_for, Decimal(made)),
        low=CONTEXT.divide(window.low.m_as(unit), target),
        high=CONTEXT.divide(window.high.m_as(unit), target),
    )


def _yield_warnings(result: Any, made: int, batch: int) -> list[ResultWarning]:
    """A yield above the batch (``yield-above-batch``: units under-filled, or the surplus
    filled), far below it or none at all (``yield-below-batch``: mix lost, or units
    over-filled), and below
    the units to dispense (``yield-below-dispensed``)."""
    out = []
    content = yield_content(result, made)
    mix = "" if content is None else f"the mix ({significant(content.made_for, 4)} units' worth)"
    if content is not None and made > batch:
        out.append(
            ResultWarning(
                code="yield-above-batch",
                message=(
                    f"{made} units were made, more than the {batch} the batch makes: with all of "
                    f"{mix} in them each holds at most about {content.percent} % of the planned "
                    "fill; check the unit weights and record the deviation."
                ),
                field="yield_units",
            )
        )
    if made == 0 < batch:  # the extreme of a yield below the batch: no share to give
        out.append(
            ResultWarning(
                code="yield-below-batch",
                message=(
                    f"No units were made of the {batch} the batch makes: there is nothing to "
                    "release; record where the mix went."
                ),
                field="yield_units",
            )
        )
    elif content is not None and made < batch * content.low:
        out.append(
            ResultWarning(
                code="yield-below-batch",
                message=(
                    f"Only {made} of the {batch} units the batch makes were made: if all of {mix} "
                    f"went into them each holds about {content.percent} % of the planned fill; "
                    "check the unit weights and record where the rest of the mix went."
                ),
                field="yield_units",
            )
        )
    dispensed = getattr(result, "count", None)
    if dispensed is not None and 0 <= made < dispensed:
        out.append(
            ResultWarning(
                code="yield-below-dispensed",
                message=f"Only {made} units were made, fewer than the {dispensed} to dispense.",
                field="yield_units",
            )
        )
    return out


def _yield_not_released(result: Any, made: int | None) -> str:
    """The DO NOT RELEASE sentence of a yield so far above the batch that the units cannot
    hold the planned dose: the mix made, spread over them, is below the weight window."""
    content = None if made is None else yield_content(result, made)
    if content is None or content.share >= content.low:
        return ""
    dose = result.dose
    return (
        f"{made} units from a mix of {significant(content.made_for, 4)} units' worth "
        f"hold at most about {content.percent} % of the planned fill each (about "
        f"{significant(dose.magnitude * content.share, 3)} {dose.unit.display} of "
        f"{result.dose_basis_name} a dose, not {dose}), below the "
        f"{significant(content.low * HUNDRED, 3)} % the weight window allows."
    )


def _assemble(
    result: Any,
    bench: _Bench,
    problems: _Problems,
    stored: tuple[WeighingCheck, ...] = (),
) -> CompoundingRecord:
    """The record of ``result`` with ``bench``: every figure computed here, none taken from
    a stored record (``stored`` only fills in a weighing that cannot be matched)."""
    prep = _adapter(result.schema)
    for field, value, required in (
        ("record_id", bench.record_id, True),
        ("compounded_by", bench.compounded_by, True),
        ("verified_by", bench.verified_by, False),
        ("container", bench.container, True),
        ("description", bench.description, False),
        *((f"deviations[{i}]", d, True) for i, d in enumerate(bench.deviations, start=1)),
    ):
        problems.check(
            functools.partial(_check_text, field, value, required=required),
            field=field,
            recorded=value,
            found="printable text",
        )
    warnings: list[ResultWarning] = []
    tolerance, defaults = _tolerance(bench, problems, warnings)
    _acknowledgements(bench, problems, warnings)
    checks, weighing_warnings = _weighings(result, bench, tolerance, problems, stored)
    warnings += weighing_warnings
    weight_check = _unit_weights(result, bench, problems, warnings)
    yield_percent = _yield(result, bench, problems, warnings)
    release = _do_not_release(result, checks, weight_check, bench.yield_units)
    if release is not None:
        warnings.append(release)  # put first among the record's warnings below
    warnings.sort(key=lambda w: w.code != "do-not-release")  # DO NOT RELEASE comes first
    if bench.verified_by is None:
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
            key="record.weighing_tolerance",
            value=WEIGHING_TOLERANCE,
            source=WEIGHING_TOLERANCE_SOURCE,
        ),
    )
    from ._labels import batch_lot  # noqa: PLC0415 - label machinery, on use

    return CompoundingRecord(
        **stamp(RECORD_SCHEMA),
        record_id=bench.record_id,
        lot=batch_lot(result, bench.record_id),
        compounded_on=result.bud.compounded_on,
        compounded_by=bench.compounded_by,
        verified_by=bench.verified_by,
        master=_master(
            result,
            prep,
            container=_text(bench.container),
            description=_text(bench.description) or "not described",
        ),
        result=result,
        weighing_tolerance=tolerance
        if bench.weighing_tolerance is None
        else bench.weighing_tolerance,
        acknowledged=bench.acknowledge,
        actual_weighings=tuple(checks),
        unit_weights=bench.unit_weights,
        weight_check=weight_check,
        yield_units=bench.yield_units,
        yield_percent=yield_percent,
        deviations=bench.deviations,
        table_values=table,
        defaults=defaults,
        warnings=tuple(warnings),
    )


def _pct(q: Quantity) -> str:
    """A deviation in percent, signed (``+900.00``, ``-0.67``, ``0.00``)."""
    shown = plain(q.magnitude.quantize(Decimal("0.01")))
    return f"+{shown}" if q.magnitude > 0 else shown


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


# --- reading a stored record strictly ---------------------------------------------------------------


def read_record(data: Any) -> CompoundingRecord:
    """The record in ``data`` (JSON data), read strictly: plain JSON only (no float, NaN,
    non-text key, number in digits other than ASCII), no unknown or missing field, and
    every value written exactly as this library writes it. Each refusal is one sentence
    naming the path (``result.order.count``)."""
    from ._json import to_json  # noqa: PLC0415
    from ._strict import plain_data  # noqa: PLC0415

    data = plain_data(data, what="")
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
    schema: Any = result_data.get("schema")
    from ._json import _SCHEMAS, retired, retired_error  # noqa: PLC0415

    current = retired(schema)
    if current is not None:  # a record of 0.1.0: its result's order is not in document form
        raise retired_error("result.schema", schema, current)
    _adapter(schema)  # refuses a schema without record support

    result = structure_strictly(result_data, _SCHEMAS[schema], "result")
    hints = typing.get_type_hints(CompoundingRecord)
    for name, value in data.items():
        if typing.get_origin(hints.get(name)) is tuple and not isinstance(value, list):
            raise InputError.about(
                name,
                value,
                "is not a list",
                "a list as this library writes it",
                code="not-a-record",
            )
    inner = {k: v for k, v in data.items() if k != "result"}
    inner["result"] = None
    record: CompoundingRecord = attrs.evolve(
        structure_strictly(inner, CompoundingRecord, ""), result=result
    )
    mismatch = first_mismatch(data, to_json(record), "")
    if mismatch is not None:
        path, given, written = mismatch
        path = printable(path)
        raise InputError(
            f"{path}: {printable(repr(given))} is not written as this library writes it; "
            f"expected {printable(repr(written))}.",
            field=path,
            value=given,
            code="not-as-written",
        )
    return record


def record_from_json(data: Any) -> CompoundingRecord:
    """Rebuild a record from its JSON data (the stored result by its own schema)."""
    if not isinstance(data, dict):
        raise InputError.about("record", data, "is not an object", "a record document")
    return read_record(data)


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
    if type(a) is type(b) and a == b:  # the same text (bool and int are told apart)
        return True
    if isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b) == {"value", "unit"}:
        try:
            qa, qb = Quantity.from_json(a), Quantity.from_json(b)
        except LdnCompoundError:
            return a == b
        return qa.unit is qb.unit and qa.magnitude == qb.magnitude
    return type(a) is type(b) and bool(a == b)


_WEIGHING = re.compile(r"actual_weighings\[(\d+)\]\.(\w+)")


def _computed_from(path: str) -> tuple[str, ...]:
    """The fields of a record that the figure at ``path`` is computed from."""
    top = re.split(r"[.\[]", path, maxsplit=1)[0]
    weighing = _WEIGHING.match(path)
    if weighing is not None:
        base = f"actual_weighings[{weighing[1]}]"
        return {
            "deviation": (f"{base}.actual", f"{base}.number", "result.order"),
            "within_tolerance": (
                f"{base}.actual",
                f"{base}.number",
                "weighing_tolerance",
                "result.order",
            ),
        }.get(weighing[2], (f"{base}.number", "result.order"))
    return {
        "result": ("result.order", "compounded_on"),
        "master": ("result.order", "compounded_on"),
        "compounded_on": ("result.order",),
        "weight_check": ("unit_weights", "result.order"),
        "yield_percent": ("yield_units", "result.order"),
        "weighing_tolerance": ("defaults",),
        "warnings": (
            "actual_weighings",
            "unit_weights",
            "yield_units",
            "weighing_tolerance",
            "acknowledged",
            "verified_by",
            "result.order",
        ),
    }.get(top, ())


#: Fields compared on their own below (table values by key), or not comparable.
_NOT_DIFFED = ("library_version", "result.library_version")


def _warnings(recorded: list[Any], found: list[Any]) -> list[Difference]:
    """The record's warnings against those it gives when made again, in any order: one
    recorded that it does not give, or one it gives that is not recorded."""
    sources = _computed_from("warnings")
    left = list(found)
    out = []
    for i, w in enumerate(recorded):
        if w in left:
            left.remove(w)
        else:
            out.append(
                Difference(
                    field=f"warnings[{i}]",
                    recorded=_show(w),
                    found="<absent>",
                    reason="is not a warning this record gives",
                    computed_from=sources,
                )
            )
    out += [
        Difference(
            field="warnings",
            recorded="<absent>",
            found=_show(w),
            reason="a warning this record gives is not recorded",
            computed_from=sources,
        )
        for w in left
    ]
    return out


def _diff(recorded: Any, found: Any) -> list[Difference]:
    recorded = {k: v for k, v in recorded.items() if k not in ("table_values", "warnings")}
    found = {k: v for k, v in found.items() if k not in ("table_values", "warnings")}
    left = dict(_leaves(recorded, ""))
    right = dict(_leaves(found, ""))
    out = []
    for path in [*left, *(p for p in right if p not in left)]:
        if path in _NOT_DIFFED:
            continue
        a, b = left.get(path, "<absent>"), right.get(path, "<absent>")
        if not _same(a, b):
            sources = _computed_from(path)
            reason = (
                f"differs from the figure recomputed from {', '.join(sources)}"
                if sources
                else "differs from what the library writes for this record"
            )
            out.append(
                Difference(
                    field=path,
                    recorded=_show(a),
                    found=_show(b),
                    reason=reason,
                    computed_from=sources,
                )
            )
    return out


def _show(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"value", "unit"}:
        return f"{value['value']} {value['unit']}"
    if isinstance(value, dict) and set(value) == {"code", "message", "field"}:
        return f"[{value['code']}] {value['message']}"
    return str(value)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _tables(stored: list[Any], expected: tuple[TableValue, ...]) -> list[Difference]:
    """Every stored table value against the library's, by key."""
    from ._json import to_json  # noqa: PLC0415

    want = {t.key: to_json(t.value) for t in expected}
    sources = {t.key: t.source for t in expected}
    out = []
    seen: set[str] = set()
    for i, tv in enumerate(stored):
        key, field = tv["key"], f"table_values[{i}]"
        if key not in want or key in seen:
            out.append(
                Difference(
                    field=field,
                    recorded=key,
                    found="-",
                    reason="is given twice"
                    if key in seen
                    else "is not a table value this calculation uses",
                )
            )
            continue
        seen.add(key)
        if tv["source"] != sources[key]:
            out.append(
                Difference(
                    field=f"{field}.source ({key})",
                    recorded=_show(tv["source"]),
                    found=sources[key],
                    reason="stored source text differs from the library's table",
                    computed_from=("result.order",),
                )
            )
        if not _same(tv["value"], want[key]):
            out.append(
                Difference(
                    field=f"{field}.value ({key})",
                    recorded=_show(tv["value"]),
                    found=_show(want[key]),
                    reason="stored table value differs from the library's table",
                    computed_from=("result.order",),
                )
            )
    out += [
        Difference(
            field="table_values",
            recorded="<absent>",
            found=key,
            reason="a table value the calculation used is not recorded",
        )
        for key in want
        if key not in seen
    ]
    return out


def _bench(record: CompoundingRecord) -> _Bench:
    given = any(d.field == "weighing_tolerance" for d in record.defaults)
    return _Bench(
        record_id=record.record_id,
        compounded_by=record.compounded_by,
        verified_by=record.verified_by,
        actual_weighings=tuple(
            ActualWeighing(number=c.number, amount=c.actual) for c in record.actual_weighings
        ),
        unit_weights=record.unit_weights,
        yield_units=record.yield_units,
        deviations=record.deviations,
        container=record.master.container,
        description=None
        if record.master.description == "not described"
        else record.master.description,
        weighing_tolerance=None if given else record.weighing_tolerance,
        acknowledge=record.acknowledged,
    )


def _against_plan(remade: CompoundingRecord) -> list[Difference]:
    """Each actual weighing against its plan at the tolerance the policy allows (or the one
    acknowledged), each unit weight against its window."""
    tolerance = remade.weighing_tolerance
    acknowledged = any(a.code == "weighing-tolerance-above-policy" for a in remade.acknowledged)
    try:
        if not (Decimal(0) < tolerance.m_as(Unit.PERCENT) <= TOLERANCE_LIMIT.magnitude) or (
            tolerance > WEIGHING_TOLERANCE and not acknowledged
        ):
            tolerance = WEIGHING_TOLERANCE
    except LdnCompoundError:
        tolerance = WEIGHING_TOLERANCE
    out = [
        Difference(
            field=f"actual_weighings[{i}].actual",
            recorded=str(c.actual),
            found=f"planned {c.planned}",
            reason=f"deviates {_pct(c.deviation)} %, outside +/-{tolerance_for(c.what, tolerance)}",
            computed_from=(f"actual_weighings[{i}].number", "result.order"),
        )
        for i, c in enumerate(remade.actual_weighings)
        if abs(c.deviation.magnitude) > tolerance_for(c.what, tolerance).m_as(Unit.PERCENT)
    ]
    over = _yield_not_released(remade.result, remade.yield_units)
    if over:
        out.append(
            Difference(
                field="yield_units",
                recorded=str(remade.yield_units),
                found="more units than the mix fills within the weight window",
                reason=over.removesuffix("."),
                computed_from=("yield_units", "result.order"),
            )
        )
    window = _window(remade.result)
    if window is not None:
        out += [
            Difference(
                field=f"unit_weights[{i}]",
                recorded=str(w),
                found=f"{window.low}-{window.high}",
                reason="is outside the unit weight window",
                computed_from=("result.order",),
            )
            for i, w in enumerate(remade.unit_weights)
            if w.dimension is Dimension.MASS and (w < window.low or w > window.high)
        ]
    return out


@private_context
def verify_record(data: Any) -> VerifyReport:
    """Recompute a record (its JSON data) and report every difference by field.

    The record is read strictly (:func:`read_record`). The result is recomputed from the
    stored order, and the whole record made again from it and from what the record says
    happened at the bench (the actual weights, unit weights, yield, tolerance, names): every
    figure that differs is reported by its path, with the fields it is computed from. Also
    checked: every stored table value against the library's tables, the weighing tolerance
    against the policy, each actual weighing against its plan, each unit weight against its
    window. Lists what it cannot check, and what the record does not record yet that a
    release needs (``on_hold``). ``ok`` is true only when nothing differs and nothing is on
    hold: a record NOT READY FOR RELEASE never verifies as ok.
    """
    from ._json import to_json  # noqa: PLC0415

    record = read_record(data)
    data = to_json(record)  # the same data, as the library writes it (read_record checked)
    checked, cannot_check = _version_notes(record)
    formulate = _adapter(record.result.schema).formulate
    try:
        recomputed = formulate(record.result.order, today=record.compounded_on)
    except LdnCompoundError as err:
        return _refused_report(record, err, cannot_check)
    differences, remade = _compare(record, data, recomputed)
    checked += _checked_after_recompute()
    acknowledged = tuple(
        f"{a.code}: {RECORD_ACKNOWLEDGEABLE[a.code]} (the record uses +/-{record.weighing_tolerance}); "
        f"reason: {a.reason}"
        for a in record.acknowledged
    )
    held = on_hold(remade.warnings)
    return VerifyReport(
        schema=VERIFY_SCHEMA,
        record_id=record.record_id,
        ok=not differences and not held,
        differences=tuple(differences),
        acknowledged=acknowledged,
        on_hold=held,
        checked=tuple(checked),
        cannot_check=tuple(cannot_check),
    )


def _version_notes(record: CompoundingRecord) -> tuple[list[str], list[str]]:
    """What is checked and what cannot be, with a note when another version wrote the record."""
    checked: list[str] = []
    cannot_check = list(CANNOT_CHECK)
    if record.library_version != __version__:
        checked.append(
            f"note: recorded with ldncompound {record.library_version}, verified with "
            f"{__version__}: table values and policy figures are those of {__version__}"
        )
        cannot_check.append(
            f"whether the table values and policy figures were right for ldncompound "
            f"{record.library_version} (this library has only its own tables)"
        )
    return checked, cannot_check


def _refused_report(
    record: CompoundingRecord, err: LdnCompoundError, cannot_check: list[str]
) -> VerifyReport:
    """The report when the stored order is refused on recomputation."""
    field = f"result.order.{err.field}" if err.field else "result.order"
    return VerifyReport(
        schema=VERIFY_SCHEMA,
        record_id=record.record_id,
        ok=False,
        differences=(
            Difference(
                field=field,
                recorded=_show(err.value) if err.value is not None else "the stored order",
                found="refused",
                reason=err.message,
                computed_from=("result.order",),
            ),
        ),
        acknowledged=(),
        on_hold=(),
        checked=("the stored order, recomputed: refused",),
        cannot_check=tuple(cannot_check),
    )


def _compare(
    record: CompoundingRecord, data: Any, recomputed: Any
) -> tuple[list[Difference], CompoundingRecord]:
    """The differences between the stored record and the record made again from the
    recomputed result and the bench (figures, warnings, table values, weighings), and the
    record made again."""
    from ._json import to_json  # noqa: PLC0415

    problems = _Problems(strict=False)
    remade = _assemble(recomputed, _bench(record), problems, stored=record.actual_weighings)
    # the lot the labels carry is generated from the result they were made from: the stored
    # one (whose dated warnings a recomputed result may lack) or the recomputed one (a result
    # saved before a warning existed)
    from ._labels import batch_lot  # noqa: PLC0415 - label machinery, on use

    stored_lot = batch_lot(record.result, record.record_id)
    if record.lot != remade.lot:
        remade = attrs.evolve(remade, lot=stored_lot)
    differences = list(problems.found)
    # warnings of checks against the day the record was made (a compounding date ahead of
    # it, acknowledged) cannot be reproduced on another day: left out on both sides
    # nor is an acknowledgement-unused warning a record made before it existed lacks
    data, written = unmatched_unused_left_out(
        without_dated_warnings(data), without_dated_warnings(to_json(remade))
    )
    if "lot" not in data:  # a record written before the lot was stated in it
        written = {k: v for k, v in written.items() if k != "lot"}
    differences += _diff(data, written)
    differences += _warnings(data["warnings"], written["warnings"])
    differences += _tables(data["table_values"], remade.table_values)
    differences += _against_plan(remade)
    return differences, remade


def _checked_after_recompute() -> list[str]:
    """What a verification checks once the result is recomputed."""
    return [
        "every figure of the result, recomputed from the stored order",
        "the master formulation record, derived again from the result",
        "every stored table value and its source text against the library's tables, by key",
        (
            f"the weighing tolerance against the policy (+/-{WEIGHING_TOLERANCE}), "
            "and every acknowledgement"
        ),
        (
            "each actual weighing or measured volume against its plan: deviation, tolerance, "
            "weighings missing or given twice"
        ),
        (
            "the weight check (n, mean, SD, RSD, range, units outside, pass) recomputed from the "
            "unit weights, and each unit weight against the window"
        ),
        (
            "the yield against the units the batch makes, its percentage, and the content per "
            "unit it implies against the weight window"
        ),
        "what a release needs that the record does not record yet (listed as on hold)",
        "the record's warnings and defaults, made again from all of the above",
    ]


def _register() -> None:
    from ._json import register_schema  # noqa: PLC0415

    register_schema(RECORD_SCHEMA, CompoundingRecord, record_from_json)
    register_schema(VERIFY_SCHEMA, VerifyReport)


_register()
