"""The bare reference: the capsule formulas in plain Decimal, as little work as the output needs.

It reads the same JSON Lines orders as the throughput rows and writes the same JSON document
the library writes for each (every field, decimal strings, the trace, warnings, defaults),
with no units, no value objects and no validation: unit codes are strings, amounts are
Decimals in mg (or %, mL), and the order is trusted. It is the floor for "our cost over the
unavoidable work" (issue 6), not a second implementation: it covers only the paths of the
benchmark mix (``benchmarks/mix.py``) and raises ``NotImplementedError`` outside them. It
uses the same decimal display shortcut and the same JSON codec as the library's side, so
the ratio measures units, objects and validation, not a different encoder.
``tests/test_benchmark_reference.py`` checks that it gives the library's documents, byte for
byte after parsing, for a sample of the mix.

Run as a filter: ``python benchmarks/bare.py < orders.jsonl > results.jsonl``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import importlib.metadata
import json
import sys
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - the library depends on orjson
    orjson = None

CONTEXT = decimal.Context(
    prec=34,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
LIBRARY_VERSION = importlib.metadata.version("ldncompound")
D0, D1, D2, D100, D1000 = Decimal(0), Decimal(1), Decimal(2), Decimal(100), Decimal(1000)
MG_PER = {"mg": D1, "mcg": Decimal("0.001"), "g": D1000}

FORMS = {  # key: (short name, molar mass, water-free form)
    "base": ("naltrexone (base)", Decimal("341.41"), "base"),
    "hcl": ("naltrexone HCl", Decimal("377.86"), "hcl"),
    "hcl-dihydrate": ("naltrexone HCl dihydrate", Decimal("413.89"), "hcl"),
}
SIZES = [  # code, volume mL, typical shell mg
    ("5", Decimal("0.13"), 28),
    ("4", Decimal("0.20"), 38),
    ("3", Decimal("0.30"), 48),
    ("2", Decimal("0.37"), 61),
    ("1", Decimal("0.50"), 76),
    ("0", Decimal("0.68"), 96),
    ("00", Decimal("0.95"), 118),
    ("000", Decimal("1.37"), 163),
]
SIZE_BY_CODE = {s[0]: s for s in SIZES}
MCC_NAME = "microcrystalline cellulose (Avicel PH-102)"
MCC_DENSITY = Decimal("0.30")
MCC_DENSITY_SOURCE = (
    "IFF Avicel technical data sheet, loose bulk density (domain.md §3.3): 0.28-0.33 g/mL, "
    "midpoint [V]"
)
CLASS_III = {
    "name": "Class III prescription balance",
    "readability": {"value": "10", "unit": "mg"},
    "minimum_weight": {"value": "120", "unit": "mg"},
    "rule": "sensitivity",
    "sensitivity": {"value": "6", "unit": "mg"},
    "max_error": {"value": "5", "unit": "%"},
    "source": "sensitivity 6 mg x 100 / 5 % (USP <1176>)",
}
CLASS_III_SOURCE = (
    "Class III prescription torsion balance, sensitivity requirement 6 mg at 5 % error = 120 mg "
    "(USP <1176>; domain.md §5.2) [V]; readability 10 mg, the usual dial graduation [U]"
)
OVERAGE_SOURCE = (
    "NRF/DAC Rechenhilfen practice: 10 % extra for actives under 20 mg per unit, otherwise 5 % "
    "(anchors.md §2 and §4.5) [S]"
)
ROUNDING_SOURCE = (
    "weighings rounded to readability may move the dose by at most 0.5 % (library policy) [D]"
)
MAX_STAGE_SOURCE = "largest trituration per stage: 10 g, a mortar-sized batch (library policy) [D]"
TABLET_MARGIN_SOURCE = (
    "crush enough tablets to leave 5 % more powder than is weighed (library policy) [D]"
)
FILLER_SOURCE = (
    "microcrystalline cellulose (Avicel), the usual immediate-release LDN filler "
    "(US Pharm. 2020;45(3); LDN Research Trust dosing guide; domain.md §1.6) [S]"
)
PACKING_SOURCE = (
    "no density given for the drug material: assumed to pack like the filler (1:1 by weight) [D]"
)
SIZE_SOURCE = (
    "smallest size whose volume holds the fill (required volume = fill / bulk density; "
    "domain.md §4.1) [V]; for a filled capsule, also the smallest whose fill weighs at least "
    "the balance minimum, so single capsules can be weight-checked"
)
SHELL_SOURCE = (
    "typical empty hard-gelatin shell weights by size, manufacturer literature recalled [U]"
)
QC_SOURCE = "weigh 10 capsules individually, as in the USP weight-variation test [S]"
STORAGE_SOURCE = (
    "capsules are stored at controlled room temperature in a tight, light-resistant container"
)
DAY_ONE_SOURCE = (
    "compounding day counted as day 1 (University of Illinois SOP on <795>; the 2023 chapter's "
    "own wording was not verified, domain.md §2.1) [U]"
)
STRENGTH_SOURCE = (
    "commercial naltrexone HCl tablets are 50 mg of the hydrochloride "
    "(openFDA NDC records; REVIA label; domain.md §1.5) [V]"
)
ALLERGEN_SOURCE = (
    "US and EU naltrexone 50 mg tablets list lactose monohydrate "
    "(REVIA label, openFDA SPL, AOP SmPC; domain.md §1.5) [V]"
)
BUD_RULE = (
    "USP <795> (2023): nonaqueous dosage form (aw < 0.60), e.g. capsules, troches, at most "
    "180 days, controlled room temperature, 20-25 °C"
)
USP_795 = "USP <795> (2023), BUD limits by type of preparation (domain.md §2.1) [S]"


def plain(x: Decimal) -> str:
    """The library's display rule, with its shortcut (str() when no exponent and <= 34 digits)."""
    text = str(x)
    if (
        "E" not in text
        and "e" not in text
        and text[-1].isdigit()
        and len(text) - (text[0] == "-") - ("." in text) <= 34
    ):
        if x.is_zero():
            return "0"
        if "." in text and text[-1] == "0":
            return text.rstrip("0").rstrip(".")
        return text
    return "0" if x.is_zero() else format(x.normalize(CONTEXT), "f")


