"""The fixed order mix the throughput rows run: deterministic, varied, every order valid.

Shares (stated in the output, :data:`SHARES`): capsules 60 %, liquids 25 %, drops 15 %,
drawn order by order from one seeded generator.

Capsule orders vary the source (tablets 50 %, API powder 30 %, trituration stock 20 %:
10 % in MCC above 1 mg, 1 % in lactose up to 1 mg), the
dose (0.25-4.5 mg, 10 % written in mcg, 10 % stated as naltrexone base), the count, the
balance (Class III default 40 %, documented 50 mg / 1 mg 40 %, 10 mg / 0.1 mg 20 %) and the
filler (table default 70 %, a measured pack stat 30 %).

Oral liquid orders vary the source (tablets 60 %: a suspension of whole tablets; API powder
40 %: a solution weighed directly or by a liquid aliquot on a documented 50 mg / 1 mg or
10 mg / 0.1 mg balance), the dose (1-4.5 mg), the days' supply (14 or 30 days, once a day),
the concentration (1 mg/mL, or 2.5 mg/mL for 4.5 mg, on the order 50 %, suggested 50 %) and the vehicle (purified
water or the preserved NZ formula); the library chooses the oral syringe.

Drops orders are API powder (drops from tablets are a suspension the library warns
against), with a calibrated dropper (40 drops in 2.5 mL, or 20 drops in 1 mL), doses of
0.5-4.5 mg for 30 days once a day, a suggested concentration, either vehicle and either
documented balance.

Every line is one order document (``ldncompound.order_document``, the input of
``ldncompound batch``): ``{"schema": "ldncompound/order/capsules/1", "dose": "4.5 mg", ...}``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import ldncompound as lc

#: Share of each preparation in the mix (must add up to 1).
SHARES = {"capsules": Decimal("0.60"), "liquids": Decimal("0.25"), "drops": Decimal("0.15")}
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


_BALANCES = (("50", "1"), ("10", "0.1"))


def _api(rng: random.Random, i: int) -> lc.ApiLot:
    return lc.ApiLot(
        form="hcl",
        assay=lc.Quantity(Decimal(rng.choice(["99.1", "99.5", "100.2"])), lc.Unit.PERCENT),
        assay_basis=lc.AssayBasis.AS_IS,
        expiry=dt.date(2029, 6, 30),
        lot=f"A{i % 89}",
    )


def _vehicle(rng: random.Random) -> lc.VehicleLot:
    if rng.random() < 0.5:
        return lc.VehicleLot(
            vehicle=lc.vehicle("purified-water"), lot="W1", expiry=dt.date(2027, 12, 31)
        )
    return lc.VehicleLot(vehicle=lc.vehicle("nz-preserved"), lot="V1", expiry=dt.date(2027, 6, 30))


def _balance(rng: random.Random) -> lc.Balance:
    minimum, readability = rng.choice(_BALANCES)
    return lc.Balance.documented(
        minimum_weight=lc.Quantity(Decimal(minimum), lc.Unit.MG),
        readability=lc.Quantity(Decimal(readability), lc.Unit.MG),
    )


def liquid_order(rng: random.Random, i: int) -> lc.LiquidOrder:
    """One oral liquid order of the mix."""
    tablets = rng.random() < 0.6
    source: lc.Source = (
        lc.TabletSource(
            average_weight=lc.Quantity(
                Decimal(rng.choice(["180", "201.4", "215.5", "250.2"])), lc.Unit.MG
            ),
            tablets_weighed=20,
            expiry=dt.date(2030, 12, 31),
            lot=f"T{i % 97}",
        )
        if tablets
        else _api(rng, i)
    )
    ordered = rng.random() < 0.5
    dose = Decimal(rng.choice(["1", "1.5", "3", "4.5"]))
    # 4.5 mL (4.5 mg at 1 mg/mL) is not a mark of any table syringe: 2.5 mg/mL gives 1.8 mL
    strength = Decimal("2.5") if dose == Decimal("4.5") else Decimal(1)
    concentration = lc.Quantity(strength, lc.Unit.MG_PER_ML) if ordered else None
    return lc.LiquidOrder(
        dose=lc.Quantity(dose, lc.Unit.MG),
        doses_per_day=Decimal(1),
        days_supply=rng.choice([14, 30]),
        source=source,
        concentration=concentration,
        vehicle=_vehicle(rng),
        balance=None if tablets else _balance(rng),
        compounded_on=DAY,
    )


def drops_order(rng: random.Random, i: int) -> lc.DropsOrder:
    """One sublingual drops order of the mix."""
    drops, ml = rng.choice([(40, "2.5"), (20, "1")])
    return lc.DropsOrder(
        dose=lc.Quantity(Decimal(rng.choice(["0.5", "1", "1.5", "3", "4.5"])), lc.Unit.MG),
        doses_per_day=Decimal(1),
        days_supply=30,
        source=_api(rng, i),
        calibration=lc.calibrate_dropper(
            drops=drops,
            volume=lc.Quantity(Decimal(ml), lc.Unit.ML),
            dropper="30 mL amber bottle dropper, lot D7",
        ),
        vehicle=_vehicle(rng),
        balance=_balance(rng),
        compounded_on=DAY,
    )


_MAKERS = {"capsules": capsule_order, "liquids": liquid_order, "drops": drops_order}


def orders(n: int, seed: int = SEED) -> list[Any]:
    """The first ``n`` orders of the mix (the same ``n`` orders for the same seed): each is
    drawn as a capsule, liquid or drops order by :data:`SHARES`."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        roll, below = Decimal(str(rng.random())), Decimal(0)
        for name, share in SHARES.items():
            below += share
            if roll < below or name == "drops":
                out.append(_MAKERS[name](rng, i))
                break
    return out


def order_line(order: Any) -> str:
    """One JSON Lines record for ``order``: its order document (the input of the batch)."""
    return json.dumps(lc.order_document(order), ensure_ascii=False)


def write_lines(path: str, n: int, seed: int = SEED) -> None:
    """Write the first ``n`` orders of the mix to ``path`` as JSON Lines."""
    with Path(path).open("w", encoding="utf-8") as out:
        out.writelines(order_line(order) + "\n" for order in orders(n, seed))
