"""Units: the allow-list, the pint registry behind it, and the public :class:`Quantity` type.

pint is the unit engine, but it never leaves this module: the registry is built from the
package's own ``units.txt`` (never pint's default or application registry), case-sensitive,
with redefinition raising and Decimal magnitudes. It is built once, lazily, under a lock.
Conversion factors between allow-listed units are kept as exact Decimals in a table that the
tests check against that registry, so arithmetic after the boundary runs on plain Decimal
magnitudes and computing never needs to import or build pint (``registry()``, ``to_pint``
and ``from_pint`` do).

Public values are :class:`Quantity`: a Decimal magnitude and a :class:`Unit` from the
allow-list. Quantities are immutable, hashable and picklable, and convert to and from pint.
"""

from __future__ import annotations

import enum
import threading
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from ._errors import DimensionError, UnitError
from ._numbers import CONTEXT, SNAP_DIGITS, parse_exact_decimal, plain, tidy

if TYPE_CHECKING:
    import pint


class Dimension(enum.Enum):
    """What a quantity measures. Each unit on the allow-list has exactly one."""

    MASS = "mass"
    VOLUME = "volume"
    CONCENTRATION = "mass per volume"
    FRACTION = "fraction"
    DROPS = "drops"
    DROPS_PER_VOLUME = "drops per volume"
    MASS_PER_DROP = "mass per drop"
    MOLAR_MASS = "molar mass"
    CAPSULES = "capsules"
    TABLETS = "tablets"
    TIME = "time"

    @property
    def described(self) -> str:
        """Plain words with example units, for error messages."""
        return _DESCRIBED[self]


_DESCRIBED = {
    Dimension.MASS: "a mass (mg, g or mcg)",
    Dimension.VOLUME: "a volume (mL or L)",
    Dimension.CONCENTRATION: "a concentration (mg/mL, mcg/mL or g/mL)",
    Dimension.FRACTION: "a percentage (%)",
    Dimension.DROPS: "a number of drops",
    Dimension.DROPS_PER_VOLUME: "drops per mL",
    Dimension.MASS_PER_DROP: "a mass per drop (mg/drop or mcg/drop)",
    Dimension.MOLAR_MASS: "a molar mass (g/mol)",
    Dimension.CAPSULES: "a number of capsules",
    Dimension.TABLETS: "a number of tablets",
    Dimension.TIME: "a number of days",
}


class Unit(enum.Enum):
    """The allow-listed units. ``value`` is the code used in JSON; ``display`` is for labels."""

    MCG = "mcg"
    MG = "mg"
    G = "g"
    ML = "mL"
    L = "L"
    MCG_PER_ML = "mcg/mL"
    MG_PER_ML = "mg/mL"
    G_PER_ML = "g/mL"
    PERCENT = "%"
    ONE = "1"
    DROP = "drop"
    DROP_PER_ML = "drop/mL"
    MCG_PER_DROP = "mcg/drop"
    MG_PER_DROP = "mg/drop"
    G_PER_MOL = "g/mol"
    CAPSULE = "capsule"
    TABLET = "tablet"
    DAY = "day"

    # Set on each member from _SPEC below: reading an attribute is several times cheaper than
    # a dict lookup keyed by the member (Enum.__hash__ is Python code), and these are read on
    # every amount the library computes.
    _dimension: Dimension
    _display: str
    _pint_name: str
    _canonical: Unit

    @property
    def code(self) -> str:
        """The stable code written in JSON documents (e.g. ``"mcg"``)."""
        code: str = self._value_  # the plain attribute behind Enum.value, a slower descriptor
        return code

    @property
    def display(self) -> str:
        """The ready-to-print symbol ("mcg", never "ug" or "µg")."""
        return self._display

    @property
    def ucum(self) -> str:
        """The unit's code in UCUM, for exchange (FHIR): ``"ug"`` for mcg, ``"[drp]"`` for a
        drop, ``"{capsule}"`` for a capsule. Never printed: labels use :attr:`display`."""
        return _UCUM[self]

    @property
    def dimension(self) -> Dimension:
        """The single dimension this unit measures."""
        return self._dimension

    @property
    def pint_name(self) -> str:
        """The unit expression in the package's pint registry."""
        return self._pint_name

    @property
    def canonical(self) -> Unit:
        """The unit computations use for this dimension (mg, mL, mg/mL, ...)."""
        return self._canonical

    @classmethod
    def from_code(cls, code: str) -> Unit:
        """The unit for a JSON code; refuses anything else with :class:`UnitError`."""
        try:
            return cls(code)
        except ValueError:
            expected = ", ".join(u.value for u in cls)
            raise UnitError.about(
                "unit", code, "is not a unit code", f"one of {expected}"
            ) from None