def sig(x: Decimal, digits: int = 6) -> str:
    if x.is_zero():
        return "0"
    q = D1.scaleb(x.adjusted() - digits + 1)
    return plain(x.quantize(q, rounding=ROUND_HALF_UP, context=CONTEXT))


def fixed(x: Decimal, places: int) -> str:
    q = D1.scaleb(-places) if places > 0 else D1
    return format(x.quantize(q, rounding=ROUND_HALF_UP, context=CONTEXT), "f")


_SNAP_NOISE = Decimal("1e-26")


def tidy(x: Decimal) -> Decimal:
    """The library's quantity rounding: snap to 20 digits within 1e-26, else keep 28."""
    digits = len(x.as_tuple().digits)
    if digits <= 20:
        return x
    top = x.adjusted()
    snapped = x.quantize(D1.scaleb(top - 19), context=CONTEXT)
    if abs(x - snapped) <= abs(x) * _SNAP_NOISE:
        return snapped.normalize(CONTEXT) if snapped else snapped
    if digits <= 28:
        return x
    return x.quantize(D1.scaleb(top - 27), context=CONTEXT)


def q(x: Decimal | int, unit: str = "mg") -> dict[str, str]:
    return {"value": plain(tidy(Decimal(x))), "unit": unit}


def ceil_to(x: Decimal, step: Decimal) -> Decimal:
    return (x / step).to_integral_value(rounding=ROUND_CEILING) * step


def round_to(x: Decimal, step: Decimal) -> Decimal:
    return (x / step).to_integral_value(rounding=ROUND_HALF_UP) * step


def mg(amount: dict[str, str]) -> Decimal:
    return Decimal(amount["value"]) * MG_PER[amount["unit"]]


def portions(start: Decimal, diluent: Decimal) -> str:
    out, current, left = [], start, diluent
    while left > 0:
        add = min(current, left)
        out.append(plain(add))
        current += add
        left -= add
    return ", ".join(out)


def step(trace: list[Any], key: str, desc: str, formula: str, result: Any, **inputs: Any) -> None:
    trace.append(
        {"key": key, "description": desc, "formula": formula, "inputs": inputs, "result": result}
    )


class Run:
    """The three lists a formulation collects (a plain holder, no validation)."""

    __slots__ = ("defaults", "trace", "warnings")

    def __init__(self) -> None:
        self.trace: list[Any] = []
        self.warnings: list[Any] = []
        self.defaults: list[Any] = []

    def warn(self, code: str, message: str, field: str) -> None:
        for w in self.warnings:
            if w["code"] == code and w["field"] == field:
                return
        self.warnings.append({"code": code, "message": message, "field": field})

    def default(self, field: str, value: Any, source: str) -> None:
        self.defaults.append({"field": field, "value": value, "source": source})


def _convert(run: Run, amount: Decimal, basis: str, target: str, whose: str) -> Decimal:
    if basis == target:
        return amount
    m_to, m_from = FORMS[target][1], FORMS[basis][1]
    out = amount * (m_to / m_from)
    step(
        run.trace,
        "salt-conversion",
        f"dose as {FORMS[basis][0]} expressed as {whose}{FORMS[target][0]}",
        "m_target = m_basis x M(target) / M(basis)",
        q(out),
        m_basis=q(amount),
        M_target=q(m_to, "g/mol"),
        M_basis=q(m_from, "g/mol"),
    )
    return tidy(out)


