"""Typed usage of the public API, checked by mypy --strict (not executed by pytest)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import ldncompound as lc


def capsule_plan() -> str:
    api: lc.Source = lc.ApiLot(
        form="hcl",
        assay=lc.percent("99.5 %"),
        assay_basis=lc.AssayBasis.AS_IS,
        expiry=dt.date(2028, 1, 1),
        lot="A1",
    )
    order = lc.CapsuleOrder(
        dose=lc.mass("0.5 mg"),
        count=30,
        source=api,
        balance=lc.Balance.class_iii(),
        overage=lc.Quantity(Decimal(10), lc.Unit.PERCENT),
    )
    result: lc.CapsuleResult = lc.formulate_capsules(order, today=dt.date(2026, 11, 21))
    planned: lc.Quantity = result.dose_planned
    amounts: list[Decimal] = [w.amount.m_as(lc.Unit.MG) for w in result.weighings]
    assert planned.unit is lc.Unit.MG
    assert amounts
    back: lc.CapsuleResult = lc.from_json(lc.to_json(result), lc.CapsuleResult)
    assert back == result
    return lc.render_worksheet(result)


def liquid_plan() -> str:
    tablets: lc.Source = lc.TabletSource(
        average_weight=lc.mass("201.4 mg"), expiry=dt.date(2028, 1, 1), lot="T1"
    )
    order = lc.LiquidOrder(
        dose=lc.mass("4.5 mg"),
        doses_per_day=Decimal(1),
        days_supply=14,
        source=tablets,
        concentration=lc.parse_strength("1 mg/mL", field="concentration").concentration,
        syringe=lc.device("oral-5ml"),
        vehicle=lc.VehicleLot(vehicle=lc.vehicle("purified-water")),
    )
    result: lc.LiquidResult = lc.formulate_liquid(order, today=dt.date(2026, 11, 21))
    volume: lc.Quantity = result.dose_volume
    tablets_used: int | None = result.batch.tablets
    assert volume.unit is lc.Unit.ML and tablets_used
    back: lc.LiquidResult = lc.from_json(lc.to_json(result), lc.LiquidResult)
    assert back == result
    return lc.render_worksheet(result)


def drops_plan() -> int:
    calibration: lc.DropperCalibration = lc.calibrate_dropper(
        drops=40, volume=lc.volume("2.5 mL"), dropper="bottle dropper"
    )
    order = lc.DropsOrder(
        dose=lc.mass("4.5 mg"),
        volume=lc.volume("15 mL"),
        source=lc.ApiLot(
            form="hcl",
            assay=lc.percent("99.5 %"),
            assay_basis=lc.AssayBasis.AS_IS,
            expiry=dt.date(2028, 1, 1),
        ),
        calibration=calibration,
    )
    result: lc.DropsResult = lc.formulate_drops(order, today=dt.date(2026, 11, 21))
    per_drop: lc.Quantity = result.per_drop
    assert per_drop.unit is lc.Unit.MG_PER_DROP
    return result.drops_per_dose


def documents_and_batches() -> int:
    import io  # noqa: PLC0415

    document: dict[str, object] = {"schema": lc.CAPSULES_ORDER_SCHEMA}
    order: object = lc.load_order(document)
    text: dict[str, object] = lc.order_document(order)
    schema: dict[str, object] = lc.json_schema(lc.CAPSULES_ORDER_SCHEMA)
    columns: tuple[tuple[str, str], ...] = lc.csv_columns(lc.CAPSULES_ORDER_SCHEMA)
    failed = 0
    for record in lc.run_batch(io.BytesIO(b""), input_format="csv", today=dt.date(2026, 1, 1)):
        line: str = record.json_line()
        error: lc.BatchError | None = record.error
        failed += not record.ok or error is None or not line
    return failed + len(text) + len(schema) + len(columns)
