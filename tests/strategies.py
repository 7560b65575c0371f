"""Hypothesis strategies shared by the test modules."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from decimal import Decimal

from hypothesis import strategies as st

import ldncompound as lc


def decimals(low: str, high: str, places: int) -> st.SearchStrategy[Decimal]:
    """Decimals in [low, high] with at most ``places`` decimals (as a person would type them)."""
    return st.decimals(
        min_value=Decimal(low),
        max_value=Decimal(high),
        places=places,
        allow_nan=False,
        allow_infinity=False,
    )


def masses(
    low: str = "0.001", high: str = "100000", places: int = 3
) -> st.SearchStrategy[lc.Quantity]:
    units = st.sampled_from([lc.Unit.MG, lc.Unit.G, lc.Unit.MCG])
    return st.builds(
        lc.Quantity,
        decimals(low, high, places).filter(lambda d: d > 0),
        units,
    ).filter(
        lambda q: (
            lc.Quantity(Decimal("0.001"), lc.Unit.MCG) <= q <= lc.Quantity(Decimal(1000), lc.Unit.G)
        )
    )


#: LDN doses as pharmacists write them, in mg.
ldn_doses = decimals("0.1", "5", 2).filter(lambda d: d > 0)

balances = st.one_of(
    st.just(lc.Balance.class_iii()),
    st.builds(
        lambda m, d: lc.Balance.documented(
            minimum_weight=lc.Quantity(m, lc.Unit.MG), readability=lc.Quantity(d, lc.Unit.MG)
        ),
        st.sampled_from([Decimal(10), Decimal(20), Decimal(50), Decimal(100), Decimal(120)]),
        st.sampled_from([Decimal("0.1"), Decimal(1)]),
    ),
    st.builds(
        lambda d: lc.Balance.usp41(readability=lc.Quantity(d, lc.Unit.MG)),
        st.sampled_from([Decimal("0.01"), Decimal("0.1")]),
    ),
)

api_lots = st.one_of(
    st.builds(
        lambda assay: lc.ApiLot(
            form="hcl",
            assay=lc.Quantity(assay, lc.Unit.PERCENT),
            assay_basis=lc.AssayBasis.AS_IS,
            expiry=dt.date(2030, 1, 1),
            lot="A1",
        ),
        decimals("97", "101", 1),
    ),
    st.builds(
        lambda assay, water: lc.ApiLot(
            form="hcl-dihydrate",
            assay=lc.Quantity(assay, lc.Unit.PERCENT),
            assay_basis=lc.AssayBasis.ANHYDROUS,
            water_content=lc.Quantity(water, lc.Unit.PERCENT),
            expiry=dt.date(2030, 1, 1),
            lot="A2",
        ),
        decimals("98", "102", 1),  # the USP window on the anhydrous basis (else refused)
        decimals("7.5", "9.5", 2),
    ),
)

tablet_sources = st.builds(
    lambda w: lc.TabletSource(
        average_weight=lc.Quantity(w, lc.Unit.MG),
        expiry=dt.date(2030, 1, 1),
        lot="T1",
        tablets_weighed=20,
    ),
    decimals("175", "400", 1),  # 3.5-8 x the 50 mg strength (else refused)
)

sources = st.one_of(api_lots, tablet_sources)


def at_least(value: Decimal, bound: Decimal | int) -> bool:
    """``value >= bound`` allowing for the last of the 34 digits the library computes with."""
    with decimal.localcontext(decimal.Context(prec=80)):
        return value >= Decimal(bound) * (1 - Decimal("1e-30"))


#: Density factors as a pharmacist would state them, or None (1:1 by weight, echoed).
displacements = st.one_of(
    st.none(),
    st.just(lc.Displacement.replacement()),
    st.builds(lc.Displacement.of, decimals("0.8", "3", 2)),
)

additives = st.lists(
    st.builds(
        lambda i, amount, disp: lc.Additive(
            name=f"ingredient {i}",
            amount=lc.Quantity(amount, lc.Unit.MG),
            displacement=disp,
            lot=f"L{i}",
            expiry=dt.date(2030, 1, 1),
        ),
        st.integers(min_value=0, max_value=10**6),
        decimals("5", "60", 1),
        displacements,
    ),
    max_size=3,
    unique_by=lambda a: a.name,
)


def troche_orders(*, replacement_only: bool = False) -> st.SearchStrategy[lc.TrocheOrder]:
    """Troche and RDT orders that can be made (counts of 10 or more keep every ingredient
    within reach of the balance minimum without refusing the batch)."""
    disp = st.just(lc.Displacement.replacement()) if replacement_only else displacements
    adds = (
        additives.map(
            lambda items: tuple(
                lc.Additive(
                    name=a.name,
                    amount=a.amount,
                    displacement=lc.Displacement.replacement(),
                    lot=a.lot,
                    expiry=a.expiry,
                )
                for a in items
            )
        )
        if replacement_only
        else additives.map(tuple)
    )
    return st.builds(
        lambda source, dose, count, overage, balance, blank, ingredients, drug_disp, form: (
            lc.TrocheOrder(
                dose=lc.Quantity(dose, lc.Unit.MG),
                count=count,
                source=source,
                dosage_form=form,
                mold=lc.MoldCalibration(
                    blank_weight=lc.Quantity(blank, lc.Unit.MG), blanks_weighed=20
                ),
                base=lc.BaseLot(
                    base="rdt" if form is lc.TrocheForm.RDT else "peg",
                    lot="B1",
                    expiry=dt.date(2030, 1, 1),
                ),
                ingredients=ingredients,
                drug_displacement=drug_disp,
                overage=lc.Quantity(overage, lc.Unit.PERCENT),
                balance=balance,
                compounded_on=dt.date(2026, 11, 21),
            )
        ),
        sources,
        ldn_doses,
        st.integers(min_value=10, max_value=300),
        decimals("0", "20", 0),
        balances,
        decimals("500", "2500", 0),
        adds,
        disp,
        st.sampled_from(list(lc.TrocheForm)),
    )


_dates = st.dates(min_value=dt.date(2027, 1, 1), max_value=dt.date(2032, 12, 31))
_texts = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]),
    min_size=1,
    max_size=20,
).filter(str.strip)


def _optional(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.one_of(st.none(), strategy)


_percent = st.builds(lc.Quantity, decimals("0", "20", 2), st.just(lc.Unit.PERCENT))

_stocks = st.builds(
    lambda strength, lot, made_on, bud: lc.TriturationStock(
        strength=lc.Quantity(strength, lc.Unit.PERCENT),
        diluent="microcrystalline cellulose",
        bud=bud,
        lot=lot,
        made_on=made_on,
    ),
    decimals("1", "50", 1),
    _optional(_texts),
    _optional(st.just(dt.date(2026, 1, 1))),
    _dates,
)

_fillers = st.builds(
    lambda key, lot, expiry, size, ps: lc.FillerLot(
        filler=key,
        lot=lot,
        expiry=expiry,
        pack_stat=None
        if ps is None
        else lc.PackStat(size=size, filler_per_capsule=lc.Quantity(ps, lc.Unit.MG)),
    ),
    st.sampled_from([f.key for f in lc.FILLERS]),
    _optional(_texts),
    _optional(_dates),
    st.sampled_from([s.code for s in lc.CAPSULE_SIZES]),
    _optional(decimals("20", "900", 1).filter(lambda d: d > 0)),
)

#: Constructible capsule orders over every field (not all of them can be compounded). The
#: count is at least one day's doses (fewer is refused as less-than-one-day).
capsule_orders = st.builds(
    lambda source, dose, count, balance, filler, overage, extra: lc.CapsuleOrder(
        dose=lc.Quantity(dose, lc.Unit.MG),
        count=max(count, math.ceil(extra.get("doses_per_day", 1))),
        source=source,
        balance=balance,
        filler=filler,
        overage=overage,
        **extra,
    ),
    st.one_of(sources, _stocks),
    ldn_doses,
    st.integers(min_value=1, max_value=10_000),
    st.one_of(st.none(), balances),
    _optional(_fillers),
    _optional(_percent),
    st.fixed_dictionaries(
        {},
        optional={
            "dose_basis": st.sampled_from(["hcl", "base", "hcl-dihydrate"]),
            "size": st.sampled_from([s.code for s in lc.CAPSULE_SIZES]),
            "storage": st.sampled_from(list(lc.Storage)),
            "day_count": st.sampled_from(list(lc.DayCount)),
            "compounded_on": _dates,
            "doses_per_day": st.integers(1, 4).map(Decimal),
            "qc_sample": st.integers(min_value=1, max_value=100),
            "drug_loss_allowance": _percent.filter(lambda q: q.magnitude <= 10),
            "acknowledge": st.lists(
                st.sampled_from(["dose-above-range", "dose-below-range"]), max_size=2, unique=True
            ).map(tuple),
            "reference": _texts,
            "shells": st.builds(
                lambda lot, expiry: lc.ShellLot(lot=lot, expiry=expiry),
                _optional(_texts),
                _optional(_dates),
            ),
        },
    ),
)