def _source(run: Run, src: dict[str, Any]) -> dict[str, Any]:
    """Defaults, warnings and the numbers of the drug source (``check`` in the library)."""
    kind = src["kind"]
    if kind == "tablets":
        if src["strength"] is None:
            run.default("tablets.strength", q(50), STRENGTH_SOURCE)
        if src["strength_basis"] is None:
            run.default(
                "tablets.strength_basis",
                "hcl",
                "naltrexone tablets are labelled as the naltrexone HCl",
            )
        if src["allergens_declared"] is None:
            run.default("tablets.allergens", "lactose", ALLERGEN_SOURCE)
        if src["tablets_weighed"] is None:
            run.warn(
                "tablet-weight-count-unknown",
                "How many tablets were weighed for the average is not stated; weigh at least 10 "
                "whole tablets and record the number.",
                "tablets.tablets_weighed",
            )
        elif src["tablets_weighed"] < 10:
            raise NotImplementedError("fewer than 10 tablets weighed")
        if src["lot"] is None:
            run.warn(
                "lot-missing",
                "The tablet lot number is not given; the compounding record will be incomplete.",
                "tablets.lot",
            )
        if src["strength"] is not None or src["strength_basis"] is not None:
            raise NotImplementedError("tablet strength other than the default")
        return {
            "name": "crushed naltrexone HCl 50 mg tablets",
            "basis": "hcl",
            "whose": "the tablets' ",
            "allergens": ["lactose"] if src["allergens_declared"] is None else None,
            "expiry": src["expiry"],
        }
    if kind == "api":
        form, basis = src["form"], src["assay_basis"]
        assay_form = (src["assay_as"] or form) if basis == "as-is" else FORMS[form][2]
        if src["assay_as"] is None:
            run.default(
                "api.assay_as",
                assay_form,
                "an as-is assay is taken as the content of the lot's own form; a dried or "
                "anhydrous one as the content of the water-free form",
            )
        pct = Decimal(src["assay"]["value"])
        if basis != "as-is" and not (98 <= pct <= 102):
            raise NotImplementedError("assay outside the USP range")
        if basis == "anhydrous":
            water = Decimal(src["water_content"]["value"])
            m_form, m_free = FORMS[form][1], FORMS[FORMS[form][2]][1]
            if abs(water - (m_form - m_free) / m_form * D100) > 2:
                raise NotImplementedError("water figure inconsistent with the form")
        elif basis != "as-is":
            raise NotImplementedError("dried-basis assay")
        if src["lot"] is None:
            run.warn(
                "lot-missing",
                "The API lot number is not given; the compounding record will be incomplete.",
                "api.lot",
            )
        return {
            "name": f"{FORMS[form][0]} powder (API)",
            "basis": assay_form,
            "whose": "",
            "allergens": [],
            "expiry": src["expiry"],
        }
    if src["strength_basis"] is None:
        run.default(
            "stock.strength_basis",
            "hcl",
            "stock strength taken as stated in the drug's default basis",
        )
    else:
        raise NotImplementedError("stock strength basis")
    if src["lot"] is None:
        run.warn(
            "lot-missing",
            "The stock's lot number is not given; the compounding record will be incomplete.",
            "stock.lot",
        )
    return {
        "name": f"naltrexone HCl {src['strength']['value']} % trituration in {src['diluent']}",
        "basis": "hcl",
        "whose": "the stock's ",
        "allergens": ["lactose"] if "lactose" in src["diluent"].lower() else [],
        "expiry": src["bud"],
    }


def _material(run: Run, src: dict[str, Any], info: dict[str, Any], dose: Decimal) -> Decimal:
    """mg of the source's material that holds ``dose`` mg (``material_for`` in the library)."""
    amount = _convert(run, dose, info["dose_basis"], info["basis"], info["whose"])
    kind = src["kind"]
    if kind == "tablets":
        weight = mg(src["average_weight"])
        out = amount * (weight / 50)
        step(
            run.trace,
            "tablet-powder",
            "crushed-tablet powder that holds the drug",
            "m_powder = m_drug x average tablet weight / tablet strength",
            q(out),
            m_drug=q(amount),
            average_weight=src["average_weight"],
            strength=q(50),
        )
        return tidy(out)
    if kind == "api":
        assay = Decimal(src["assay"]["value"]) / D100
        if src["assay_basis"] == "as-is":
            out = amount / assay
            step(
                run.trace,
                "assay-correction",
                "powder as is that holds the drug, by the as-is assay",
                "m_powder = m_form / assay",
                q(out),
                m_form=q(amount),
                assay=src["assay"],
            )
            return tidy(out)
        water = Decimal(src["water_content"]["value"]) / D100
        out = amount / (assay * (D1 - water))
        step(
            run.trace,
            "assay-correction",
            "powder as is that holds the drug, by the assay on the anhydrous basis",
            "m_powder = m_form / (assay x (1 - water))",
            q(out),
            m_form=q(amount),
            assay=src["assay"],
            water=src["water_content"],
        )
        return tidy(out)
    out = amount / (Decimal(src["strength"]["value"]) / D100)
    step(
        run.trace,
        "stock-amount",
        "stock mixture that holds the drug",
        "m_stock = m_drug / strength",
        q(out),
        m_drug=q(amount),
        strength=src["strength"],
    )
    return tidy(out)


