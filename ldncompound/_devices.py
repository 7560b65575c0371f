"""Volume-measuring devices: oral syringes, pipettes and graduated cylinders, with a cited table.

A device measures a volume only on its graduations, up to its capacity, and (to keep the
relative error small) not below a stated fraction of its capacity. Every table value is a
default the caller can replace with the device they really use
(:meth:`MeasuringDevice.declared`); when a table device is chosen, results echo it with its
source and status mark ([V] verified, [S] secondary, [D] derived, [U] unverified).
"""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from ._errors import InputError
from ._numbers import CONTEXT, HUNDRED, plain, round_to
from ._units import Dimension, Quantity, Unit
from ._validate import qfield, table_entry, text_field, volume_field

#: Smallest share of a device's capacity that is measured without a warning (or chosen).
MEASURABLE_FRACTION = Quantity(Decimal(25), Unit.PERCENT)
MEASURABLE_FRACTION_SOURCE = (
    "25 % of capacity: the 1 mL oral syringe was inaccurate at or below 0.25 mL (Arenas-López "
    "et al., Arch Dis Child 2017, abstract) and graduates are not used below about 20 % of "
    "capacity (compoundingtoday.com Newsletter 4_15) (domain.md §6.3) [D]"
)
_SYRINGE_SOURCE = (
    "syringe scales as taught: 1 mL in 0.01 mL, 3 mL in 0.1 mL, 5 and 10 mL in 0.2 mL "
    "(Royal Melbourne Institute of Technology, via 411answers.com) [S]; oral syringes differ "
    "by maker, so declare yours if its scale differs [U]"
)
#: The finest scale an oral syringe is taken to have: 0.01 mL marks, and at most 100 marks
#: (the table's 1 mL syringe); a finer declared scale needs ``syringe-graduation-implausible``.
FINEST_SYRINGE_GRADUATION = Decimal("0.01")
MOST_SYRINGE_MARKS = 100
SYRINGE_SCALE_SOURCE = (
    "the finest oral syringe scale taught is 1 mL in 0.01 mL, 100 marks (Royal Melbourne "
    "Institute of Technology, via 411answers.com) [S]; a finer scale or more marks is most "
    "likely a slip in the declared graduation (probe finding F21) [D][U]"
)
_CYLINDER_SOURCE = (
    "common graduated cylinders: 25 mL in 0.5 mL, 50 mL and 100 mL in 1 mL "
    "(sciencekitstore.com; experts123.com) [S]; 10 mL in 0.2 mL, 250 mL in 2 mL, 500 mL in 5 mL "
    "and 1000 mL in 10 mL are the usual subdivisions, not seen in a source [U]"
)
_PIPETTE_SOURCE = (
    "graduated and volumetric (single-mark) pipettes for small volumes "
    "(pharmlabs.unc.edu measurements/selection; domain.md §6.3) [V]; sizes and scales are the "
    "usual ones, not seen in a source [U]"
)


class DeviceKind(enum.Enum):
    """What a measuring device is, which decides what it is chosen for."""

    ORAL_SYRINGE = "oral-syringe"
    VOLUMETRIC_PIPETTE = "volumetric-pipette"
    GRADUATED_PIPETTE = "graduated-pipette"
    GRADUATED_CYLINDER = "graduated-cylinder"

    @property
    def described(self) -> str:
        return self.value.replace("-", " ")


@attrs.frozen(kw_only=True)
class MeasuringDevice:
    """A device that measures volumes in steps of ``graduation`` up to ``capacity``.

    A single-mark (volumetric) pipette has ``graduation == capacity``. ``key`` names a table
    entry (``None`` for a device the caller declared).
    """

    name: str = attrs.field(validator=text_field("device.name"))
    kind: DeviceKind = attrs.field(validator=attrs.validators.instance_of(DeviceKind))
    capacity: Quantity = qfield(Dimension.VOLUME, volume_field("device.capacity"))
    graduation: Quantity = qfield(Dimension.VOLUME, volume_field("device.graduation"))
    key: str | None = None
    source: str = "declared by the caller"

    def __attrs_post_init__(self) -> None:
        if CONTEXT.remainder(self.cap, self.step) != 0:
            raise InputError.about(
                "device.graduation",
                str(self.graduation),
                f"does not divide the capacity {self.capacity}",
                "a graduation that fits a whole number of times into the capacity",
                code="out-of-range",
            )

    @classmethod
    def declared(
        cls, *, name: str, kind: DeviceKind, capacity: Quantity, graduation: Quantity
    ) -> MeasuringDevice:
        """A device the caller has in hand (its real capacity and graduation)."""
        return cls(name=name, kind=kind, capacity=capacity, graduation=graduation)

    @property
    def cap(self) -> Decimal:
        """Capacity in mL."""
        return self.capacity.m_as(Unit.ML)

    @property
    def step(self) -> Decimal:
        """Graduation in mL."""
        return self.graduation.m_as(Unit.ML)

    @property
    def described(self) -> str:
        """E.g. ``"5 mL oral syringe (0.2 mL graduations)"``."""
        if self.step == self.cap:
            return f"{self.name} (single mark)"
        return f"{self.name} ({plain(self.step)} mL graduations)"

    @property
    def label_name(self) -> str:
        """The name a patient reads: a table device's own, else the name with its scale
        (``"5 mL oral syringe (0.001 mL marks)"``) unless the name already states it."""
        table = {(d.name, d.kind, d.cap, d.step) for d in DEVICES}
        if (self.name, self.kind, self.cap, self.step) in table or self.step == self.cap:
            return self.name
        if f"{plain(self.step)} mL" in self.name:
            return self.name
        return f"{self.name} ({plain(self.step)} mL marks)"

    def scale_implausible(self) -> str | None:
        """Why this oral syringe's scale is finer than any oral syringe's, or ``None``."""
        if self.step < FINEST_SYRINGE_GRADUATION:
            return (
                f"is finer than the {plain(FINEST_SYRINGE_GRADUATION)} mL marks of any oral syringe"
            )
        marks = CONTEXT.divide(self.cap, self.step)
        if marks > MOST_SYRINGE_MARKS:
            return (
                f"gives {plain(marks)} marks on the {plain(self.cap)} mL syringe, more than the "
                f"{MOST_SYRINGE_MARKS} of any oral syringe"
            )
        return None

    def on_scale(self, volume: Decimal) -> bool:
        """``volume`` mL is a graduation mark of this device (and within its capacity)."""
        return 0 < volume <= self.cap and CONTEXT.remainder(volume, self.step) == 0

    def share(self, volume: Decimal) -> Decimal:
        """``volume`` mL as a percentage of the capacity."""
        return CONTEXT.divide(volume, self.cap) * HUNDRED

    def measures(self, volume: Decimal, min_percent: Decimal) -> bool:
        """On a graduation mark and at least ``min_percent`` of the capacity."""
        return self.on_scale(volume) and self.share(volume) >= min_percent

    def nearest(self, volume: Decimal) -> Decimal:
        """The graduation mark nearest ``volume`` mL (halves up)."""
        return round_to(volume, self.step)


