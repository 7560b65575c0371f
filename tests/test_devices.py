"""Measuring devices: the table, graduation marks, measurable shares, declared devices."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from strategies import decimals

import ldncompound as lc
from ldncompound import DeviceKind, Quantity, Unit


def ml(text: str) -> Quantity:
    return Quantity(Decimal(text), Unit.ML)


def test_table_devices_and_their_scales():
    s5 = lc.device("oral-5ml")
    assert (s5.kind, s5.capacity, s5.graduation) == (DeviceKind.ORAL_SYRINGE, ml("5"), ml("0.2"))
    assert s5.described == "5 mL oral syringe (0.2 mL graduations)"
    assert lc.device("volumetric-5ml").described == "5 mL volumetric pipette (single mark)"
    assert all(d.source and "[" in d.source for d in lc.DEVICES)
    keys = [d.key for d in lc.DEVICES]
    assert len(keys) == len(set(keys))


def test_marks_shares_and_nearest():
    s5 = lc.device("oral-5ml")
    assert s5.on_scale(Decimal("4.6"))
    assert not s5.on_scale(Decimal("4.5"))
    assert not s5.on_scale(Decimal("5.2"))
    assert s5.nearest(Decimal("4.5")) == Decimal("4.6")  # halves up
    assert s5.share(Decimal("1.25")) == Decimal(25)
    assert s5.measures(Decimal("1.4"), Decimal(25))
    assert not s5.measures(Decimal("1.0"), Decimal(25))
    pipette = lc.device("volumetric-5ml")
    assert pipette.on_scale(Decimal(5))
    assert not pipette.on_scale(Decimal("2.5"))


def test_unknown_device_refused_naming_the_table():
    with pytest.raises(lc.InputError) as info:
        lc.device("teaspoon")
    assert info.value.field == "device"
    assert "oral-5ml" in str(info.value)


@pytest.mark.parametrize(
    ("capacity", "graduation", "field"),
    [
        ("5 mL", "0.3 mL", "device.graduation"),
        ("0 mL", "0.1 mL", "device.capacity"),
        ("5 mL", "0 mL", "device.graduation"),
        ("2000 mL", "10 mL", "device.capacity"),
    ],
)
def test_declared_device_refusals_name_the_field(capacity, graduation, field):
    with pytest.raises(lc.InputError) as info:
        lc.MeasuringDevice.declared(
            name="my syringe",
            kind=DeviceKind.ORAL_SYRINGE,
            capacity=lc.parse_quantity(
                capacity, field="c", dimension=lc.Dimension.VOLUME, allow_zero=True
            ),
            graduation=lc.parse_quantity(
                graduation, field="g", dimension=lc.Dimension.VOLUME, allow_zero=True
            ),
        )
    assert info.value.field == field


def test_declared_device_needs_volumes():
    with pytest.raises(lc.DimensionError) as info:
        lc.MeasuringDevice.declared(
            name="x", kind=DeviceKind.ORAL_SYRINGE, capacity=lc.mass("5 mg"), graduation=ml("0.1")
        )
    assert info.value.field == "device.capacity"


@given(decimals("0.01", "10", 3))
def test_the_nearest_mark_is_a_mark_within_half_a_graduation(volume):
    for d in lc.DEVICES:
        if volume <= d.cap:
            mark = d.nearest(volume)
            assert abs(mark - volume) <= d.step / 2
            assert mark == 0 or d.on_scale(mark)