def _plan(
    run: Run | None,
    needed: Decimal,
    ratio: Decimal,
    bal: dict[str, Any],
    name: str,
    diluent: str,
) -> dict[str, Any]:
    """The weighing plan (``plan_solid`` in the library); ``run`` None for a trial."""
    d, m = bal["d"], bal["m"]
    if needed >= m:
        aliquot = ceil_to(needed, d)
        if run is not None:
            step(
                run.trace,
                "weigh-direct",
                "drug material is at or above the balance minimum: weigh it directly (rounded up)",
                "A = ceil_d(material needed)",
                q(aliquot),
                needed=q(needed),
                readability=bal["json"]["readability"],
                minimum=q(m),
            )
        return {"stages": [], "aliquot": aliquot, "material": aliquot, "needed": needed, "F": D1}
    need_factor = m / needed
    f_cap = int(D1000 * 10 / m)
    stages_n, reach = 1, Decimal(f_cap)
    while reach < need_factor:
        stages_n += 1
        reach *= f_cap
    common = 2
    while Decimal(common) ** stages_n < need_factor:
        common += 1
    common = min(common, f_cap)
    factors = [common] * (stages_n - 1)
    prior = D1
    for f in factors:
        prior *= f
    last_min = max(2, int((need_factor / prior).to_integral_value(rounding=ROUND_CEILING)))
    best = None
    for last in range(last_min, min(f_cap, last_min * 4) + 1):
        total_factor = prior * last
        if total_factor > ratio:
            break
        aliquot = ceil_to(needed * total_factor, d)
        if aliquot > m * last:
            continue
        excess = aliquot / (needed * total_factor) - D1
        if best is None or excess < best[0]:
            best = (excess, last, aliquot)
        if excess <= Decimal("0.01"):
            break
    if best is None:
        raise NotImplementedError("no aliquot plan")
    _excess, last, aliquot = best
    factors.append(last)
    stages, fraction, source = [], D1, name
    for i, f in enumerate(factors, start=1):
        total = m * f
        fraction = fraction / Decimal(f)
        dil = total - m
        stages.append((i, source, dil, total, f, fraction))
        if run is not None:
            step(
                run.trace,
                f"trituration-{i}",
                f"stage {i}: {plain(m)} mg of {source} made up to {plain(total)} mg with "
                f"{diluent} (1 in {f})",
                "B = A x f; diluent = B - A",
                q(total),
                A=q(m),
                f=q(f, "1"),
            )
        source = f"stage {i} trituration"
    total_factor = D1
    for f in factors:
        total_factor *= f
    material = aliquot / total_factor
    if run is not None:
        step(
            run.trace,
            "aliquot",
            "aliquot of the last trituration that holds the material (rounded up to "
            f"{bal['json']['readability']['value']} mg)",
            "D = ceil_d(C x F); material in D = D / F",
            q(aliquot),
            C=q(needed),
            F=q(total_factor, "1"),
        )
    return {
        "stages": stages,
        "aliquot": aliquot,
        "material": tidy(material),
        "needed": needed,
        "F": total_factor,
    }


def formulate(order: dict[str, Any]) -> dict[str, Any]:
    """The library's JSON document for one capsule order of the mix (``to_json(result)``)."""
    with decimal.localcontext(CONTEXT):
        return _formulate(order)


