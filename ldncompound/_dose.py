"""Dose-range guards from the drug's profile.

A dose outside the profile is *blocked* unless the order acknowledges the guard's code (a
warning alone is silence in a batch); an acknowledged dose proceeds with a warning in the
result. A drug without a profile gets a "no dose-range check" warning, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ._drug import Drug
from ._errors import InputError
from ._numbers import CONTEXT, plain
from ._plausible import ACKNOWLEDGEABLE, DATED_CHECKS
from ._trace import Recorder, ResultWarning
from ._units import Quantity, Unit

#: The codes an order may acknowledge: each lets one dose guard through, with its warning.
DOSE_GUARDS = (
    "dose-above-range",
    "dose-below-range",
    "daily-dose-above-range",
    "dose-precision",
)


def acknowledgements(_i: object, _a: object, value: object) -> None:
    """attrs validator of an order's ``acknowledge``: codes of :data:`ACKNOWLEDGEABLE` only
    (the dose guards and the plausibility checks).

    A misspelt code would never match its guard, and text that lands here from a shifted CSV
    column would be kept without a word; both are refused.
    """
    if isinstance(value, str):
        raise InputError.about(
            "acknowledge",
            value,
            "is text, not a list of codes",
            "a tuple of codes",
            code="not-a-list",
        )
    seen: set[object] = set()
    for code in value:  # type: ignore[attr-defined]
        if code not in ACKNOWLEDGEABLE:
            raise InputError.about(
                "acknowledge",
                code,
                "is not a check that can be acknowledged",
                "one of " + ", ".join(ACKNOWLEDGEABLE),
                code="unknown-acknowledgement",
            )
        if code in seen:
            raise InputError.about(
                "acknowledge",
                code,
                "is acknowledged twice",
                "each check acknowledged once",
                code="duplicate-acknowledgement",
            )
        seen.add(code)


#: the warning of an acknowledgement that lifted nothing
UNUSED = "acknowledgement-unused"


def unused_warning(
    acknowledged: Iterable[str], warnings: Iterable[ResultWarning]
) -> ResultWarning | None:
    """The ``acknowledgement-unused`` warning for the ``acknowledged`` codes no warning in
    ``warnings`` fired (the checks of the compounding date, :data:`DATED_CHECKS`, left out:
    whether they fire depends on the day the order is computed, which a verification on
    another day cannot reproduce); ``None`` when every one fired."""
    fired = {w.code for w in warnings}
    unused = sorted(set(acknowledged) - fired - DATED_CHECKS)
    if not unused:
        return None
    listed = ", ".join(repr(code) for code in unused)
    return ResultWarning(
        code=UNUSED,
        message=(
            f"The order acknowledges {listed} but no such check fired; leave the "
            "acknowledgement out, or a later mistyped figure passes with only a warning."
        ),
        field="acknowledge",
    )


def warn_unused(rec: Recorder, also: Iterable[ResultWarning] = ()) -> None:
    """Warn ``acknowledgement-unused`` when a check the order acknowledges (``rec``'s
    ``acknowledged``) did not fire (:func:`unused_warning`): an acknowledgement kept in a
    template or a spreadsheet column would otherwise lift the check silently the day a typo
    needs it.

    Called once, where each preparation's result takes its warnings (``also``: the
    warnings of the batches a titration kit holds, which are checked on their own)."""
    warning = unused_warning(rec.acknowledged, (*rec.warnings, *also))
    if warning is not None:
        rec.warn(warning.code, warning.message, warning.field)


def unmatched_unused_left_out(stored: Any, fresh: Any) -> tuple[Any, Any]:
    """The JSON forms ``stored`` (a saved result or record) and ``fresh`` (the same, computed
    again) with an ``acknowledgement-unused`` warning left out of a ``warnings`` list where
    only one side has one: it is advice about the order, made from the order's
    acknowledgements and the other warnings (both compared), and a result saved before the
    library gave it (or by a library that gave it to a kit's batch for a code another step
    used) is not a different result. Where both sides have one, they are compared as they
    are, and every other field and warning is left as it is."""
    if isinstance(stored, dict) and isinstance(fresh, dict):
        pairs = {k: _left_out(k, stored[k], fresh[k]) for k in stored if k in fresh}
        return (
            {k: pairs[k][0] if k in pairs else v for k, v in stored.items()},
            {k: pairs[k][1] if k in pairs else v for k, v in fresh.items()},
        )
    if isinstance(stored, list) and isinstance(fresh, list) and len(stored) == len(fresh):
        pairs_list = [unmatched_unused_left_out(a, b) for a, b in zip(stored, fresh, strict=True)]
        return [a for a, _ in pairs_list], [b for _, b in pairs_list]
    return stored, fresh


def _left_out(key: str, stored: Any, fresh: Any) -> tuple[Any, Any]:
    if key != "warnings" or not (isinstance(stored, list) and isinstance(fresh, list)):
        return unmatched_unused_left_out(stored, fresh)

    def others(warnings: list[Any]) -> list[Any]:
        return [w for w in warnings if not (isinstance(w, dict) and w.get("code") == UNUSED)]

    kept, remade = others(stored), others(fresh)
    if (len(kept) < len(stored)) == (len(remade) < len(fresh)):
        return stored, fresh  # both have one, or neither: compared as they are
    return kept, remade


def check_dose(
    drug: Drug,
    dose: Quantity,
    basis: str,
    *,
    doses_per_day: Decimal | None,
    acknowledge: frozenset[str],
    rec: Recorder,
    field: str = "dose",
) -> None:
    """Check a single dose (and the daily total, when the frequency is known), then its
    precision (:func:`check_precision`)."""
    for code, problem, where in _out_of_range(drug, dose, basis, doses_per_day, rec, field):
        shown = f"{dose} as {drug.describe(basis)}"
        if code not in acknowledge:
            raise InputError.about(
                where,
                shown,
                problem,
                f"a dose in range, or the acknowledgement {code!r} on the order if the prescriber "
                "intends it",
                code=code,
            )
        rec.warn(code, f"The dose {shown} {problem}; acknowledged on the order.", where)
    check_precision(dose, acknowledge=acknowledge, rec=rec, field=field)


#: The smallest share of a dose, in %, that a stated digit may change: the plans keep the dose
#: within 0.5 % (the rounding tolerance) and the balances within 5 % (USP <1176>), so a digit
#: worth less than 0.1 % of the dose resolves nothing any preparation can hold. A dose within
#: it of a value with fewer significant figures (4.4999 mg, 0.333333 mg) is the signature of
#: an upstream computation (4.5 x 0.99998, 1/3 mg), not a prescription [D].
DOSE_RESOLUTION = Decimal("0.1")


def rounder_value(value: Decimal) -> Decimal | None:
    """The value with the fewest significant figures within :data:`DOSE_RESOLUTION` % of
    ``value`` (``None`` when only ``value`` itself is)."""
    digits = len(value.normalize().as_tuple().digits)
    for keep in range(1, digits):
        quantum = Decimal(1).scaleb(value.adjusted() - keep + 1)
        rounder = value.quantize(quantum, rounding=ROUND_HALF_UP, context=CONTEXT)
        if abs(value - rounder) * 100 < value * DOSE_RESOLUTION:
            return rounder
    return None


def check_precision(
    dose: Quantity, *, acknowledge: frozenset[str], rec: Recorder, field: str = "dose"
) -> None:
    """Refuse (unless acknowledged: ``dose-precision``) a dose stated to more significant
    figures than any plan resolves: within 0.1 % of a rounder value, which is suggested."""
    rounder = rounder_value(dose.magnitude)
    if rounder is None:
        return
    meant = Quantity(rounder, dose.unit)
    problem = (
        f"has more significant figures than the dose tolerance resolves (within "
        f"{plain(DOSE_RESOLUTION)} % of {meant}: did you mean {meant}?)"
    )
    if "dose-precision" not in acknowledge:
        raise InputError.about(
            field,
            str(dose),
            problem,
            f"the dose as prescribed (such as {meant}), or the acknowledgement 'dose-precision' "
            "on the order if the prescriber intends every figure",
            code="dose-precision",
        )
    rec.warn("dose-precision", f"The dose {dose} {problem}; acknowledged on the order.", field)


def _out_of_range(
    drug: Drug,
    dose: Quantity,
    basis: str,
    doses_per_day: Decimal | None,
    rec: Recorder,
    field: str,
) -> list[tuple[str, str, str]]:
    """The profile's checks the dose fails, single and daily, each ``(code, problem,
    field)`` (none, with a warning, for a drug without a profile)."""
    profile = drug.profile
    if profile is None:
        rec.warn(
            "no-dose-range-check",
            f"{drug.name} has no dose profile, so no dose-range check was made.",
            field,
        )
        return []
    ref = drug.default_basis
    single = drug.convert(dose, basis, ref).to(Unit.MG)
    checks: list[tuple[str, str, str]] = []
    if single > profile.high:
        unit_range = f"{profile.low}-{profile.high} of {drug.describe(ref)} per dose"
        checks.append(
            ("dose-above-range", f"is above the usual low-dose range ({unit_range})", field)
        )
    elif single < profile.low:
        unit_range = f"{profile.low}-{profile.high} of {drug.describe(ref)} per dose"
        checks.append(("dose-below-range", f"is in the microgram range, below {unit_range}", field))
    if doses_per_day is not None:
        daily = Quantity(CONTEXT.multiply(single.magnitude, doses_per_day), Unit.MG)
        if daily > profile.daily_high:
            checks.append(
                (
                    "daily-dose-above-range",
                    (
                        f"gives {plain(daily.magnitude)} mg a day ({plain(doses_per_day)} "
                        f"dose{'' if doses_per_day == 1 else 's'} a day), above the daily limit of "
                        f"{profile.daily_high}"
                    ),
                    "doses_per_day",
                )
            )
    return checks
