"""Dose-range guards from the drug's profile.

A dose outside the profile is *blocked* unless the order acknowledges the guard's code (a
warning alone is silence in a batch); an acknowledged dose proceeds with a warning in the
result. A drug without a profile gets a "no dose-range check" warning, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

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


def warn_unused(rec: Recorder, also: Iterable[ResultWarning] = ()) -> None:
    """Warn ``acknowledgement-unused`` when a check the order acknowledges (``rec``'s
    ``acknowledged``) did not fire: an acknowledgement kept in a template or a spreadsheet
    column would otherwise lift the check silently the day a typo needs it. The checks of
    the compounding date (:data:`DATED_CHECKS`) are left out: whether they fire depends on
    the day the order is computed, which a verification on another day cannot reproduce.

    Called once, where each preparation's result takes its warnings (``also``: the
    warnings of the batches a titration kit holds, which are checked on their own)."""
    fired = {w.code for w in (*rec.warnings, *also)}
    unused = sorted(rec.acknowledged - fired - DATED_CHECKS)
    if unused:
        listed = ", ".join(repr(code) for code in unused)
        rec.warn(
            "acknowledgement-unused",
            f"The order acknowledges {listed} but no such check fired; leave the "
            "acknowledgement out, or a later mistyped figure passes with only a warning.",
            "acknowledge",
        )


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