def _formulate(order: dict[str, Any]) -> dict[str, Any]:
    run = Run()
    src = order["source"]
    if src["drug"] != "naltrexone" or order["method"] not in (None, "capacity"):
        raise NotImplementedError("drug or method outside the mix")
    info = _source(run, src)
    basis = order["dose_basis"]
    if basis is None:
        basis = "hcl"
        run.default("dose_basis", "hcl", "doses are naltrexone HCl unless the order says otherwise")
    info["dose_basis"] = basis
    if order["method"] is None:
        run.default(
            "method", "capacity", "capsules are filled to capacity unless a fill weight is given"
        )
    dose_json = order["dose"]
    dose_unit = dose_json["unit"]
    dose = mg(dose_json)

    bal_json = order["balance"]
    if bal_json is None:
        bal_json = CLASS_III
        run.default(
            "balance",
            "Class III prescription balance, minimum 120 mg, readability 10 mg",
            CLASS_III_SOURCE,
        )
        run.warn(
            "balance-assumed",
            "No balance was given: the plan assumes a Class III torsion balance (minimum weight "
            "120 mg, nominal capacity 15.5 g, USP <1176>); give your balance's documented "
            "minimum weight, readability and capacity.",
            "balance",
        )
    d = mg(bal_json["readability"])
    m = ceil_to(mg(bal_json["minimum_weight"]), d)
    bal = {"d": d, "m": m, "json": bal_json}
    if (
        any(
            order[k] is not None
            for k in ("overage", "drug_loss_allowance", "rounding_tolerance", "max_stage_mass")
        )
        or order["tablet_margin"] is not None
        or order["size"] is not None
    ):
        raise NotImplementedError("order field outside the mix")
    overage = {"value": "10", "unit": "%"}
    run.default("overage", overage, OVERAGE_SOURCE)
    run.default("rounding_tolerance", {"value": "0.5", "unit": "%"}, ROUNDING_SOURCE)
    run.default("max_stage_mass", {"value": "10", "unit": "g"}, MAX_STAGE_SOURCE)
    n = order["count"]
    n_batch = int((n * (D1 + Decimal("0.1"))).to_integral_value(rounding=ROUND_CEILING))
    batch = q(n_batch, "capsule")
    step(
        run.trace,
        "batch-count",
        "capsules to make: the count plus the overage of the whole batch, rounded up",
        "n_batch = ceil(count x (1 + overage))",
        batch,
        count=q(n, "capsule"),
        overage=overage,
    )
    p = _material(run, src, info, dose)
    pq = q(p)

    lot = order["filler"]
    if lot is None:
        lot = {"filler": "mcc", "lot": None, "expiry": None, "pack_stat": None, "density": None}
        run.default("filler", "mcc", FILLER_SOURCE)
    elif lot["filler"] != "mcc" or lot["density"] is not None:
        raise NotImplementedError("filler outside the mix")
    ps = lot["pack_stat"]
    if ps is not None:
        run.default("size", ps["size"], "the size the filler's pack stat was measured in")
        size = SIZE_BY_CODE[ps["size"]]
        cap, note = mg(ps["filler_per_capsule"]), "measured pack stat"
    else:
        note = "table bulk density (estimate)"
        chosen = fitting = None
        for s in SIZES:
            c = MCC_DENSITY * s[1] * 1000
            share = p / c
            weight = p + c * (D1 - share)
            if share <= D1:
                fitting = fitting or (s, c)
                if weight >= m:
                    chosen = (s, c)
                    break
        if chosen is None:
            if fitting is None:
                raise NotImplementedError("overfill")
            chosen = fitting
        size, cap = chosen
        run.default("size", size[0], SIZE_SOURCE)
        share = p / cap
        if share > Decimal("0.90"):
            run.warn(
                "fill-near-capacity",
                f"The drug material takes {sig(share * 100, 3)} % of a size {size[0]} capsule's "
                "volume (above 90 %): little filler is left to mix it with evenly, or choose "
                "the next size up.",
                "size",
            )
        run.default("filler.density", {"value": "0.3", "unit": "g/mL"}, MCC_DENSITY_SOURCE)
        run.warn(
            "filler-density-estimated",
            f"The capacity uses the table bulk density of {MCC_NAME}, an estimate (lots differ, "
            "and hand-packed capsules hold more than the loose bulk density suggests); measure "
            "a pack stat for this lot and size.",
            "filler.pack_stat",
        )
    code, volume, shell = size
    run.default("source.density", "packs like the filler", PACKING_SOURCE)
    capq = q(cap)
    step(
        run.trace,
        "filler-capacity",
        f"filler that fills one size {code} capsule ({note})",
        "C_f = pack stat, or density x capsule volume",
        capq,
        volume=q(volume, "mL"),
    )
    share_pct = p / cap * D100
    step(
        run.trace,
        "active-share",
        "share of the capsule volume taken by the drug material",
        "s = p / C_a",
        q(share_pct, "%"),
        p=pq,
        C_a=capq,
    )
    f = tidy(cap - p * cap / cap)
    fq = q(f)
    step(
        run.trace,
        "filler-per-capsule",
        "filler per capsule: the capacity left after the drug material",
        "f = C_f - p x C_f / C_a  (= C_f x (1 - s))",
        fq,
        C_f=capq,
        C_a=capq,
    )
    w = tidy(p + f)
    wq = q(w)
    step(run.trace, "fill-weight", "net fill weight per capsule", "W = p + f", wq, p=pq, f=fq)
    if w < m:
        run.warn(
            "capsule-weight-below-minimum",
            f"The fill weight {sig(w)} mg is below the balance minimum of {plain(m)} mg, so "
            "single capsules cannot be weight-checked on it; use a larger size or a finer balance.",
            "size",
        )

    tol = Decimal("0.005")
    ratio = w / p
    exact_need = Decimal(n_batch) * p
    step(
        run.trace,
        "material-needed",
        "drug material for the batch",
        "C = n_batch x p",
        q(exact_need),
        n_batch=batch,
        p=pq,
    )
    need = max(exact_need, max(d / (2 * tol), 2 * m) * p / w)
    name = info["name"]
    for _attempt in range(8):
        plan = _plan(None, need, ratio, bal, name, MCC_NAME)
        material = plan["material"]
        total = material * w / p
        aliquot = plan["aliquot"]
        filler_add = round_to(total - aliquot, d)
        if D0 < filler_add < m:
            need = need * m / (total - aliquot) * Decimal("1.02")
            continue
        actual_total = aliquot + filler_add
        if abs(total / actual_total - D1) > tol:
            need *= 2
            continue
        break
    else:
        raise NotImplementedError("no plan")
    if need > exact_need:
        step(
            run.trace,
            "material-enlarged",
            "material enlarged so the mix is at least twice the minimum weight, the filler "
            "weighing is at or above the minimum and rounding moves the dose by at most the "
            "tolerance (the surplus is discarded)",
            "C' >= max(C, max(d / (2 x tolerance), 2 x minimum) / (W / p))",
            q(need),
            C=q(exact_need),
            tolerance={"value": "0.5", "unit": "%"},
        )
    plan = _plan(run, need, ratio, bal, name, MCC_NAME)
    stages = plan["stages"]
    materialq, aliquotq = q(material), q(aliquot)
    mix_for = q(material / p, "capsule")
    step(
        run.trace,
        "mix-for",
        "capsules' worth of mix made from the material weighed (at least n_batch; surplus "
        "discarded)",
        "n_eff = material / p",
        mix_for,
        material=materialq,
        p=pq,
    )
    totalq = q(total)
    step(run.trace, "total-mix", "mix mass for that many capsules", "T = n_eff x W", totalq, W=wq)
    addq = q(filler_add)
    readability = bal_json["readability"]
    step(
        run.trace,
        "filler-to-add",
        f"filler added to the aliquot, rounded to the readability {readability['value']} mg",
        "F = round_d(T - D)",
        addq,
        T=totalq,
        D=aliquotq,
    )
    planned_mg = tidy(dose * total / actual_total)
    planned = q(planned_mg / MG_PER[dose_unit], dose_unit)
    step(
        run.trace,
        "dose-planned",
        "dose per capsule the rounded weighings deliver",
        "dose_planned = dose_eff x T / (D + F)",
        planned,
        dose_eff=q(dose),
    )
    deviation = q((planned_mg / dose - D1) * D100, "%")

    first_take = m if stages else aliquot
    tablets = None
    if src["kind"] == "tablets":
        run.default("tablet_margin", {"value": "5", "unit": "%"}, TABLET_MARGIN_SOURCE)
        tablets = int(
            (first_take * Decimal("1.05") / mg(src["average_weight"])).to_integral_value(
                rounding=ROUND_CEILING
            )
        )
        step(
            run.trace,
            "tablets-to-crush",
            "whole tablets to crush for the first weighing of tablet powder, with margin",
            "tablets = ceil(A x (1 + margin) / average tablet weight)",
            q(tablets, "tablet"),
            A=q(first_take),
            average_weight=src["average_weight"],
        )

    places = max(0, -d.normalize(CONTEXT).as_tuple().exponent)  # type: ignore[operator]
    weighings: list[Any] = []
    process: list[str] = []
    if tablets is not None:
        process.append(
            f"Crush {tablets} {name.removeprefix('crushed ').removesuffix('s' if tablets == 1 else '')}"
            " to a fine, uniform powder."
        )
    stages_json = []
    mq = q(m)
    for i, take_from, dil, st_total, factor, fraction in stages:
        dilq, st_totalq = q(dil), q(st_total)
        weighings.append(
            {"number": len(weighings) + 1, "what": f"stage {i}: {take_from}", "amount": mq}
        )
        weighings.append(
            {
                "number": len(weighings) + 1,
                "what": f"stage {i}: {MCC_NAME} (diluent)",
                "amount": dilq,
            }
        )
        parts = portions(m, dil)
        process.append(
            f"Stage {i} trituration (1 in {factor}): weigh {fixed(m, places)} mg of {take_from} "
            f"and {fixed(dil, places)} mg of {MCC_NAME}; add the diluent by geometric dilution "
            f"in portions of about {parts} mg, triturating well after each, to "
            f"{fixed(st_total, places)} mg."
        )
        stages_json.append(
            {
                "number": i,
                "take": mq,
                "take_from": take_from,
                "diluent": dilq,
                "total": st_totalq,
                "ratio": factor,
                "source_fraction": plain(fraction),
                "portions": [{"value": v, "unit": "mg"} for v in parts.split(", ")],
            }
        )
    if stages:
        last = stages[-1][0]
        weighings.append(
            {
                "number": len(weighings) + 1,
                "what": f"aliquot of stage {last} trituration",
                "amount": aliquotq,
            }
        )
        process.append(
            f"Weigh {fixed(aliquot, places)} mg of the stage {last} trituration (aliquot)."
        )
    else:
        weighings.append({"number": len(weighings) + 1, "what": name, "amount": aliquotq})
        process.append(f"Weigh {fixed(aliquot, places)} mg of {name}.")
    if filler_add > 0:
        weighings.append(
            {"number": len(weighings) + 1, "what": f"{MCC_NAME} (filler)", "amount": addq}
        )
        parts = portions(aliquot, filler_add)
        most = max(Decimal(p) for p in parts.split(", "))
        if most > 10000:  # the library's max_stage_mass, 10 g (the mix leaves it at its default)
            run.warn(
                "mix-portion-above-stage-mass",
                f"The {MCC_NAME} is mixed in by geometric dilution in portions of up to "
                f"{plain(most)} mg, above the 10 g one trituration holds (max_stage_mass): a mix "
                f"of {plain(aliquot + filler_add)} mg is no mortar step; mix it in equipment sized "
                "for it (per the pharmacy's SOP) and check its content uniformity.",
                "max_stage_mass",
            )
        process.append(
            f"Weigh {fixed(filler_add, places)} mg of {MCC_NAME} and incorporate it by geometric "
            f"dilution in portions of about {parts} mg; mix until uniform."
        )
    if order["shells"] is not None:
        raise NotImplementedError("shells outside the mix")
    shellq = q(shell)
    run.default("shells.weight", shellq, SHELL_SOURCE)
    run.warn(
        "shell-weight-estimated",
        f"The empty-shell weight {shell} mg for size {code} is a typical figure; weigh 10 empty "
        "shells and use their average for gross-weight checks.",
        "shells.weight",
    )
    how = ps["method"] if ps is not None else None
    if ps is not None and how is None:
        run.warn(
            "pack-stat-method-unknown",
            "How the pack stat was filled (tamping) is not recorded; fill the batch exactly as "
            "the pack stat was measured.",
            "filler.pack_stat.method",
        )
    tamping = (
        f"tamping as when the pack stat was measured ({how})"
        if how
        else "tamping as when the pack stat was measured"
        if ps is not None
        else "tamping evenly; note the method used"
    )
    process.append(
        f"Fill {n_batch} size {code} capsules to capacity, {tamping}; target net fill {sig(w)} mg."
    )
    if order["qc_sample"] is not None:
        raise NotImplementedError("qc sample outside the mix")
    run.default("qc_sample", "10", QC_SOURCE)
    sample = min(10, n_batch)
    low, high = w * Decimal("0.9"), w * Decimal("1.1")
    g_low, g_high = low + shell, high + shell
    window = f"{sig(low)}-{sig(high)} mg"
    step(
        run.trace,
        "weight-window",
        "net fill weight window for each capsule",
        "90 % x W to 110 % x W",
        window,
        W=wq,
    )
    process.append(
        f"Weigh {sample} filled capsules one by one: each net weight must be "
        f"{sig(low, 4)}-{sig(high, 4)} mg (gross {sig(g_low, 4)}-{sig(g_high, 4)} mg with "
        f"{shell} mg shells); record the weights, mean, RSD and range."
    )
    process.append(
        f"Dispense {n} capsules; record the yield of filled capsules and discard the surplus."
    )

    consumed = sum((st[2] for st in stages), D0) + filler_add
    src_allergens = info["allergens"] if info["allergens"] is not None else []
    allergens = sorted(set(src_allergens))
    active = {
        "role": "active",
        "name": name,
        "lot": src["lot"],
        "expiry": info["expiry"],
        "weighed": mq if stages else aliquotq,
        "in_batch": materialq,
        "per_capsule": pq,
        "allergens": src_allergens,
    }
    ingredients = [
        active,
        {
            "role": "filler",
            "name": MCC_NAME,
            "lot": lot["lot"],
            "expiry": lot["expiry"],
            "weighed": q(consumed),
            "in_batch": q(actual_total - material),
            "per_capsule": fq,
            "allergens": [],
        },
    ]
    if "lactose" in allergens:
        run.warn(
            "allergen-lactose",
            f"Contains lactose (from {name}); label the allergen.",
            "allergens",
        )

    if order["storage"] is not None or order["day_count"] is not None or order["study"]:
        raise NotImplementedError("BUD options outside the mix")
    if src["kind"] == "stock":
        if src.get("made_on") is not None:
            raise NotImplementedError("stock made-on date")
        run.warn(
            "stock-made-on-unknown",
            f"The stock's made-on date is not given, so its BUD {src['bud']} cannot be checked "
            "against the USP <795> limit of 180 days; give --stock-made-on.",
            "stock.made_on",
        )
    run.default("storage", "room", STORAGE_SOURCE)
    run.default("day_count", "day-1", DAY_ONE_SOURCE)
    day = order["compounded_on"]
    start = dt.date.fromisoformat(day)
    end = start + dt.timedelta(days=179)
    components = [
        ("active", src.get("product") or name, info["expiry"]),
        ("filler", MCC_NAME, lot["expiry"]),
    ]
    if lot["expiry"] is None:
        run.warn(
            "expiry-not-given",
            "The filler's expiry is not given, so the BUD is not checked against it.",
            "filler.expiry",
        )
    run.warn(
        "expiry-not-given",
        "The shells' expiry is not given, so the BUD is not checked against it.",
        "shells.expiry",
    )
    end_iso = end.isoformat()
    step(
        run.trace,
        "bud-category",
        "longest BUD for the category",
        "BUD = compounding date + days (day-count convention applied)",
        end_iso,
        compounded_on=day,
        days={"value": "180", "unit": "day"},
        convention="day-1",
    )
    limited_by = "category"
    dated = [c for c in components if c[2] is not None]
    earliest = min(dated, key=lambda c: c[2])
    if earliest[2] < end_iso:
        end_iso = earliest[2]
        end = dt.date.fromisoformat(end_iso)
        limited_by = f"{earliest[0]}: {earliest[1]} expires {end_iso}"
        run.warn(
            "bud-limited-by-component",
            f"The BUD is cut to {end_iso} because {earliest[1]} expires then.",
            f"{earliest[0]}.expiry",
        )
    step(
        run.trace,
        "bud-expiry-cap",
        "BUD capped by the earliest component expiry",
        "BUD = min(category BUD, earliest expiry)",
        end_iso,
        earliest=earliest[2],
    )
    return {
        "schema": "ldncompound/capsules/2",
        "library_version": LIBRARY_VERSION,
        "order": order,
        "drug": "naltrexone",
        "dose_basis": basis,
        "dose_basis_name": FORMS[basis][0],
        "dose": dose_json,
        "dose_planned": planned,
        "dose_deviation": deviation,
        "count": n,
        "batch_count": n_batch,
        "mix_for": mix_for,
        "method": "capacity",
        "size": code,
        "capsule_volume": q(volume, "mL"),
        "fill_weight": wq,
        "filler_per_capsule": fq,
        "active_per_capsule": pq,
        "fill_fraction": {"value": "100", "unit": "%"},
        "overage": overage,
        "tablets_to_crush": tablets,
        "plan": {
            "stages": stages_json,
            "aliquot": aliquotq,
            "material": materialq,
            "needed": q(plan["needed"]),
            "dilution": plain(plan["F"]),
        },
        "ingredients": ingredients,
        "weighings": weighings,
        "total_mix": q(actual_total),
        "process": process,
        "qc": {"target": wq, "low": q(low), "high": q(high), "sample_size": sample},
        "shell_weight": shellq,
        "gross_window": {
            "target": q(w + shell),
            "low": q(g_low),
            "high": q(g_high),
            "sample_size": sample,
        },
        "balance": bal_json,
        "bud": {
            "date": end_iso,
            "days": (end - start).days + 1,
            "category": "nonaqueous-solid",
            "category_days": 180,
            "storage": "room",
            "compounded_on": day,
            "day_count": "day-1",
            "limited_by": limited_by,
            "rule": BUD_RULE,
            "reference": USP_795,
        },
        "allergens": allergens,
        "warnings": _capacity_warned(run, weighings, bal_json),
        "defaults": run.defaults,
        "trace": run.trace,
    }


