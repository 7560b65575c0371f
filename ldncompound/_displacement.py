"""How much base an ingredient displaces in a mold: the density factor (displacement value).

The density factor ``DV`` of an ingredient is the mass of ingredient that takes the place of
1 mass unit of base (domain.md §4.4): an ingredient of mass ``m`` displaces ``m / DV`` of base.
It comes from one of:

* a **trial batch**: ``N`` blanks weigh ``a``; ``N`` medicated units holding ``d`` of the
  ingredient weigh ``b``, so they hold ``c = b - d`` of base, and ``DV = d / (a - c)``;
* **densities**: ``DV = rho_ingredient / rho_base`` (true densities, not bulk densities: in a
  melt the powder's air is gone);
* a **factor** stated by the caller (an earlier trial, a reference), with its source;
* **1:1 replacement** by weight (``DV = 1``), an assumption: the result says so.
"""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from ._errors import InputError
from ._numbers import CONTEXT, plain
from ._parse import density, parse_count, parse_decimal, parse_quantity
from ._units import Dimension, Quantity, Unit
from ._validate import density_field, mass_field, qfield, text_field

#: A density factor above this is not a plausible measurement (metal oxides reach about 5-7).
MAX_FACTOR = Decimal(20)


class DisplacementMethod(enum.Enum):
    """Where an ingredient's density factor comes from."""

    FACTOR = "factor"
    TRIAL = "trial"
    DENSITY = "density"
    REPLACEMENT = "replacement"


def _check_factor(field: str, value: Decimal) -> None:
    if value <= 0 or value > MAX_FACTOR:
        raise InputError.about(
            field,
            plain(value),
            "is not a plausible density factor",
            f"a number above 0 and at most {plain(MAX_FACTOR)} (grams of ingredient per gram of "
            "base displaced)",
            code="out-of-range",
        )


@attrs.frozen(kw_only=True)
class DisplacementTrial:
    """A trial batch: ``units`` blanks weigh ``blank_total`` (a); ``units`` medicated units
    weigh ``medicated_total`` (b) and hold ``ingredient_total`` (d) of the ingredient.

    The base in the medicated units is ``c = b - d`` and the density factor ``d / (a - c)``.
    """

    units: int
    blank_total: Quantity = qfield(Dimension.MASS, mass_field("trial.blank_total"))
    medicated_total: Quantity = qfield(Dimension.MASS, mass_field("trial.medicated_total"))
    ingredient_total: Quantity = qfield(Dimension.MASS, mass_field("trial.ingredient_total"))

    def __attrs_post_init__(self) -> None:
        if isinstance(self.units, bool) or not isinstance(self.units, int) or self.units < 1:
            raise InputError.about(
                "trial.units",
                self.units,
                "is not a positive whole number",
                "the number of units in each trial set (blanks and medicated)",
            )
        if self.ingredient_total >= self.medicated_total:
            raise InputError.about(
                "trial.ingredient_total",
                str(self.ingredient_total),
                f"is not less than the medicated units' weight {self.medicated_total}",
                "the ingredient in the medicated units, which also hold base",
                code="out-of-range",
            )
        if self.base_total >= self.blank_total:
            raise InputError.about(
                "trial.medicated_total",
                str(self.medicated_total),
                f"leaves {plain(self.base_total.magnitude)} mg of base, not less than the blanks' "
                f"{self.blank_total}, so no base was displaced",
                "trial weights in which the medicated units hold less base than the blanks",
                code="no-displacement",
            )
        _check_factor("trial.factor", self.factor)

    @property
    def base_total(self) -> Quantity:
        """c = b - d: the base in the medicated units (mg)."""
        return Quantity(
            CONTEXT.subtract(
                self.medicated_total.m_as(Unit.MG), self.ingredient_total.m_as(Unit.MG)
            ),
            Unit.MG,
        )

    @property
    def factor(self) -> Decimal:
        """DV = d / (a - c)."""
        a = self.blank_total.m_as(Unit.MG)
        c = self.base_total.magnitude
        return CONTEXT.divide(self.ingredient_total.m_as(Unit.MG), CONTEXT.subtract(a, c))

    @property
    def blank_weight(self) -> Quantity:
        """a / N: the trial's average blank weight (mg), to compare with the mold calibration."""
        return Quantity(
            CONTEXT.divide(self.blank_total.m_as(Unit.MG), Decimal(self.units)), Unit.MG
        )


