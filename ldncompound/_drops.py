"""Sublingual drops: dropper calibration, drops per dose, and the drops liquid.

A drop's size depends on the liquid and the dropper, so the drops per mL are measured with
the dropper that is dispensed and the preparation itself: N drops into a measured volume
(domain.md §6.2). The label then says "use only the dropper supplied". The nominal 20 drops
per mL of a USP medicine dropper is used only when the order accepts it, with a warning.

Method (mg of the dose basis):

1. ``drops per mL = N / V`` (calibration) and ``mg per drop = C / drops per mL``.
2. ``drops per dose = dose / mg per drop`` must be a whole number (within the 0.05 % the
   concentration is stated to): otherwise the order is refused with concentrations that make
   the dose whole drops, as are more drops than the cap and less than one drop. A dose is
   never rounded to whole drops; the label states the prescribed dose.
3. Suggested concentration: the largest mg per drop from 5 mg down to 0.001 mg (1-2-2.5-5
   steps) that makes the dose a whole number of drops from 3 to the cap, times drops per mL.
4. The liquid itself (source amounts, aliquot, q.s., BUD): :mod:`._liquid_batch`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar

import attrs

from ._bud import BeyondUseDate
from ._errors import FormulationError, InputError
from ._liquid_batch import (
    FillPlan,
    LiquidBatch,
    LiquidFields,
    Setup,
    Usable,
    check_count,
    check_solubility,
    make_batch,
    master_facts,
    preparation_facts,
    result_fields,
    setup,
    usable_concentrations,
)
from ._numbers import CONTEXT, HUNDRED, ONE, plain, private_context, significant, tidy
from ._plausible import DROPPER_IMPLAUSIBLE, DROPS_PER_ML_CHECK
from ._preparation import Preparation, register, register_document
from ._supplied import echo_from_profile
from ._trace import DefaultUsed, Recorder, ResultWarning, Step, stamp
from ._units import Dimension, Quantity, Unit
from ._validate import mass_field, qfield, text_field
from ._vocabulary import LabelAmount, LabelFacts, PreparationFacts

DROPS_SCHEMA = "ldncompound/drops/2"
DROPPER_CALIBRATION_SCHEMA = "ldncompound/dropper-calibration/1"
DROPS_ORDER_SCHEMA = "ldncompound/order/drops/1"
NOMINAL_SOURCE = (
    "a USP medicine dropper delivers about 20 drops of water per mL (45-55 mg a drop); drop size "
    "changes with the liquid, so this is nominal only (USP <1101>; domain.md §6.2) [V]"
)
MAX_DROPS = 20
MAX_DROPS_SOURCE = (
    "at most 20 drops a dose, about 1 mL at the nominal drop size: more is hard to count and to "
    "hold under the tongue (library policy) [D]"
)
#: A dose is whole drops when the drops deliver it within the precision the concentration is
#: stated to (4 significant figures: half a unit in the fourth figure is at most 0.05 %).
WHOLE_DROPS_PRECISION = Decimal("0.0005")
WHOLE_DROPS_SOURCE = (
    "a concentration is written to 4 significant figures (what can be prepared and labelled), "
    "so it is known to 0.05 %; whole drops within that are the prescribed dose (library policy) [D]"
)
#: A suggestion makes each dose at least this many drops (one miscounted drop is then at most a third).
MIN_SUGGESTED_DROPS = 3
FEW_CALIBRATION_DROPS = 20
#: mg per drop the suggestion tries, largest first.
MG_PER_DROP: tuple[Decimal, ...] = tuple(
    Decimal(u)
    for u in (
        "5", "2.5", "2", "1", "0.5", "0.25", "0.2", "0.1", "0.05", "0.025", "0.02", "0.01",
        "0.005", "0.0025", "0.002", "0.001",
    )
)  # fmt: skip


@attrs.frozen(kw_only=True)
class DropperCalibration:
    """``drops`` of the preparation from ``dropper`` filled ``volume``; tied to that dropper.

    ``dropper`` says which dropper this is (it is dispensed with the drops: "use only the
    dropper supplied"). ``nominal`` marks the uncalibrated 20 drops per mL.
    """

    schema: ClassVar[str] = DROPPER_CALIBRATION_SCHEMA

    drops: int
    volume: Quantity = qfield(Dimension.VOLUME)
    dropper: str = attrs.field(validator=text_field("calibration.dropper"))
    nominal: bool = False

    def as_result(self) -> CalibrationResult:
        """This calibration as its result document (what ``calibrate-dropper`` writes)."""
        return calibration_result(self)

    def __attrs_post_init__(self) -> None:
        check_count("calibration.drops", self.drops, 1000, "drops counted")
        if not isinstance(self.volume, Quantity):
            raise InputError.about(
                "calibration.volume", self.volume, "is not a quantity", "a volume such as '2.5 mL'"
            )
        self.volume.require(Dimension.VOLUME, "calibration.volume")
        if self.volume.magnitude <= 0 or self.volume.m_as(Unit.ML) > 100:
            raise InputError.about(
                "calibration.volume",
                str(self.volume),
                "is out of range",
                "more than 0 and at most 100 mL",
                code="out-of-range",
            )
        per_ml = self.per_ml
        if not Decimal(5) <= per_ml <= Decimal(100):
            raise InputError.about(
                "calibration.drops",
                f"{self.drops} drops in {self.volume}",
                f"gives {significant(per_ml, 4)} drops per mL, which no dropper delivers",
                "5 to 100 drops per mL: check the count and the volume",
                code="implausible-calibration",
            )

    @property
    def per_ml(self) -> Decimal:
        """Drops per mL (N / V)."""
        return CONTEXT.divide(Decimal(self.drops), self.volume.m_as(Unit.ML))

    @property
    def drops_per_ml(self) -> Quantity:
        return Quantity(self.per_ml, Unit.DROP_PER_ML)

    @property
    def label_text(self) -> str:
        return "Use only the dropper supplied."


NOMINAL_DROPPER = DropperCalibration(
    drops=20,
    volume=Quantity(1, Unit.ML),
    dropper="nominal USP medicine dropper (not calibrated)",
    nominal=True,
)


@private_context
def calibrate_dropper(*, drops: int, volume: Quantity, dropper: str) -> DropperCalibration:
    """Drops per mL of a preparation from the dropper that will be dispensed: ``drops`` counted
    into ``volume`` (WE-15: 40 drops to 2.5 mL -> 16 drops per mL)."""
    return DropperCalibration(drops=drops, volume=volume, dropper=dropper)


@attrs.frozen(kw_only=True)
class CalibrationResult:
    """A dropper calibration as a result document (``ldncompound/dropper-calibration/1``): the
    inputs (drops counted, the volume they filled, the dropper), the drops per mL, the volume
    of one drop, the label statement, warnings and trace."""

    schema: str
    library_version: str
    calibration: DropperCalibration
    drops_per_ml: Quantity
    volume_per_drop: Quantity
    label_text: str
    warnings: tuple[ResultWarning, ...]
    trace: tuple[Step, ...]


def _check_calibration(rec: Recorder, cal: DropperCalibration) -> None:
    """A measured calibration's checks: its drops per mL within a dropper's window (refused
    unless ``rec`` acknowledges ``dropper-implausible``) and enough drops counted (warned)."""
    DROPS_PER_ML_CHECK.apply(
        rec,
        "calibration.drops",
        Quantity(cal.per_ml, Unit.DROP_PER_ML),
        given=f"{cal.drops} drops in {cal.volume}",
    )
    if cal.drops < FEW_CALIBRATION_DROPS:
        rec.warn(
            "calibration-few-drops",
            f"The calibration counted only {cal.drops} drops; count at least "
            f"{FEW_CALIBRATION_DROPS} drops into the measuring device for a reliable figure.",
            "calibration.drops",
        )


def _per_ml_step(rec: Recorder, cal: DropperCalibration, of: str) -> Quantity:
    """The drops per mL (N / V) of ``cal`` as a step of the trace; ``of`` says of what liquid
    from which dropper."""
    return rec.step(
        "drops-per-ml",
        f"drops per mL of {of} ({cal.dropper})",
        "drops/mL = N / V",
        cal.drops_per_ml,
        N=Quantity(cal.drops, Unit.DROP),
        V=cal.volume,
    )


def calibration_result(calibration: DropperCalibration) -> CalibrationResult:
    """The result of a dropper calibration: drops per mL (N / V) and mL per drop (V / N, 4
    significant figures). A calibration outside the plausible window, or from fewer than 20
    drops, is warned about here (an order that uses it refuses the implausible one unless it
    acknowledges ``dropper-implausible``)."""
    if not isinstance(calibration, DropperCalibration):
        raise InputError.about(
            "calibration",
            type(calibration).__name__,
            "is not a dropper calibration",
            "the result of calibrate_dropper",
        )
    rec = Recorder(acknowledged=frozenset({DROPPER_IMPLAUSIBLE.code}))
    if not calibration.nominal:
        _check_calibration(rec, calibration)
    per_ml = _per_ml_step(rec, calibration, "the preparation from the dropper")
    per_drop = rec.step(
        "volume-per-drop",
        "volume of one drop (4 significant figures)",
        "V / N",
        Quantity(
            Decimal(
                significant(
                    CONTEXT.divide(calibration.volume.m_as(Unit.ML), Decimal(calibration.drops)), 4
                )
            ),
            Unit.ML,
        ),
        V=calibration.volume,
        N=Quantity(calibration.drops, Unit.DROP),
    )
    return CalibrationResult(
        **stamp(DROPPER_CALIBRATION_SCHEMA),
        calibration=calibration,
        drops_per_ml=per_ml,
        volume_per_drop=per_drop,
        label_text=calibration.label_text,
        warnings=tuple(rec.warnings),
        trace=tuple(rec.steps),
    )


@attrs.frozen(kw_only=True)
class DropsOrder(LiquidFields):
    """A sublingual drops order: the fields of every liquid, the dropper calibration (or the
    explicit acceptance of the nominal 20 drops per mL) and the cap on drops per dose."""

    SCHEMA: ClassVar[str] = DROPS_ORDER_SCHEMA

    calibration: DropperCalibration | None = None
    accept_nominal_dropper: bool = False
    max_drops: int | None = None
    dose_per_drop: Quantity | None = qfield(  # added in 0.2: documents may leave it out
        Dimension.MASS, mass_field("dose_per_drop"), default=None, omittable=True
    )

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.calibration is None and not self.accept_nominal_dropper:
            raise InputError.about(
                "calibration",
                None,
                "is missing: drop size depends on the dropper and the liquid, so drops per mL must be "
                "measured with the dispensed dropper and this preparation",
                "a calibration (N drops of the preparation into a measured volume), or the explicit "
                "acceptance of the nominal 20 drops per mL",
                code="dropper-not-calibrated",
            )
        if self.calibration is not None and self.accept_nominal_dropper:
            raise InputError.about(
                "accept_nominal_dropper",
                None,
                "was set together with a calibration",
                "one of the two (the calibration is preferred)",
            )
        if self.calibration is not None and self.calibration.nominal:
            raise InputError.about(
                "calibration",
                self.calibration.dropper,
                "is the nominal dropper, not a calibration",
                "a measured calibration, or accept_nominal_dropper",
                code="dropper-not-calibrated",
            )
        if self.max_drops is not None:
            check_count("max_drops", self.max_drops, 60, "drops a dose")


@attrs.frozen(kw_only=True)
class DropsResult:
    """Complete sublingual drops: drops per dose, delivered dose, the liquid, BUD and label facts."""

    SCHEMA: ClassVar[str] = DROPS_SCHEMA

    schema: str
    library_version: str
    order: DropsOrder
    drug: str
    dose_basis: str
    dose_basis_name: str
    dose: Quantity
    concentration: Quantity
    dropper: DropperCalibration
    drops_per_ml: Quantity
    per_drop: Quantity
    drops_per_dose: int
    dose_delivered: Quantity
    dose_deviation: Quantity
    dose_volume: Quantity
    max_drops: int
    suggested_concentration: Quantity | None
    suggested_drops: int | None
    batch: LiquidBatch
    bud: BeyondUseDate
    fills: FillPlan | None
    label: LabelFacts
    allergens: tuple[str, ...]
    warnings: tuple[ResultWarning, ...]
    defaults: tuple[DefaultUsed, ...]
    trace: tuple[Step, ...]


def _whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


def _round_amounts(
    dose_mg: Decimal, cal: DropperCalibration, max_drops: int
) -> Iterator[tuple[Decimal, int]]:
    """(concentration, drops) for each round amount a drop (:data:`MG_PER_DROP`, largest first)
    of which ``dose_mg`` is a whole number of drops, from the fewest a suggestion makes to the
    cap."""
    fewest = min(MIN_SUGGESTED_DROPS, max_drops)
    for per_drop in MG_PER_DROP:
        n = CONTEXT.divide(dose_mg, per_drop)
        if _whole(n) and fewest <= n <= max_drops:
            yield _stated(CONTEXT.divide(per_drop * cal.drops, cal.volume.m_as(Unit.ML))), int(n)


def _for_drops(dose_mg: Decimal, cal: DropperCalibration, whole: int) -> Decimal:
    """The concentration that makes ``dose_mg`` exactly ``whole`` drops of ``cal``."""
    return _stated(CONTEXT.divide(dose_mg * cal.drops, Decimal(whole) * cal.volume.m_as(Unit.ML)))


def _stated(c: Decimal) -> Decimal:
    """A concentration as it is written: 4 significant figures."""
    return Decimal(significant(c, 4))


def suggest(
    dose_mg: Decimal, cal: DropperCalibration, max_drops: int, usable: Usable
) -> tuple[Decimal, int] | None:
    """(concentration mg/mL, drops) making ``dose_mg`` a small whole number of drops.

    The concentration is written to 4 significant figures (what can be prepared and labelled);
    when the drops per mL are not a short decimal, the drops it gives are then a hair off a
    whole number, which the result reports like any other rounding.
    """
    for c, n in _round_amounts(dose_mg, cal, max_drops):
        if c in usable:
            return c, n
    for whole in range(min(MIN_SUGGESTED_DROPS, max_drops), max_drops + 1):
        c = _for_drops(dose_mg, cal, whole)
        if c in usable:
            return c, whole
    return None


def _options(dose_mg: Decimal, cal: DropperCalibration, max_drops: int, usable: Usable) -> str:
    """Up to three concentrations (4 significant figures) that make ``dose_mg`` whole drops
    of an exact amount (:func:`_for_people`) with this dropper: the suggestion first, then
    round amounts a drop (3 drops or more), then any whole count up to the cap, closest to 6
    drops first."""
    found: list[tuple[Decimal, int]] = []

    def add(c: Decimal, n: int) -> None:
        exact = _for_people(CONTEXT.divide(dose_mg, Decimal(n)))
        if exact and c in usable and all(c != f[0] for f in found):
            found.append((c, n))

    for c, n in _round_amounts(dose_mg, cal, max_drops):
        add(c, n)
    for whole in sorted(range(1, max_drops + 1), key=lambda w: abs(w - 2 * MIN_SUGGESTED_DROPS)):
        if len(found) >= 3:  # only the first three are shown: the rest cannot change them
            break
        add(_for_drops(dose_mg, cal, whole), whole)
    return ", ".join(f"{plain(c)} mg/mL ({n} drops)" for c, n in found[:3]) or "none"


@private_context
def formulate_drops(order: DropsOrder, *, today: dt.date | None = None) -> DropsResult:
    """Compute sublingual drops for ``order``: drops per dose with the dispensed dropper, the
    dose they deliver, the suggested concentration, the liquid, BUD, warnings and trace.

    Raises :class:`InputError` for bad input (an uncalibrated dropper not accepted) and
    :class:`FormulationError` when a dose is not a whole number of drops (up to the cap).
    """
    rec = Recorder(acknowledged=frozenset(order.acknowledge))
    echo_from_profile(order, rec)
    su = setup(order, rec)
    dose = order.dose
    cal = _calibration(order, rec)
    per_ml = _per_ml_step(rec, cal, "this preparation from the dispensed dropper")
    max_drops = order.max_drops
    if max_drops is None:
        max_drops = MAX_DROPS
        rec.default("max_drops", Quantity(max_drops, Unit.DROP), MAX_DROPS_SOURCE)
    suggestion = suggest(dose.m_as(Unit.MG), cal, max_drops, usable_concentrations(order, su))
    concentration = _concentration(order, su, cal, max_drops, suggestion, rec)
    per_drop = _per_drop(concentration, cal, per_ml, rec)
    drops = _drops_per_dose(order, su, concentration, cal, max_drops, rec)
    made = make_batch(
        order,
        su,
        concentration=concentration,
        dose_volume=drops.exact_volume,
        dose_parts=(Decimal(drops.n) * cal.volume.m_as(Unit.ML), Decimal(cal.drops)),
        rec=rec,
        today=today,
        container=f"tight, light-resistant (amber) dropper bottle with the dropper calibrated ({cal.dropper})",
        concentration_field="concentration" if order.dose_per_drop is None else "dose_per_drop",
    )
    suspension = made[0].suspension
    if suspension:
        rec.warn(
            "suspension-drops",
            "The drops are a suspension: drug sits in the settling excipients, so each drop holds the "
            "stated dose only if the bottle is shaken well just before use; prefer API powder for drops.",
            "source",
        )
    shown_per_drop = per_drop.to(Unit.MCG_PER_DROP) if dose.unit is Unit.MCG else per_drop
    return DropsResult(
        order=order,
        dose=dose,
        concentration=concentration,
        dropper=cal,
        drops_per_ml=per_ml,
        per_drop=shown_per_drop,
        drops_per_dose=drops.n,
        dose_delivered=drops.delivered,
        dose_deviation=drops.deviation,
        dose_volume=Quantity(drops.volume, Unit.ML),
        max_drops=max_drops,
        suggested_concentration=None
        if suggestion is None
        else Quantity(suggestion[0], Unit.MG_PER_ML),
        suggested_drops=None if suggestion is None else suggestion[1],
        **result_fields(
            DROPS_SCHEMA,
            su,
            made,
            rec,
            dosage_form="sublingual drops" + (" (suspension)" if suspension else ""),
            route="sublingual",
            dose_measure=f"{drops.n} drops ({LabelAmount.of(dose).display}) under the tongue",
            per_drop=shown_per_drop,
        ),
    )


def _per_drop(
    concentration: Quantity, cal: DropperCalibration, per_ml: Quantity, rec: Recorder
) -> Quantity:
    """The drug in one drop (4 significant figures)."""
    return rec.step(
        "per-drop",
        "drug in one drop (4 significant figures)",
        "per drop = C / drops per mL",
        Quantity(
            Decimal(
                significant(
                    CONTEXT.divide(
                        concentration.m_as(Unit.MG_PER_ML) * cal.volume.m_as(Unit.ML),
                        Decimal(cal.drops),
                    ),
                    4,
                )
            ),
            Unit.MG_PER_DROP,
        ),
        C=concentration,
        drops_per_ml=per_ml,
    )


def _calibration(order: DropsOrder, rec: Recorder) -> DropperCalibration:
    """The dropper's calibration, or the nominal 20 drops per mL (a default, with a warning)."""
    cal = order.calibration
    if cal is None:
        rec.default("calibration", "20 drops per mL (nominal)", NOMINAL_SOURCE)
        rec.warn(
            "nominal-dropper",
            "The drops per mL are the nominal 20 of a USP medicine dropper, not measured: real drops of "
            "this liquid may be 15 % or more larger or smaller. Calibrate the dispensed dropper with the "
            "preparation (count drops into a measured volume) and recompute.",
            "calibration",
        )
        return NOMINAL_DROPPER
    _check_calibration(rec, cal)
    return cal


def _concentration(
    order: DropsOrder,
    su: Setup,
    cal: DropperCalibration,
    max_drops: int,
    suggestion: tuple[Decimal, int] | None,
    rec: Recorder,
) -> Quantity:
    """The order's concentration (within the solubility), the one its dose per drop gives, or
    the suggested one."""
    if order.dose_per_drop is not None:
        return _from_dose_per_drop(order, order.dose_per_drop, su, cal, max_drops, rec)
    if order.concentration is not None:
        check_solubility(order.concentration.m_as(Unit.MG_PER_ML), su.solubility, "concentration")
        return order.concentration
    if suggestion is None:
        raise FormulationError.about(
            "concentration",
            None,
            f"cannot be suggested: no concentration{usable_concentrations(order, su).up_to()} makes "
            f"{order.dose} a whole "
            f"number of drops up to {max_drops}",
            "a concentration on the order",
            code="no-concentration",
        )
    concentration = Quantity(suggestion[0], Unit.MG_PER_ML)
    rec.default(
        "concentration",
        concentration,
        f"makes {order.dose} exactly {suggestion[1]} drops at {significant(cal.per_ml, 4)} drops per mL: "
        "the largest of 5-0.001 mg a drop (1-2-2.5-5 steps) giving 3 drops or more (library policy) [D]",
    )
    return concentration


def _from_dose_per_drop(
    order: DropsOrder,
    per_drop: Quantity,
    su: Setup,
    cal: DropperCalibration,
    max_drops: int,
    rec: Recorder,
) -> Quantity:
    """The concentration a stated dose per drop gives with this dropper (C = dose per drop x
    drops per mL, to the 4 significant figures a concentration is stated to), refused when the
    dose is not whole drops of it, or when the order's concentration says otherwise."""
    shown = str(per_drop)
    dose = order.dose
    p = per_drop.m_as(Unit.MG)
    exact = CONTEXT.divide(dose.m_as(Unit.MG), p)
    n = int(exact.to_integral_value(rounding=ROUND_HALF_UP))
    if n < 1 or n > max_drops:
        raise InputError.about(
            "dose_per_drop",
            shown,
            f"makes the {dose} dose {significant(exact, 4)} drops, outside 1 to {max_drops} drops",
            f"a dose per drop from {significant(CONTEXT.divide(dose.m_as(Unit.MG), Decimal(max_drops)), 4)} "
            f"mg to {dose}",
            code="dose-per-drop-out-of-range",
        )
    if abs(CONTEXT.divide(Decimal(n) * p, dose.m_as(Unit.MG)) - ONE) > WHOLE_DROPS_PRECISION:
        near = sorted({max(n - 1, 1), n, n + 1} - {0})
        raise InputError.about(
            "dose_per_drop",
            shown,
            f"makes the {dose} dose {significant(exact, 4)} drops, not a whole number",
            f"a dose per drop that divides the dose, such as "
            f"{_people_options(dose.m_as(Unit.MG), n, max_drops, near)}",
            code="dose-per-drop-not-whole",
        )
    if not _for_people(CONTEXT.divide(dose.m_as(Unit.MG), Decimal(n))):
        raise InputError.about(
            "dose_per_drop",
            shown,
            f"stands for {dose} / {n} drops, a repeating decimal that no label can state exactly",
            f"a dose per drop with at most 4 significant figures that divides the dose, such as "
            f"{_people_options(dose.m_as(Unit.MG), n, max_drops)}",
            code="dose-per-drop-repeating",
        )
    c = rec.step(
        "concentration-from-drop",
        f"concentration that puts {per_drop} in one drop of this dropper (4 significant figures)",
        "C = dose per drop x drops per mL",
        Quantity(_stated(p * cal.per_ml), Unit.MG_PER_ML),
        dose_per_drop=per_drop,
        drops_per_ml=cal.drops_per_ml,
    )
    given = order.concentration
    if given is not None:
        ratio = CONTEXT.divide(given.m_as(Unit.MG_PER_ML), c.magnitude) - ONE
        if abs(ratio) > WHOLE_DROPS_PRECISION:
            raise InputError.about(
                "dose_per_drop",
                shown,
                f"at {significant(cal.per_ml, 4)} drops per mL needs {c}, not the order's "
                f"concentration of {given}",
                f"the concentration {c}, or only one of dose_per_drop and concentration",
                code="dose-per-drop-inconsistent",
            )
        c = given
    check_solubility(c.m_as(Unit.MG_PER_ML), su.solubility, "dose_per_drop")
    return c


def _for_people(amount: Decimal) -> bool:
    """``amount`` is stated exactly in at most 4 significant figures (0.25, 1.125), not a
    repeating decimal cut short (0.3333): the only amounts a label may state (probe finding
    F37)."""
    return len(amount.normalize().as_tuple().digits) <= 4


def _people_options(dose_mg: Decimal, n: int, max_drops: int, near: list[int] | None = None) -> str:
    """Doses per drop near ``n`` drops that divide the dose exactly (at most 4 significant
    figures), e.g. "0.5 mg (2 drops) or 0.25 mg (4 drops)"."""
    tried = near if near is not None else range(max(n - 3, 1), n + 4)
    shown = [
        f"{plain(CONTEXT.divide(dose_mg, Decimal(k)).normalize())} mg ({k} drop{'' if k == 1 else 's'})"
        for k in tried
        if k <= max_drops and _for_people(CONTEXT.divide(dose_mg, Decimal(k)))
    ]
    return " or ".join(shown) or "a concentration the library suggests (leave dose_per_drop out)"


@attrs.frozen(kw_only=True)
class _DropDose:
    """One dose in whole drops: the count, what it delivers, and its volume."""

    n: int
    delivered: Quantity
    deviation: Quantity
    exact_volume: Decimal
    volume: Decimal


def _drops_per_dose(
    order: DropsOrder,
    su: Setup,
    concentration: Quantity,
    cal: DropperCalibration,
    max_drops: int,
    rec: Recorder,
) -> _DropDose:
    """The whole drops that hold the dose (refused below one drop, above the cap or off a whole
    number), the dose they deliver and the volume of one dose."""
    dose = order.dose
    dose_mg = dose.m_as(Unit.MG)
    c = concentration.m_as(Unit.MG_PER_ML)
    exact = rec.step(
        "drops-exact",
        "drops that hold the dose exactly",
        "n = dose x N / (C x V)",
        Quantity(CONTEXT.divide(dose_mg * cal.drops, c * cal.volume.m_as(Unit.ML)), Unit.DROP),
        dose=dose,
    ).magnitude
    n = int(exact.to_integral_value(rounding=ROUND_HALF_UP))
    hint = _options(dose_mg, cal, max_drops, usable_concentrations(order, su))
    if n < 1:
        raise FormulationError.about(
            "concentration",
            str(concentration),
            f"makes {dose} less than half a drop ({significant(exact, 3)} drops)",
            f"a lower concentration: {hint}",
            code="dose-below-one-drop",
        )
    if n > max_drops:
        raise FormulationError.about(
            "concentration",
            str(concentration),
            f"makes {dose} {n} drops, more than the cap of {max_drops} drops a dose",
            f"a higher concentration: {hint}",
            code="drops-above-cap",
        )
    delivered_mg = CONTEXT.divide(Decimal(n) * c * cal.volume.m_as(Unit.ML), Decimal(cal.drops))
    ratio = CONTEXT.divide(delivered_mg, dose_mg) - ONE
    if abs(ratio) > WHOLE_DROPS_PRECISION:
        raise FormulationError.about(
            "concentration",
            str(concentration),
            f"makes {dose} {significant(exact, 4)} drops, not a whole number, so no number of drops "
            "gives the prescribed dose",
            f"a concentration that makes the dose whole drops: {hint}",
            code="dose-not-whole-drops",
        )
    if not _for_people(CONTEXT.divide(dose_mg, Decimal(n))):
        raise FormulationError.about(
            "concentration",
            str(concentration),
            f"makes {dose} {n} drops, so one drop holds {dose} / {n}, a repeating decimal that no "
            "label can state exactly",
            f"a concentration that makes the dose whole drops of an exact amount: {hint}",
            code="dose-per-drop-repeating",
        )
    # at the precision of a quantity, so that it compares with the volumes of the order
    exact_volume = tidy(CONTEXT.divide(Decimal(n) * cal.volume.m_as(Unit.ML), Decimal(cal.drops)))
    volume = rec.step(
        "dose-volume",
        "volume of one dose (4 significant figures)",
        "v = drops / drops per mL",
        Quantity(Decimal(significant(exact_volume, 4)), Unit.ML),
        drops=Quantity(n, Unit.DROP),
    ).magnitude
    return _DropDose(
        n=n,
        # within the 4 significant figures the concentration is stated to: the prescribed dose
        delivered=Quantity(Decimal(significant(delivered_mg, 4)), Unit.MG).to(dose.unit),
        deviation=Quantity(
            (ratio * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), Unit.PERCENT
        ),
        exact_volume=exact_volume,
        volume=volume,
    )


def _label_per_drop(r: DropsResult) -> LabelAmount:
    """The amount in one drop a label states: the prescribed dose divided by its drops, in
    the one mass unit the label states every amount in (mg, as :class:`LabelAmount` prints
    the dose: "0.025 mg per drop" beside "4 drops (0.1 mg)", never "25 mcg"; probe P12)."""
    each = CONTEXT.divide(r.dose.m_as(Unit.MG), Decimal(r.drops_per_dose)).normalize()
    return LabelAmount.of(Quantity(each, Unit.MG))


def _label_facts(r: DropsResult) -> PreparationFacts:
    drops = f"{r.drops_per_dose} drop" + ("" if r.drops_per_dose == 1 else "s")
    return preparation_facts(
        r,
        "drops",
        # "0.5 mg per drop" (the amount's unit without its "/drop")
        # the prescribed dose over its drops (exact: see _for_people), never the 4-figure
        # per-drop amount the concentration gives
        per=f"({_label_per_drop(r).display} per drop)",
        dose_text=f"{drops} ({LabelAmount.of(r.dose).display})",
        measure=Quantity(r.drops_per_dose, Unit.DROP),
    )


PREPARATION = register(
    Preparation(
        name="drops",
        formulate=formulate_drops,
        label_facts=_label_facts,
        master_record=master_facts,
        worksheet="._worksheet:_drops",
    )
)

#: a dropper calibration's own result document (``ldncompound calibrate-dropper --format json``)
register_document(DROPPER_CALIBRATION_SCHEMA, CalibrationResult)