def _capacity_warned(run: Any, weighings: list[Any], balance: Any) -> list[Any]:
    """The warnings with the library's ``balance-capacity-not-stated`` (a weighing above the
    15.5 g nominal capacity of a Class III balance, on a balance whose capacity is not given;
    not for the assumed balance, whose ``balance-assumed`` names the nominal capacity)."""
    over = [w for w in weighings if mg(w["amount"]) > 15500]
    if over and balance.get("capacity") is None and balance is not CLASS_III:
        listed = ", ".join(
            f"{w['number']} ({w['what']}, {w['amount']['value']} {w['amount']['unit']})"
            for w in over
        )
        name = balance.get("name") or "balance"
        preset = {k: v for k, v in balance.items() if k != "name"} == {
            k: v for k, v in CLASS_III.items() if k != "name"
        }
        nominal = (
            "the nominal capacity of a Class III prescription balance when none is stated "
            f"(USP <1176>), and the {name}'s capacity is not given"
            if preset
            else f"and the {name}'s capacity is not given"
        )
        run.warn(
            "balance-capacity-not-stated",
            f"Weighing {listed} is above 15.5 g, {nominal}: state it "
            "(balance.capacity) so the plan is checked against it, or make a smaller batch.",
            "balance.capacity",
        )
    return run.warnings