_SPEC: dict[Unit, tuple[Dimension, str, str]] = {
    Unit.MCG: (Dimension.MASS, "microgram", "mcg"),
    Unit.MG: (Dimension.MASS, "milligram", "mg"),
    Unit.G: (Dimension.MASS, "gram", "g"),
    Unit.ML: (Dimension.VOLUME, "milliliter", "mL"),
    Unit.L: (Dimension.VOLUME, "liter", "L"),
    Unit.MCG_PER_ML: (Dimension.CONCENTRATION, "microgram / milliliter", "mcg/mL"),
    Unit.MG_PER_ML: (Dimension.CONCENTRATION, "milligram / milliliter", "mg/mL"),
    Unit.G_PER_ML: (Dimension.CONCENTRATION, "gram / milliliter", "g/mL"),
    Unit.PERCENT: (Dimension.FRACTION, "percent", "%"),
    Unit.ONE: (Dimension.FRACTION, "dimensionless", ""),
    Unit.DROP: (Dimension.DROPS, "drop", "drops"),
    Unit.DROP_PER_ML: (Dimension.DROPS_PER_VOLUME, "drop / milliliter", "drops/mL"),
    Unit.MCG_PER_DROP: (Dimension.MASS_PER_DROP, "microgram / drop", "mcg/drop"),
    Unit.MG_PER_DROP: (Dimension.MASS_PER_DROP, "milligram / drop", "mg/drop"),
    Unit.G_PER_MOL: (Dimension.MOLAR_MASS, "gram / mole", "g/mol"),
    Unit.CAPSULE: (Dimension.CAPSULES, "capsule", "capsules"),
    Unit.TABLET: (Dimension.TABLETS, "tablet", "tablets"),
    Unit.DAY: (Dimension.TIME, "day", "days"),
}

#: Each unit's code in UCUM, the Unified Code for Units of Measure (https://ucum.org; the
#: unit system FHIR requires for quantities, http://unitsofmeasure.org). Strict UCUM has no
#: ``mcg`` (it would read as a millicentigram): a microgram is ``ug``. A drop is the
#: customary ``[drp]`` (UCUM defines it as 1/20 mL; the library never converts with that
#: nominal volume, only names the unit with it). Counted units are annotations, which UCUM
#: reads as the unity ``1`` with a label: ``{capsule}``, ``{tablet}``. ``tests/test_fhir.py``
#: checks every code with an independent UCUM parser (ucumvert) and the table in
#: docs/units.md.
_UCUM: dict[Unit, str] = {
    Unit.MCG: "ug",
    Unit.MG: "mg",
    Unit.G: "g",
    Unit.ML: "mL",
    Unit.L: "L",
    Unit.MCG_PER_ML: "ug/mL",
    Unit.MG_PER_ML: "mg/mL",
    Unit.G_PER_ML: "g/mL",
    Unit.PERCENT: "%",
    Unit.ONE: "1",
    Unit.DROP: "[drp]",
    Unit.DROP_PER_ML: "[drp]/mL",
    Unit.MCG_PER_DROP: "ug/[drp]",
    Unit.MG_PER_DROP: "mg/[drp]",
    Unit.G_PER_MOL: "g/mol",
    Unit.CAPSULE: "{capsule}",
    Unit.TABLET: "{tablet}",
    Unit.DAY: "d",
}

_CANONICAL: dict[Dimension, Unit] = {
    Dimension.MASS: Unit.MG,
    Dimension.VOLUME: Unit.ML,
    Dimension.CONCENTRATION: Unit.MG_PER_ML,
    Dimension.FRACTION: Unit.PERCENT,
    Dimension.DROPS: Unit.DROP,
    Dimension.DROPS_PER_VOLUME: Unit.DROP_PER_ML,
    Dimension.MASS_PER_DROP: Unit.MG_PER_DROP,
    Dimension.MOLAR_MASS: Unit.G_PER_MOL,
    Dimension.CAPSULES: Unit.CAPSULE,
    Dimension.TABLETS: Unit.TABLET,
    Dimension.TIME: Unit.DAY,
}

