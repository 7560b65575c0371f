"""Dose-range guards from the drug's profile.

A dose outside the profile is *blocked* unless the order acknowledges the guard's code (a
warning alone is silence in a batch); an acknowledged dose proceeds with a warning in the
result. A drug without a profile gets a "no dose-range check" warning, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ._drug import Drug
from ._errors import InputError
from ._numbers import CONTEXT, plain
from ._plausible import ACKNOWLEDGEABLE, DATED_CHECKS
from ._trace import Recorder, ResultWarning
from ._units import Quantity, Unit

#: The codes an order may acknowledge: each lets one dose guard through, with its warning.
DOSE_GUARDS = ("dose-above-range", "dose-below-range", "daily-dose-above-range")


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
    """Check a single dose (and the daily total, when the frequency is known)."""
    profile = drug.profile
    if profile is None:
        rec.warn(
            "no-dose-range-check",
            f"{drug.name} has no dose profile, so no dose-range check was made.",
            field,
        )
        return
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
    if not checks:
        return
    shown = f"{dose} as {drug.describe(basis)}"
    for code, problem, where in checks:
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