#: Fields whose document text is an amount ("4.5 mg" -> {"value": "4.5", "unit": "mg"}).
AMOUNTS = frozenset(
    (
        "dose", "average_weight", "strength", "assay", "water_content", "loss_on_drying",
        "bulk_density", "powder_density", "filler_per_capsule", "density", "minimum_weight",
        "readability", "sensitivity", "max_error", "volume", "concentration", "overage",
        "fill_weight", "drug_loss_allowance", "weight", "max_stage_mass", "rounding_tolerance",
        "tablet_margin", "aliquot_volume", "solubility", "measurable_fraction", "dose_tolerance",
        "capacity", "graduation",
    )
)  # fmt: skip
BALANCE_KEYS = (
    "name",
    "readability",
    "minimum_weight",
    "rule",
    "sensitivity",
    "max_error",
    "source",
)


def order_json(doc: dict[str, Any]) -> dict[str, Any]:
    """The result's ``order`` (``to_json(order)``) from an order document of the mix: the same
    fields without ``schema``, ``"default"`` as null, amounts as quantity objects."""
    out: dict[str, Any] = {}
    for key, given in doc.items():
        if key == "schema":
            continue
        value = given
        if given == "default":
            value = None
        elif type(given) is str and key in AMOUNTS:
            number, unit = given.split(" ")
            value = {"value": plain(Decimal(number)), "unit": unit}
        elif type(given) is dict:
            value = order_json(given)
            if key == "balance":
                value = {k: value.get(k) for k in BALANCE_KEYS}
        out[key] = value
    return out