for _unit, (_dimension, _pint_name, _display) in _SPEC.items():  # the enum's own attributes
    _unit._dimension = _dimension  # noqa: SLF001
    _unit._pint_name = _pint_name  # noqa: SLF001
    _unit._display = _display  # noqa: SLF001
    _unit._canonical = _CANONICAL[_dimension]  # noqa: SLF001
del _unit, _dimension, _pint_name, _display


#: Exact factor from each unit to the canonical unit of its dimension (1 mcg = 0.001 mg), as
#: the package's pint registry computes it from ``units.txt``. The library converts with this
#: table so that computing never imports or builds pint; ``tests/test_units.py`` checks every
#: entry, value and representation, against the registry, and that no unit lacks one. (A unit
#: added without an entry still converts correctly, through the registry.)
_FACTORS: dict[str, Decimal] = {
    "mcg": Decimal("0.001"),
    "mg": Decimal(1),
    "g": Decimal("1E+3"),
    "mL": Decimal(1),
    "L": Decimal("1E+3"),
    "mcg/mL": Decimal("0.001"),
    "mg/mL": Decimal(1),
    "g/mL": Decimal("1E+3"),
    "%": Decimal(1),
    "1": Decimal("1E+2"),
    "drop": Decimal(1),
    "drop/mL": Decimal(1),
    "mcg/drop": Decimal("0.001"),
    "mg/drop": Decimal(1),
    "g/mol": Decimal(1),
    "capsule": Decimal(1),
    "tablet": Decimal(1),
    "day": Decimal(1),
}


class _Registry:
    """The package's pint registry; its units and factors are made on first use."""

    def __init__(self) -> None:
        import decimal  # noqa: PLC0415 - imported where the registry is built

        # importlib.resources pulls in tempfile, shutil and zipfile (~4 ms); only the registry
        # needs it, and computing never builds the registry
        from importlib import resources  # noqa: PLC0415

        import pint  # noqa: PLC0415 - pint costs ~0.1 s to import; only pay it when needed

        definitions = resources.files("ldncompound").joinpath("units.txt")
        with resources.as_file(definitions) as path:
            self.ureg: pint.UnitRegistry = pint.UnitRegistry(  # type: ignore[type-arg,unused-ignore]
                str(path),
                non_int_type=decimal.Decimal,
                on_redefinition="raise",
                case_sensitive=True,
                autoconvert_offset_to_baseunit=False,
            )
        self._units: dict[Unit, pint.Unit] | None = None
        self._by_pint_name: dict[str, Unit] = {}

    @property
    def units(self) -> dict[Unit, pint.Unit]:
        """Our units as pint units (parsed once, under the lock: only interop needs them)."""
        built = self._units
        if built is None:
            with _lock:
                if self._units is None:
                    units = {u: self.ureg.Unit(u.pint_name) for u in Unit}
                    self._by_pint_name = {str(units[u]): u for u in Unit}
                    self._units = units
                built = self._units
        return built

    @property
    def by_pint_name(self) -> dict[str, Unit]:
        """Our units by the name pint prints for them (``"milligram / milliliter"``)."""
        _ = self.units
        return self._by_pint_name

    def factor(self, unit: Unit) -> Decimal:
        """The factor from ``unit`` to its canonical unit, computed by pint."""
        import decimal  # noqa: PLC0415

        units = self.units
        with _lock, decimal.localcontext(CONTEXT):
            # pint 0.25 and 0.26 type the magnitude differently; it is a Decimal here
            one: Any = self.ureg.Quantity(Decimal(1), units[unit])
            return one.to(units[unit.canonical]).magnitude  # type: ignore[no-any-return]


_lock = threading.RLock()
_registry: _Registry | None = None


def _get() -> _Registry:
    global _registry  # noqa: PLW0603 - a lazily built, process-wide, read-only singleton
    built = _registry
    if built is None:
        with _lock:
            if _registry is None:
                _registry = _Registry()
            built = _registry
    return built


def registry() -> pint.UnitRegistry:  # type: ignore[type-arg,unused-ignore]
    """The package's own pint registry (built on first use, thread-safe).

    Applications that pickle pint quantities made from it must call
    ``pint.set_application_registry(ldncompound.registry())`` themselves; the library never
    touches pint's application registry.
    """
    return _get().ureg


def factor(unit: Unit) -> Decimal:
    """Exact factor from ``unit`` to its canonical unit (1 mcg -> 0.001 mg), as pint gives it."""
    known = _FACTORS.get(unit.code)
    return known if known is not None else _get().factor(unit)