@attrs.frozen(kw_only=True)
class Displacement:
    """How an ingredient displaces base. Build it with a class method:
    :meth:`of`, :meth:`from_trial`, :meth:`from_density` or :meth:`replacement`."""

    method: DisplacementMethod
    factor: Decimal | None = None
    density: Quantity | None = qfield(
        Dimension.CONCENTRATION, density_field("displacement.density"), default=None
    )
    trial: DisplacementTrial | None = None
    source: str | None = attrs.field(default=None, validator=text_field("displacement.source"))

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.method, DisplacementMethod):
            raise InputError.about(
                "displacement.method",
                self.method,
                "is not a displacement method",
                ", ".join(m.value for m in DisplacementMethod),
            )
        wanted = {
            DisplacementMethod.FACTOR: "factor",
            DisplacementMethod.TRIAL: "trial",
            DisplacementMethod.DENSITY: "density",
            DisplacementMethod.REPLACEMENT: None,
        }[self.method]
        given = {"factor": self.factor, "density": self.density, "trial": self.trial}
        for name, value in given.items():
            if name == wanted and value is None:
                raise InputError.about(
                    f"displacement.{name}",
                    None,
                    f"is missing for the {self.method.value} method",
                    f"the {name} the {self.method.value} method needs",
                )
            if name != wanted and value is not None:
                raise InputError.about(
                    f"displacement.{name}",
                    str(value),
                    f"does not belong to the {self.method.value} method",
                    "only the figure that method uses",
                )
        if self.factor is not None:
            if type(self.factor) is not Decimal or not self.factor.is_finite():
                raise InputError.about(
                    "displacement.factor", self.factor, "is not a decimal number", "a Decimal"
                )
            _check_factor("displacement.factor", self.factor)

    @classmethod
    def of(cls, factor: Decimal, *, source: str | None = None) -> Displacement:
        """A density factor stated by the caller (grams of ingredient per gram of base)."""
        return cls(method=DisplacementMethod.FACTOR, factor=factor, source=source)

    @classmethod
    def from_trial(cls, trial: DisplacementTrial) -> Displacement:
        """The density factor of a trial batch, d / (a - c)."""
        return cls(method=DisplacementMethod.TRIAL, trial=trial)

    @classmethod
    def from_density(cls, density: Quantity, *, source: str | None = None) -> Displacement:
        """rho_ingredient / rho_base; the base's density comes from the base lot or the mold."""
        return cls(method=DisplacementMethod.DENSITY, density=density, source=source)

    @classmethod
    def replacement(cls) -> Displacement:
        """1:1 replacement of base by weight (DV = 1): an assumption, stated as one."""
        return cls(method=DisplacementMethod.REPLACEMENT)

    @property
    def assumed(self) -> bool:
        """True for 1:1 replacement, which is assumed rather than measured."""
        return self.method is DisplacementMethod.REPLACEMENT

    def resolve(self, base_density: Quantity | None) -> Decimal:
        """The density factor; ``base_density`` is needed (and used) for the density method."""
        if self.method is DisplacementMethod.REPLACEMENT:
            return Decimal(1)
        if self.method is DisplacementMethod.TRIAL and self.trial is not None:
            return self.trial.factor
        if self.method is DisplacementMethod.DENSITY and self.density is not None:
            if base_density is None:
                raise InputError.about(
                    "base.density",
                    None,
                    "is missing: a density factor from densities needs the base's density",
                    "the base's true density (or a mold cavity volume to derive it from)",
                    code="missing-density",
                )
            factor = CONTEXT.divide(
                self.density.m_as(Unit.G_PER_ML), base_density.m_as(Unit.G_PER_ML)
            )
            _check_factor("displacement.density", factor)
            return factor
        if self.factor is None:  # pragma: no cover - refused at construction
            raise AssertionError(self)
        return self.factor

    def describe(self) -> str:
        """How the factor was obtained, for worksheets."""
        if self.method is DisplacementMethod.REPLACEMENT:
            return "1:1 replacement by weight (assumption)"
        if self.method is DisplacementMethod.TRIAL and self.trial is not None:
            t = self.trial
            return (
                f"trial batch of {t.units}: DV = d / (a - c) = {t.ingredient_total} / "
                f"({t.blank_total} - {plain(t.base_total.magnitude)} mg)"
            )
        if self.method is DisplacementMethod.DENSITY and self.density is not None:
            return f"densities: {self.density} / base density" + (
                f" ({self.source})" if self.source else ""
            )
        return "stated factor" + (f" ({self.source})" if self.source else " (source not given)")


def parse_displacement(text: str, *, field: str = "displacement") -> Displacement:
    """Parse one displacement spec: ``dv=1.25``, ``density=1.4 g/mL``, ``replace``, or
    ``trial=UNITS,BLANKS,MEDICATED,INGREDIENT`` (e.g. ``trial=10,12 g,12.1 g,600 mg``)."""
    spec = text.strip()
    key, sep, value = spec.partition("=")
    key = key.strip()
    if key == "replace" and not sep:
        return Displacement.replacement()
    if not sep:
        raise InputError.about(
            field,
            spec,
            "is not a displacement spec",
            "dv=FACTOR, density=DENSITY, replace, or trial=UNITS,BLANKS,MEDICATED,INGREDIENT",
            code="malformed-spec",
        )
    if key == "dv":
        return Displacement.of(parse_decimal(value, field=f"{field} dv", maximum=MAX_FACTOR))
    if key == "density":
        return Displacement.from_density(density(value, field=f"{field} density"))
    if key == "trial":
        return _trial(value, field)
    raise InputError.about(
        field,
        spec,
        f"has the unknown key {key!r}",
        "dv=, density=, trial= or replace",
        code="malformed-spec",
    )


def _trial(value: str, field: str) -> Displacement:
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 4:
        raise InputError.about(
            f"{field} trial",
            value,
            f"has {len(parts)} parts",
            "four: units, blanks' total weight, medicated units' total weight, ingredient "
            "in them, e.g. 'trial=10,12 g,12.1 g,600 mg'",
            code="malformed-spec",
        )
    units = parse_count(parts[0], field=f"{field} trial units", maximum=10_000)
    a, b, d = (
        parse_quantity(text, field=f"{field} trial {what}", dimension=Dimension.MASS)
        for text, what in zip(parts[1:], ("blanks", "medicated", "ingredient"), strict=True)
    )
    try:
        trial = DisplacementTrial(units=units, blank_total=a, medicated_total=b, ingredient_total=d)
    except InputError as err:
        # the trial's own field names mean nothing on a command line: name the option
        raise InputError.located(err, field, value) from None
    return Displacement.from_trial(trial)
