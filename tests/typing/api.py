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
