"""The fixed order mix the throughput rows run: deterministic, varied, every order valid.

Shares (stated in the output): capsules 100 %, liquids 0 %, drops 0 % until those
preparations land (issue 3); then give them a share in :data:`SHARES` and a generator below.

Capsule orders vary the source (tablets 50 %, API powder 30 %, trituration stock 20 %:
10 % in MCC above 1 mg, 1 % in lactose up to 1 mg), the
dose (0.25-4.5 mg, 10 % written in mcg, 10 % stated as naltrexone base), the count, the
balance (Class III default 40 %, documented 50 mg / 1 mg 40 %, 10 mg / 0.1 mg 20 %) and the
filler (table default 70 %, a measured pack stat 30 %). Every line is one JSON object:
``{"preparation": "capsules", "order": <to_json(CapsuleOrder)>}``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from pathlib import Path

import ldncompound as lc

#: Share of each preparation in the mix (must add up to 1).
SHARES = {"capsules": Decimal(1), "liquids": Decimal(0), "drops": Decimal(0)}
SEED = 6
DAY = dt.date(2026, 11, 21)

_DOSES_MG = ["0.5", "1", "1.5", "2", "3", "4.5"]
_DOSES_MCG = ["250", "500", "750"]


def _source(rng: random.Random, i: int, dose_mg: Decimal) -> lc.Source:
    roll = rng.random()
    lot = f"L{i % 97}" if rng.random() < 0.5 else None
    if roll < 0.5:
        return lc.TabletSource(
            average_weight=lc.Quantity(
                Decimal(rng.choice(["180", "201.4", "215.5", "250.2"])), lc.Unit.MG
            ),
            tablets_weighed=rng.choice([20, None]),
            expiry=dt.date(2030, 12, 31),
            lot=lot,
        )
    if roll < 0.8:
        if rng.random() < 0.5:
            return lc.ApiLot(
                form="hcl",
                assay=lc.Quantity(Decimal(rng.choice(["99.1", "99.5", "100.2"])), lc.Unit.PERCENT),
                assay_basis=lc.AssayBasis.AS_IS,
                expiry=dt.date(2029, 6, 30),
                lot=lot,
            )
        return lc.ApiLot(
            form="hcl-dihydrate",
            assay=lc.Quantity(Decimal("99.3"), lc.Unit.PERCENT),
            assay_basis=lc.AssayBasis.ANHYDROUS,
            water_content=lc.Quantity(Decimal(rng.choice(["8.6", "8.8", "9.0"])), lc.Unit.PERCENT),
            expiry=dt.date(2029, 6, 30),
            lot=lot,
        )
    if dose_mg > 1:
        return lc.TriturationStock(
            strength=lc.Quantity(Decimal(10), lc.Unit.PERCENT),
            diluent="microcrystalline cellulose",
            bud=dt.date(2027, 3, 31),
            lot=lot,
        )
    return lc.TriturationStock(
        strength=lc.Quantity(Decimal(1), lc.Unit.PERCENT),
        diluent="lactose monohydrate",
        bud=dt.date(2027, 9, 30),
        lot=lot,
    )


def capsule_order(rng: random.Random, i: int) -> lc.CapsuleOrder:
    """One capsule order of the mix (``i`` only names lots)."""
    if rng.random() < 0.1:
        dose = lc.Quantity(Decimal(rng.choice(_DOSES_MCG)), lc.Unit.MCG)
    else:
        dose = lc.Quantity(Decimal(rng.choice(_DOSES_MG)), lc.Unit.MG)
    source = _source(rng, i, dose.m_as(lc.Unit.MG))
    roll = rng.random()
    balance = (
        None
        if roll < 0.4
        else lc.Balance.documented(
            minimum_weight=lc.Quantity(Decimal(50), lc.Unit.MG),
            readability=lc.Quantity(Decimal(1), lc.Unit.MG),
        )
        if roll < 0.8
        else lc.Balance.documented(
            minimum_weight=lc.Quantity(Decimal(10), lc.Unit.MG),
            readability=lc.Quantity(Decimal("0.1"), lc.Unit.MG),
        )
    )
    filler = None
    if rng.random() < 0.3:
        # a stock brings 10-100x more material: its pack stat is measured in the larger size
        size = "1" if isinstance(source, lc.TriturationStock) else rng.choice(["1", "3"])
        filler = lc.FillerLot(
            filler="mcc",
            lot="F1",
            expiry=dt.date(2029, 1, 1),
            pack_stat=lc.PackStat(
                size=size,
                filler_per_capsule=lc.Quantity(
                    Decimal(rng.choice(["150", "160"]) if size == "1" else "96"), lc.Unit.MG
                ),
                method=rng.choice(["tamped, 3 passes", None]),
            ),
        )
    return lc.CapsuleOrder(
        dose=dose,
        count=rng.choice([30, 60, 90]),
        source=source,
        dose_basis="base" if rng.random() < 0.1 else None,
        filler=filler,
        balance=balance,
        compounded_on=DAY,
    )


def orders(n: int, seed: int = SEED) -> list[lc.CapsuleOrder]:
    """The first ``n`` orders of the mix (the same ``n`` orders for the same seed)."""
    rng = random.Random(seed)
    return [capsule_order(rng, i) for i in range(n)]


def order_line(order: lc.CapsuleOrder) -> str:
    """One JSON Lines record for ``order`` (the input format of the throughput rows)."""
    return json.dumps({"preparation": "capsules", "order": lc.to_json(order)}, ensure_ascii=False)


def write_lines(path: str, n: int, seed: int = SEED) -> None:
    """Write the first ``n`` orders of the mix to ``path`` as JSON Lines."""
    with Path(path).open("w", encoding="utf-8") as out:
        out.writelines(order_line(order) + "\n" for order in orders(n, seed))