def _device(
    key: str, kind: DeviceKind, capacity: str, graduation: str, source: str
) -> MeasuringDevice:
    cap, step = Decimal(capacity), Decimal(graduation)
    what = {
        DeviceKind.ORAL_SYRINGE: "oral syringe",
        DeviceKind.VOLUMETRIC_PIPETTE: "volumetric pipette",
        DeviceKind.GRADUATED_PIPETTE: "graduated pipette",
        DeviceKind.GRADUATED_CYLINDER: "graduated cylinder",
    }[kind]
    return MeasuringDevice(
        key=key,
        name=f"{plain(cap)} mL {what}",
        kind=kind,
        capacity=Quantity(cap, Unit.ML),
        graduation=Quantity(step, Unit.ML),
        source=source,
    )


_S, _VP, _GP, _C = (
    DeviceKind.ORAL_SYRINGE,
    DeviceKind.VOLUMETRIC_PIPETTE,
    DeviceKind.GRADUATED_PIPETTE,
    DeviceKind.GRADUATED_CYLINDER,
)

#: The devices the library plans with unless the order lists the pharmacy's own.
DEVICES: tuple[MeasuringDevice, ...] = (
    _device("oral-1ml", _S, "1", "0.01", _SYRINGE_SOURCE),
    _device("oral-3ml", _S, "3", "0.1", _SYRINGE_SOURCE),
    _device("oral-5ml", _S, "5", "0.2", _SYRINGE_SOURCE),
    _device("oral-10ml", _S, "10", "0.2", _SYRINGE_SOURCE),
    _device("pipette-1ml", _GP, "1", "0.01", _PIPETTE_SOURCE),
    _device("pipette-5ml", _GP, "5", "0.1", _PIPETTE_SOURCE),
    _device("pipette-10ml", _GP, "10", "0.1", _PIPETTE_SOURCE),
    _device("volumetric-1ml", _VP, "1", "1", _PIPETTE_SOURCE),
    _device("volumetric-2ml", _VP, "2", "2", _PIPETTE_SOURCE),
    _device("volumetric-5ml", _VP, "5", "5", _PIPETTE_SOURCE),
    _device("volumetric-10ml", _VP, "10", "10", _PIPETTE_SOURCE),
    _device("volumetric-20ml", _VP, "20", "20", _PIPETTE_SOURCE),
    _device("volumetric-25ml", _VP, "25", "25", _PIPETTE_SOURCE),
    _device("cylinder-10ml", _C, "10", "0.2", _CYLINDER_SOURCE),
    _device("cylinder-25ml", _C, "25", "0.5", _CYLINDER_SOURCE),
    _device("cylinder-50ml", _C, "50", "1", _CYLINDER_SOURCE),
    _device("cylinder-100ml", _C, "100", "1", _CYLINDER_SOURCE),
    _device("cylinder-250ml", _C, "250", "2", _CYLINDER_SOURCE),
    _device("cylinder-500ml", _C, "500", "5", _CYLINDER_SOURCE),
    _device("cylinder-1000ml", _C, "1000", "10", _CYLINDER_SOURCE),
)


def device(key: str) -> MeasuringDevice:
    """The table device with ``key`` (``"oral-5ml"``, ``"cylinder-50ml"``, ...)."""
    return table_entry(
        DEVICES, key, lambda d: d.key, field="device", what="a device", code="unknown-device"
    )


@attrs.frozen(kw_only=True)
class Measurement:
    """One measurement at the bench, in compounding order: a weighing, a volume or a count."""

    number: int
    what: str
    amount: Quantity
    device: str