def _formulators() -> dict[str, Any]:
    import bare_liquid  # noqa: PLC0415 - imports this module

    return {
        "ldncompound/order/capsules/1": _formulate,
        "ldncompound/order/liquid/1": bare_liquid.liquid,
        "ldncompound/order/drops/1": bare_liquid.drops,
    }


FORMULATE: dict[str, Any] = {}


def result(doc: dict[str, Any]) -> dict[str, Any]:
    """The library's result document for one order document of the mix."""
    if not FORMULATE:
        FORMULATE.update(_formulators())
    with decimal.localcontext(CONTEXT):
        out: dict[str, Any] = FORMULATE[doc["schema"]](order_json(doc))
    out["order"] = doc  # a result's order is its order document (the mix writes them whole)
    return out


def record(number: int, doc: dict[str, Any]) -> dict[str, Any]:
    """The batch record (``ldncompound/batch-record/1``) of input line ``number``."""
    return {
        "schema": "ldncompound/batch-record/1",
        "record": number,
        "line": number,
        "status": "ok",
        "result": result(doc),
    }


def encoder(name: str) -> Any:
    """``bytes`` for one JSON document: orjson (compact) or the standard library."""
    if name == "orjson" and orjson is not None:
        return orjson.dumps
    return lambda doc: json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def decoder(name: str) -> Any:
    if name == "orjson" and orjson is not None:
        return orjson.loads
    return json.loads


def main(argv: list[str]) -> int:
    """Filter JSON Lines order documents (a file, or stdin) to JSON Lines batch records on stdout."""
    codec = argv[1] if len(argv) > 1 else "orjson"
    encode, decode = encoder(codec), decoder(codec)
    out = sys.stdout.buffer
    with open(argv[2], "rb") if len(argv) > 2 else sys.stdin.buffer as lines:  # noqa: PTH123
        for number, line in enumerate(lines, start=1):
            out.write(encode(record(number, decode(line))))
            out.write(b"\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