def _check_magnitude(_instance: Any, _attribute: Any, value: Any) -> None:
    if type(value) is not Decimal:
        if isinstance(value, float):
            raise TypeError(
                f"Quantity magnitude {value!r} is a float; binary floats are inexact, "
                "pass a Decimal or an int"
            )
        raise TypeError(f"Quantity magnitude must be a Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise UnitError.about("magnitude", str(value), "is not a finite number", "a number")


def _to_decimal(value: Decimal | int) -> Decimal:
    if isinstance(value, bool):
        raise TypeError("Quantity magnitude must be a Decimal or int, not bool")
    if isinstance(value, int):
        return Decimal(value)
    return value


_unit_is_a_unit = attrs.validators.instance_of(Unit)


@attrs.frozen(eq=False, repr=False, init=False)
class Quantity:
    """An amount with a unit from the allow-list: ``Quantity(Decimal("4.5"), Unit.MG)``.

    Equality and ordering compare the amounts (``1000 mg == 1 g``); comparing different
    dimensions raises :class:`DimensionError`. ``str(q)`` is the display form ("4.5 mg"), and
    ``ldncompound.parse_quantity(str(q), ...)`` gives back an equal quantity.
    """

    magnitude: Decimal = attrs.field(converter=_to_decimal, validator=_check_magnitude)
    unit: Unit = attrs.field(validator=_unit_is_a_unit)

    def __init__(self, magnitude: Decimal | int, unit: Unit) -> None:
        # The checks of the field converter and validators above, in the same order and with
        # the same errors, written out: quantities are built on every step of every
        # formulation, and attrs' generated __init__ costs twice as much.
        if type(magnitude) is not Decimal or not magnitude.is_finite():
            magnitude = _to_decimal(magnitude)
            _check_magnitude(self, None, magnitude)
        # a 34-digit quotient's last-digit noise never reaches a quantity (see tidy; a short
        # text is a short value, which tidy returns as it is: most are, so tested here)
        if len(str(magnitude)) > SNAP_DIGITS:
            magnitude = tidy(magnitude)
        if type(unit) is not Unit:
            _unit_is_a_unit(self, attrs.fields(Quantity).unit, unit)
        _set_magnitude(self, magnitude)
        _set_unit(self, unit)

    @property
    def dimension(self) -> Dimension:
        """The dimension of the unit."""
        return self.unit.dimension

    def canonical(self) -> Decimal:
        """The magnitude in the canonical unit of the dimension (mg, mL, mg/mL, ...)."""
        if self.unit is self.unit.canonical:
            return self.magnitude
        return CONTEXT.multiply(self.magnitude, factor(self.unit))

    def m_as(self, unit: Unit) -> Decimal:
        """The magnitude expressed in ``unit`` (same dimension only)."""
        if unit is self.unit:
            return self.magnitude
        self._same_dimension(unit.dimension, "convert")
        return CONTEXT.divide(self.canonical(), factor(unit))

    def to(self, unit: Unit) -> Quantity:
        """The same amount in another unit of the same dimension (exact)."""
        return Quantity(self.m_as(unit), unit)

    def require(self, dimension: Dimension, field: str) -> Quantity:
        """Return self, or raise :class:`DimensionError` naming ``field``."""
        if self.unit.dimension is not dimension:
            raise DimensionError.about(
                field,
                str(self),
                f"is {self.unit.dimension.described}",
                dimension.described,
            )
        return self

    def _same_dimension(self, dimension: Dimension, verb: str) -> None:
        if self.unit.dimension is not dimension:
            raise DimensionError(
                f"cannot {verb} {self} ({self.unit.dimension.value}) and "
                f"{dimension.value}: the dimensions differ",
                value=str(self),
                expected=dimension.described,
            )

    def _other(self, other: object, verb: str) -> Quantity:
        if not isinstance(other, Quantity):
            raise TypeError(f"cannot {verb} a Quantity and {type(other).__name__}")
        other._same_dimension(self.unit.dimension, verb)  # noqa: SLF001 - same class
        return other

    def __add__(self, other: Quantity) -> Quantity:
        o = self._other(other, "add")
        return Quantity(CONTEXT.add(self.magnitude, o.m_as(self.unit)), self.unit)

    def __sub__(self, other: Quantity) -> Quantity:
        o = self._other(other, "subtract")
        return Quantity(CONTEXT.subtract(self.magnitude, o.m_as(self.unit)), self.unit)

    def __mul__(self, scalar: Decimal | int) -> Quantity:
        if not isinstance(scalar, (Decimal, int)) or isinstance(scalar, bool):
            return NotImplemented
        return Quantity(CONTEXT.multiply(self.magnitude, Decimal(scalar)), self.unit)

    __rmul__ = __mul__

    def __truediv__(self, scalar: Decimal | int) -> Quantity:
        if not isinstance(scalar, (Decimal, int)) or isinstance(scalar, bool):
            return NotImplemented
        return Quantity(CONTEXT.divide(self.magnitude, Decimal(scalar)), self.unit)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        if other.unit.dimension is not self.unit.dimension:
            return False
        return self.canonical() == other.canonical()

    def __hash__(self) -> int:
        return hash((self.unit.dimension, self.canonical()))

    def __lt__(self, other: Quantity) -> bool:
        return self.canonical() < self._other(other, "compare").canonical()

    def __le__(self, other: Quantity) -> bool:
        return self.canonical() <= self._other(other, "compare").canonical()

    def __gt__(self, other: Quantity) -> bool:
        return self.canonical() > self._other(other, "compare").canonical()

    def __ge__(self, other: Quantity) -> bool:
        return self.canonical() >= self._other(other, "compare").canonical()

    def __str__(self) -> str:
        display = self.unit.display
        return f"{plain(self.magnitude)} {display}" if display else plain(self.magnitude)

    def __repr__(self) -> str:
        return f"Quantity({plain(self.magnitude)!r}, {self.unit.code!r})"

    def to_json(self) -> dict[str, str]:
        """``{"value": "4.5", "unit": "mg"}``: an exact decimal string and a unit code."""
        return {"value": plain(self.magnitude), "unit": self.unit.code}

    @classmethod
    def from_json(cls, data: Any, field: str = "quantity") -> Quantity:
        """Inverse of :meth:`to_json`; refuses anything but a plain decimal and a unit code."""
        if not isinstance(data, dict) or set(data) != {"value", "unit"}:
            raise UnitError.about(
                field, data, "is not a quantity object", 'an object {"value": "4.5", "unit": "mg"}'
            )
        unit_code = data["unit"]
        if not isinstance(unit_code, str):
            raise UnitError.about(field, unit_code, "is not a unit code", "a string such as 'mg'")
        try:
            unit = Unit(unit_code)
        except ValueError:
            expected = ", ".join(u.value for u in Unit)
            raise UnitError.about(
                field, unit_code, "is not a unit code", f"one of {expected}"
            ) from None
        return cls(parse_exact_decimal(data["value"], field=field), unit)

    def to_pint(self) -> pint.Quantity:  # type: ignore[type-arg,unused-ignore]
        """This amount as a quantity of the package's pint registry."""
        reg = _get()
        return reg.ureg.Quantity(self.magnitude, reg.units[self.unit])

    @classmethod
    def from_pint(cls, quantity: Any, field: str = "quantity") -> Quantity:
        """Rebuild a pint quantity (from any registry) on the allow-list.

        The unit must be one of ours by name (``milligram``, ``milligram / milliliter``, ...).
        A float magnitude is taken by its shortest repr (``0.1`` -> ``Decimal("0.1")``).
        """
        reg = _get()
        try:
            name = str(quantity.units)
            magnitude = quantity.magnitude
        except AttributeError:
            raise UnitError.about(
                field, quantity, "is not a pint quantity", "a pint Quantity"
            ) from None
        unit = reg.by_pint_name.get(name)
        if unit is None:
            expected = ", ".join(u.pint_name for u in Unit)
            raise UnitError.about(field, name, "is not an allowed unit", f"one of {expected}")
        if isinstance(magnitude, bool) or not isinstance(magnitude, (Decimal, int, float)):
            raise UnitError.about(field, magnitude, "is not a real number", "a number")
        if isinstance(magnitude, float):
            magnitude = Decimal(repr(magnitude))
        value = Decimal(magnitude)
        if not value.is_finite():
            raise UnitError.about(field, str(value), "is not a finite number", "a number")
        return cls(value, unit)


# The slots' own setters: frozen attrs classes refuse ``setattr``; ``__init__`` uses these.
_set_magnitude = Quantity.__dict__["magnitude"].__set__
_set_unit = Quantity.__dict__["unit"].__set__
