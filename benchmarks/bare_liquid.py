"""The bare reference for oral liquids and sublingual drops (see ``bare.py``).

The same rules as the capsule part: plain Decimal in mg, mL and %, unit codes as strings,
the order trusted, the device table written out as data. It covers only the paths of the
benchmark mix (``benchmarks/mix.py``: tablets or API powder in an aqueous table vehicle,
the table devices, a documented balance, a days' supply once a day) and raises
``NotImplementedError`` outside them. ``tests/test_benchmark_reference.py`` checks its
documents equal the library's.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from bare import (
    CONTEXT,
    D0,
    D1,
    D100,
    DAY_ONE_SOURCE,
    FORMS,
    LIBRARY_VERSION,
    USP_795,
    Run,
    _material,
    _source,
    ceil_to,
    fixed,
    mg,
    plain,
    q,
    round_to,
    sig,
    step,
    tidy,
)

DIV = CONTEXT.divide
REM = CONTEXT.remainder

_SYRINGE_SOURCE = (
    "syringe scales as taught: 1 mL in 0.01 mL, 3 mL in 0.1 mL, 5 and 10 mL in 0.2 mL "
    "(Royal Melbourne Institute of Technology, via 411answers.com) [S]; oral syringes differ "
    "by maker, so declare yours if its scale differs [U]"
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
_KINDS = {  # kind code: (what, rank as an aliquot device)
    "oral-syringe": ("oral syringe", 2),
    "volumetric-pipette": ("volumetric pipette", 0),
    "graduated-pipette": ("graduated pipette", 1),
    "graduated-cylinder": ("graduated cylinder", 3),
}


class Device:
    """One table device: its numbers and its JSON (a plain holder)."""

    __slots__ = ("cap", "json", "kind", "name", "step")

    def __init__(self, key: str, kind: str, cap: str, grad: str, source: str) -> None:
        self.cap, self.step, self.kind = Decimal(cap), Decimal(grad), kind
        self.name = f"{cap} mL {_KINDS[kind][0]}"
        self.json = {
            "name": self.name,
            "kind": kind,
            "capacity": {"value": cap, "unit": "mL"},
            "graduation": {"value": grad, "unit": "mL"},
            "key": key,
            "source": source,
        }

    @property
    def described(self) -> str:
        if self.step == self.cap:
            return f"{self.name} (single mark)"
        return f"{self.name} ({plain(self.step)} mL graduations)"

    def on_scale(self, v: Decimal) -> bool:
        return 0 < v <= self.cap and REM(v, self.step) == 0

    def share(self, v: Decimal) -> Decimal:
        return DIV(v, self.cap) * D100

    def measures(self, v: Decimal, pct: Decimal) -> bool:
        return self.on_scale(v) and self.share(v) >= pct


_S, _VP, _GP, _C = "oral-syringe", "volumetric-pipette", "graduated-pipette", "graduated-cylinder"
DEVICES = [
    Device("oral-1ml", _S, "1", "0.01", _SYRINGE_SOURCE),
    Device("oral-3ml", _S, "3", "0.1", _SYRINGE_SOURCE),
    Device("oral-5ml", _S, "5", "0.2", _SYRINGE_SOURCE),
    Device("oral-10ml", _S, "10", "0.2", _SYRINGE_SOURCE),
    Device("pipette-1ml", _GP, "1", "0.01", _PIPETTE_SOURCE),
    Device("pipette-5ml", _GP, "5", "0.1", _PIPETTE_SOURCE),
    Device("pipette-10ml", _GP, "10", "0.1", _PIPETTE_SOURCE),
    Device("volumetric-1ml", _VP, "1", "1", _PIPETTE_SOURCE),
    Device("volumetric-2ml", _VP, "2", "2", _PIPETTE_SOURCE),
    Device("volumetric-5ml", _VP, "5", "5", _PIPETTE_SOURCE),
    Device("volumetric-10ml", _VP, "10", "10", _PIPETTE_SOURCE),
    Device("volumetric-20ml", _VP, "20", "20", _PIPETTE_SOURCE),
    Device("volumetric-25ml", _VP, "25", "25", _PIPETTE_SOURCE),
    Device("cylinder-10ml", _C, "10", "0.2", _CYLINDER_SOURCE),
    Device("cylinder-25ml", _C, "25", "0.5", _CYLINDER_SOURCE),
    Device("cylinder-50ml", _C, "50", "1", _CYLINDER_SOURCE),
    Device("cylinder-100ml", _C, "100", "1", _CYLINDER_SOURCE),
    Device("cylinder-250ml", _C, "250", "2", _CYLINDER_SOURCE),
    Device("cylinder-500ml", _C, "500", "5", _CYLINDER_SOURCE),
    Device("cylinder-1000ml", _C, "1000", "10", _CYLINDER_SOURCE),
]
SYRINGES = sorted((d for d in DEVICES if d.kind == _S), key=lambda d: d.cap)
CYLINDERS = sorted((d for d in DEVICES if d.kind == _C), key=lambda d: d.cap)
ALIQUOT_TOOLS = [d for d in DEVICES if d.kind in _KINDS]
ORAL_5ML = DEVICES[2]
MAX_CAP = max(d.cap for d in DEVICES)
PCT = Decimal(25)  # measurable share of a device's capacity (%)
TOL = Decimal("0.01")  # concentration change from rounding volumes (fraction)
SOLUBILITY = Decimal(100)  # naltrexone HCl in water, mg/mL
ALIQUOTS = [Decimal(v) for v in ("5", "10", "15", "20", "25", "2", "1")]
CONCENTRATIONS = [
    Decimal(c)
    for c in (
        "0.01", "0.02", "0.025", "0.05", "0.1", "0.2", "0.25", "0.5", "1", "2", "2.5", "5",
        "10", "20", "25", "50", "100",
    )
]  # fmt: skip
MG_PER_DROP = [
    Decimal(u)
    for u in (
        "5", "2.5", "2", "1", "0.5", "0.25", "0.2", "0.1", "0.05", "0.025", "0.02", "0.01",
        "0.005", "0.0025", "0.002", "0.001",
    )
]  # fmt: skip
LEAST_VOLUME = min(
    ceil_to(DIV(d.cap * PCT, D100), d.step) for d in CYLINDERS
)  # the least volume a cylinder measures

MEASURABLE_SOURCE = (
    "25 % of capacity: the 1 mL oral syringe was inaccurate at or below 0.25 mL (Arenas-López "
    "et al., Arch Dis Child 2017, abstract) and graduates are not used below about 20 % of "
    "capacity (compoundingtoday.com Newsletter 4_15) (domain.md §6.3) [D]"
)
ROUNDING_SOURCE = (
    "volumes rounded to a cylinder's graduation may move the concentration by at most 1 % "
    "(library policy) [D]"
)
SOLUBILITY_SOURCE = "naltrexone HCl in water, about 100 mg/mL (REVIA label; domain.md §1.3) [V]"
OVERAGE_SOURCE = "5 % extra volume for what stays in the mortar, cylinder, bottle and syringe (library policy) [D]"
STORAGE_SOURCE = (
    "liquids are kept in the refrigerator: the only storage a non-preserved aqueous liquid allows "
    "(USP <795>) and the more stable one for naltrexone liquids (Fawcett 1997; domain.md §1.4) [V]"
)
SUGGESTION_SOURCE = (
    "the lowest of 0.01-100 mg/mL in 1-2-2.5-5 steps at which one dose is a graduation mark of "
    "the syringe and at least the measurable share of its capacity (library policy) [D]"
)
DEFAULT_SYRINGE_SOURCE = (
    "patients get an oral syringe for doses under 5 mL (pharmlabs.unc.edu measurements/selection; "
    "domain.md §6.3) [V]"
)
MAX_DROPS_SOURCE = (
    "at most 20 drops a dose, about 1 mL at the nominal drop size: more is hard to count and to "
    "hold under the tongue (library policy) [D]"
)
CONTAINER = "tight, light-resistant (amber) bottle"
CATEGORY = {  # (preserved?): (code, days, described)
    False: (
        "aqueous-nonpreserved",
        14,
        "aqueous preparation (aw >= 0.60) without a preservative",
    ),
    True: ("aqueous-preserved", 35, "aqueous preparation (aw >= 0.60) with a preservative"),
}
AUX_SHAKE = "Shake well before use."
AUX_FRIDGE = "Keep in the refrigerator (2-8 °C). Do not freeze."
AUX_COMMON = ["Protect from light.", "Note the strength."]
AUX_DROPPER = "Use only the dropper supplied."
AUX_SYRINGE = "Measure each dose with the oral syringe supplied."


def ml(x: Decimal | int) -> dict[str, str]:
    return q(x, "mL")


def _final_measure(volume: Decimal, *, up: bool = False) -> tuple[Device, Decimal] | None:
    for d in CYLINDERS:
        mark = ceil_to(volume, d.step) if up else round_to(volume, d.step)
        if mark <= d.cap and d.share(mark) >= PCT and mark > 0:
            return d, mark
    return None


def _aliquot_device(volume: Decimal) -> Device | None:
    fit = [d for d in ALIQUOT_TOOLS if d.measures(volume, PCT)]
    return min(fit, key=lambda d: (d.cap, _KINDS[d.kind][1])) if fit else None


class Setup:
    """What the liquid setup resolves (a plain holder)."""

    __slots__ = ("category", "info", "solubility", "vehicle", "why")


def _setup(run: Run, order: dict[str, Any]) -> Setup:
    src = order["source"]
    if src["drug"] != "naltrexone" or src["kind"] not in ("api", "tablets"):
        raise NotImplementedError("source outside the mix")
    info = _source(run, src)
    basis = order["dose_basis"]
    if basis is not None:
        raise NotImplementedError("dose basis outside the mix")
    basis = "hcl"
    run.default("dose_basis", basis, "doses are naltrexone HCl unless the order says otherwise")
    info["dose_basis"] = basis
    lot = order["vehicle"]
    if lot is None or order["additives"] or lot["vehicle"]["key"] is None:
        raise NotImplementedError("vehicle outside the mix")
    vehicle = lot["vehicle"]
    if not vehicle["aqueous"] or vehicle["suspending"]:
        raise NotImplementedError("vehicle outside the mix")
    run.default("vehicle.composition", vehicle["name"], vehicle["source"])
    preservative = vehicle["preservative"]
    why = (
        f"aqueous vehicle; preserved with {preservative}"
        if preservative
        else "aqueous vehicle; no preservative"
    )
    category = CATEGORY[bool(preservative)]
    step(
        run.trace,
        "bud-class",
        "USP <795> category derived from the vehicle and additives",
        "water anywhere -> aqueous (preserved if a preservative is named); otherwise nonaqueous",
        category[0],
        basis=why,
    )
    if any(
        order[k] is not None
        for k in (
            "measurable_fraction",
            "rounding_tolerance",
            "dose_tolerance",
            "solubility",
            "equipment",
            "overage",
            "aliquot_volume",
            "volume",
            "storage",
            "day_count",
            "study",
        )
    ):
        raise NotImplementedError("order field outside the mix")
    run.default("measurable_fraction", q(PCT, "%"), MEASURABLE_SOURCE)
    run.default("rounding_tolerance", q(D1, "%"), ROUNDING_SOURCE)
    if info["basis"] != "hcl":
        raise NotImplementedError("solubility of another form")
    run.default("solubility", q(SOLUBILITY, "mg/mL"), SOLUBILITY_SOURCE)
    su = Setup()
    su.info, su.vehicle, su.category, su.why, su.solubility = info, lot, category, why, SOLUBILITY
    return su


def _plan_liquid(
    run: Run, needed: Decimal, volume: Decimal, least: Decimal, d: Decimal, m: Decimal,
    readability: dict[str, str], limit: Decimal,
) -> dict[str, Any]:  # fmt: skip
    def finish(material: Decimal) -> tuple[Device, Decimal] | None:
        exact = DIV(volume * material, needed)
        found = _final_measure(exact)
        if found is None:
            return None
        final = found[1]
        if final < least or abs(DIV(exact, final) - D1) > TOL:
            return None
        return found

    if needed >= m:
        start = ceil_to(needed, d)
        for k in range(100):
            weighed = start + k * d
            done = finish(weighed)
            if done is None:
                continue
            step(
                run.trace,
                "weigh-direct",
                "drug material is at or above the balance minimum: weigh it directly (rounded up "
                "to the readability, enlarged until the final volume falls on a graduation)",
                "A = ceil_d(C) (+ k x d)",
                q(weighed),
                C=q(needed),
                readability=readability,
                minimum=q(m),
            )
            return {
                "weighed": weighed,
                "stock": None,
                "aliquot": None,
                "material": weighed,
                "final": done,
            }
        raise NotImplementedError("no direct plan")
    for aliquot in ALIQUOTS:
        if aliquot >= volume or DIV(needed, aliquot) > limit:
            continue
        tool = _aliquot_device(aliquot)
        if tool is None:
            continue
        for k in range(100):
            weighed = m + k * d
            exact_stock = DIV(weighed * aliquot, needed)
            stock = _final_measure(exact_stock)
            if stock is None:
                if exact_stock > MAX_CAP:
                    break
                continue
            stock_device, stock_volume = stock
            if stock_volume <= aliquot:
                continue
            material = DIV(weighed * aliquot, stock_volume)
            done = finish(material)
            if done is None:
                continue
            step(
                run.trace,
                "liquid-aliquot",
                f"weigh A >= the minimum, dissolve to B in a {stock_device.name}, take the aliquot D "
                f"with a {tool.name}: A / B = C / D",
                "B = A x D / C, on the cylinder's graduation; material in D = A x D / B",
                ml(stock_volume),
                A=q(weighed),
                D=ml(aliquot),
                C=q(needed),
            )
            step(
                run.trace,
                "aliquot-material",
                "drug material the aliquot holds",
                "A x D / B",
                q(material),
                A=q(weighed),
                D=ml(aliquot),
                B=ml(stock_volume),
            )
            return {
                "weighed": weighed,
                "stock": stock,
                "aliquot": (tool, aliquot),
                "material": tidy(material),
                "final": done,
            }
    raise NotImplementedError("no aliquot plan")


def _batch(
    run: Run,
    order: dict[str, Any],
    su: Setup,
    conc_json: dict[str, str],
    c: Decimal,
    dose_volume: Decimal,
    container: str,
    dose_parts: tuple[Decimal, Decimal] | None = None,
) -> tuple[dict[str, Any], dict[str, Any], Any, list[str]]:
    src, info = order["source"], su.info
    measured_with: list[Device] = []  # the stock's and the aliquot's devices, if any
    days_supply, per_day_text = order["days_supply"], order["doses_per_day"]
    if days_supply is None or per_day_text is None:
        raise NotImplementedError("volume to dispense")
    per_day = Decimal(per_day_text)
    num, den = dose_parts if dose_parts is not None else (dose_volume, D1)
    bud = _bud(run, order, su, src, info)
    schedule: list[dict[str, Any]] = []
    if days_supply > bud["days"]:
        count = -(-days_supply // bud["days"])
        each = -(-days_supply // count)
        start = dt.date.fromisoformat(bud["compounded_on"])
        for k in range(count):
            first = 1 + k * each
            last = min(days_supply, first + each - 1)
            schedule.append(
                {
                    "number": k + 1,
                    "first_day": first,
                    "last_day": last,
                    "compounded_on": (start + dt.timedelta(days=first - 1)).isoformat(),
                    "volume": DIV(Decimal(last - first + 1) * per_day * num, den),
                }
            )
        later = "; ".join(
            f"fill {f['number']} (days {f['first_day']}-{f['last_day']}, {plain(f['volume'])} mL) "
            f"on {f['compounded_on']}"
            for f in schedule[1:]
        )
        run.warn(
            "supply-split-into-fills",
            f"The order covers {days_supply} days but the BUD allows {bud['days']} days: this batch is "
            f"fill 1 of {count} (days 1-{schedule[0]['last_day']}) and is labelled for those days "
            f"only; compound {later}, each fresh with its own BUD.",
            "days_supply",
        )
    dispense = DIV(Decimal(days_supply) * per_day * num, den)
    step(
        run.trace,
        "dispense-volume",
        "volume for the days' supply",
        "V_dispense = days x doses a day x v_dose",
        ml(dispense),
        days=q(days_supply, "day"),
        v_dose=ml(dose_volume),
    )
    if schedule:
        first_fill = schedule[0]
        dispense = first_fill["volume"]
        step(
            run.trace,
            "first-fill-volume",
            f"the supply outlasts the BUD: this batch is fill 1 of {len(schedule)} (days "
            f"{first_fill['first_day']}-{first_fill['last_day']})",
            "V_dispense = volume of the first fill's days",
            ml(dispense),
            days=q(first_fill["last_day"] - first_fill["first_day"] + 1, "day"),
        )
    if dispense < dose_volume or dispense > 1000:
        raise NotImplementedError("volume outside the mix")
    overage = {"value": "5", "unit": "%"}
    run.default("overage", overage, OVERAGE_SOURCE)
    batch = dispense * Decimal("1.05")
    step(
        run.trace,
        "batch-volume",
        "volume to make: the volume to dispense plus the overage of the whole batch",
        "V_batch = V_dispense x (1 + overage)",
        ml(batch),
        V_dispense=ml(dispense),
        overage=overage,
    )
    if batch < LEAST_VOLUME:
        step(
            run.trace,
            "batch-enlarged",
            "batch enlarged to the least volume a graduated cylinder measures (the surplus is "
            "discarded)",
            "V_batch = max(V_batch, least measurable volume)",
            ml(LEAST_VOLUME),
            V_batch=ml(batch),
        )
        batch = LEAST_VOLUME
        run.warn(
            "batch-enlarged",
            f"The batch is enlarged to {plain(LEAST_VOLUME)} mL, the least volume a graduated "
            f"cylinder measures at {plain(PCT)} % of its capacity; the surplus is discarded.",
            "volume",
        )
    vname = su.vehicle["vehicle"]["name"]
    measurements: list[Any] = []

    def measure(what: str, amount: dict[str, str], device: str) -> None:
        measurements.append(
            {"number": len(measurements) + 1, "what": what, "amount": amount, "device": device}
        )

    process: list[str] = []
    tablets = per_tablet = plan_json = balance_json = None
    name = info["name"]
    conc_text = f"{conc_json['value']} mg/mL"
    if src["kind"] == "tablets":
        strength = Decimal(50)
        vpt = DIV(strength, c)
        per_tablet = ml(vpt)
        step(
            run.trace,
            "volume-per-tablet",
            f"volume one tablet makes at {conc_text}",
            "V_tablet = tablet strength (dose basis) / C",
            per_tablet,
            strength=q(strength),
            C=conc_json,
        )
        count = int(DIV(batch, vpt).to_integral_value(rounding=ROUND_CEILING))
        for _ in range(10):
            exact = count * vpt
            found = _final_measure(exact)
            if found is None:
                raise NotImplementedError("too large")
            if abs(DIV(exact, found[1]) - D1) <= TOL and found[1] >= dispense:
                break
            count += 1
        else:
            raise NotImplementedError("no tablet plan")
        tablets = count
        step(
            run.trace,
            "tablets",
            "whole tablets: enough for the batch volume, rounded up (enlarged if needed so the "
            "volume falls on a cylinder graduation)",
            "tablets = ceil(V_batch / V_tablet)",
            q(count, "tablet"),
            V_batch=ml(batch),
            V_tablet=per_tablet,
        )
        final_device, final = found
        step(
            run.trace,
            "whole-tablet-volume",
            "volume the whole tablets make at the concentration",
            "V = tablets x V_tablet",
            ml(exact),
            tablets=q(tablets, "tablet"),
        )
        drug_in = Decimal(tablets) * strength
        short = name.removeprefix("crushed ")
        measure(f"{short} (count whole tablets)", q(tablets, "tablet"), "count")
        process.append(
            f"Count {tablets} {short}; crush them to a fine, uniform powder in a mortar."
        )
        process.append(
            f"Wet the powder with a little {vname} and triturate to a smooth paste; add more "
            "vehicle in portions, mixing well."
        )
        weighed_json = None
    else:
        target = _final_measure(batch, up=True)
        if target is None:
            raise NotImplementedError("too large")
        volume = target[1]
        step(
            run.trace,
            "target-volume",
            f"batch volume rounded up to the graduation of the {target[0].name}",
            "V = ceil_g(V_batch)",
            ml(volume),
            V_batch=ml(batch),
        )
        drug_needed = c * volume
        step(
            run.trace,
            "drug-needed",
            f"drug for the batch, as {FORMS[info['dose_basis']][0]}",
            "D = C x V",
            q(drug_needed),
            C=conc_json,
            V=ml(volume),
        )
        material = _material(run, src, info, drug_needed)
        balance_json = order["balance"]
        if balance_json is None or balance_json["rule"] != "documented":
            raise NotImplementedError("balance outside the mix")
        readability = balance_json["readability"]
        d = mg(readability)
        m = ceil_to(mg(balance_json["minimum_weight"]), d)
        plan = _plan_liquid(
            run,
            material,
            volume,
            dispense,
            d,
            m,
            readability,
            DIV(su.solubility * material, drug_needed),
        )
        final_device, final = plan["final"]
        drug_in = DIV(drug_needed * plan["material"], material)
        weighed = plan["weighed"]
        weighed_json = q(weighed)
        places = max(0, -d.normalize(CONTEXT).as_tuple().exponent)  # type: ignore[operator]
        measure(name, weighed_json, balance_json["name"])
        process.append(f"Weigh {fixed(weighed, places)} mg of {name}.")
        stock, aliquot = plan["stock"], plan["aliquot"]
        stock_c = None
        if aliquot is not None:
            stock_dev, stock_volume = stock
            tool, aliquot_volume = aliquot
            stock_c = tidy(DIV(weighed, stock_volume))
            measured_with = [stock_dev, tool]
            measure("stock solution (dissolve to volume)", ml(stock_volume), stock_dev.name)
            measure("aliquot of the stock solution", ml(aliquot_volume), tool.name)
            process.append(
                f"Dissolve it in {vname} and make up to {plain(stock_volume)} mL in the "
                f"{stock_dev.name}; mix until completely dissolved (stock solution, "
                f"{sig(stock_c)} mg/mL of powder)."
            )
            process.append(
                f"Measure {plain(aliquot_volume)} mL of the stock solution with the "
                f"{tool.described} into the {final_device.name} (it holds "
                f"{sig(plan['material'])} mg of powder); discard the rest of the stock solution."
            )
        else:
            process.append(f"Dissolve it completely in about half the final volume of {vname}.")
        if stock_c is not None:
            step(
                run.trace,
                "stock-solubility",
                "the stock solution stays at or below the solubility (as drug of the dose basis)",
                "A x (D / material) / B <= solubility",
                q(DIV(stock_c * drug_needed, material), "mg/mL"),
                solubility=q(su.solubility, "mg/mL"),
            )
        plan_json = {
            "weighed": weighed_json,
            "stock_volume": None if stock is None else ml(stock[1]),
            "stock_device": None if stock is None else stock[0].json,
            "aliquot": None if aliquot is None else ml(aliquot[1]),
            "aliquot_device": None if aliquot is None else aliquot[0].json,
            "material": q(plan["material"]),
            "needed": q(material),
            "target_volume": ml(volume),
            "final_volume": ml(final),
            "final_device": final_device.json,
        }
    suspension = src["kind"] == "tablets"
    shake = suspension
    rest = "; the insoluble tablet excipients stay suspended" if suspension else ""
    process.append(
        f"Transfer to the {final_device.name}, rinse the vessels with {vname} into it, and add "
        f"{vname} to {plain(final)} mL (q.s.); mix well{rest}."
    )
    final_q = ml(final)
    measure(f"{vname} q.s. to final volume", final_q, final_device.name)
    step(
        run.trace,
        "final-volume",
        f"volume the batch is made up to, on the graduation of the {final_device.name}",
        "V_final (q.s.)",
        final_q,
        graduation=final_device.json["graduation"],
    )
    planned = tidy(DIV(drug_in, final))
    planned_q = q(planned, "mg/mL")
    step(
        run.trace,
        "concentration-planned",
        "concentration the measured amounts give",
        "C_planned = drug in batch / V_final",
        planned_q,
        drug=q(drug_in),
        V_final=final_q,
    )
    deviation = (DIV(planned, c) - D1) * D100
    packed = ceil_to(dispense, final_device.step)
    if packed != dispense:
        step(
            run.trace,
            "dispense-graduated",
            f"volume to dispense rounded up to a graduation of the {final_device.name}",
            "V_dispense = ceil_g(V_dispense)",
            ml(packed),
            V_dispense=ml(dispense),
            graduation=final_device.json["graduation"],
        )
        dispense = packed
    label_shake = "; label: shake well" if shake else ""
    if final > dispense:
        process.append(
            f"Pack {plain(dispense)} mL in a {container}{label_shake}; "
            f"discard the surplus of {plain(final - dispense)} mL."
        )
    else:
        process.append(f"Pack {plain(dispense)} mL in a {container}{label_shake}.")
    if suspension:
        run.warn(
            "suspension-shake-well",
            "Made from tablets, the liquid is a suspension (insoluble excipients): label it 'shake "
            "well'; it may look cloudy and feel gritty.",
            "source",
        )
    src_allergens = info["allergens"] or []
    if "lactose" in su.vehicle["vehicle"]["name"].lower():
        raise NotImplementedError("vehicle allergens")
    allergens = sorted(set(src_allergens))
    ingredients = [
        {
            "role": "active",
            "name": name,
            "lot": src["lot"],
            "expiry": info["expiry"],
            "amount": q(tablets, "tablet") if tablets is not None else weighed_json,
            "note": "whole tablets, crushed"
            if tablets is not None
            else "weighed"
            if plan_json is None or plan_json["aliquot"] is None
            else "weighed, then a liquid aliquot",
            "allergens": src_allergens,
        },
        {
            "role": "vehicle",
            "name": vname,
            "lot": su.vehicle["lot"],
            "expiry": su.vehicle["expiry"],
            "amount": final_q,
            "note": "q.s. to the final volume",
            "allergens": [],
        },
    ]
    if "lactose" in allergens:
        run.warn(
            "allergen-lactose",
            f"Contains lactose (from {name}); label the allergen.",
            "allergens",
        )
    for dev in dict.fromkeys([final_device, *measured_with]):
        run.default(
            f"equipment.{dev.json['key']}",
            dev.described,
            f"the library's device table (the order lists no equipment); {dev.json['source']}",
        )
    fills = None
    if schedule:
        for f in schedule:
            f["volume"] = ml(ceil_to(f["volume"], final_device.step))
        fills = {
            "days_supply": days_supply,
            "fills": len(schedule),
            "days_per_fill": schedule[0]["last_day"],
            "volume_per_fill": schedule[0]["volume"],
            "schedule": schedule,
        }
    batch_json = {
        "concentration": conc_json,
        "concentration_planned": planned_q,
        "concentration_deviation": q(deviation, "%"),
        "dispense_volume": ml(dispense),
        "overage": overage,
        "batch_volume": ml(batch),
        "final_volume": final_q,
        "final_device": final_device.json,
        "drug_in_batch": q(drug_in),
        "tablets": tablets,
        "volume_per_tablet": per_tablet,
        "plan": plan_json,
        "balance": balance_json,
        "vehicle": su.vehicle["vehicle"],
        "category_basis": su.why,
        "solubility": q(su.solubility, "mg/mL"),
        "suspension": suspension,
        "shake_well": shake,
        "measurements": measurements,
        "ingredients": ingredients,
        "process": process,
    }
    return batch_json, bud, fills, allergens


def _bud(
    run: Run, order: dict[str, Any], su: Setup, src: dict[str, Any], info: dict[str, Any]
) -> dict[str, Any]:
    day = order["compounded_on"]
    if day is None:
        raise NotImplementedError("compounding date")
    run.default("storage", "refrigerator", STORAGE_SOURCE)
    run.default("day_count", "day-1", DAY_ONE_SOURCE)
    lot = su.vehicle
    vname = lot["vehicle"]["name"]
    if lot["expiry"] is None:
        raise NotImplementedError("vehicle expiry")
    code, days, described = su.category
    start = dt.date.fromisoformat(day)
    components = [
        ("active", src.get("product") or info["name"], info["expiry"]),
        ("vehicle", vname, lot["expiry"]),
    ]
    if any(c[2] < day for c in components):
        raise NotImplementedError("expired component")
    end = start + dt.timedelta(days=days - 1)
    end_iso = end.isoformat()
    step(
        run.trace,
        "bud-category",
        "longest BUD for the category",
        "BUD = compounding date + days (day-count convention applied)",
        end_iso,
        compounded_on=day,
        days=q(days, "day"),
        convention="day-1",
    )
    limited_by = "category"
    earliest = min(components, key=lambda c: c[2])
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
        "date": end_iso,
        "days": (end - start).days + 1,
        "category": code,
        "category_days": days,
        "storage": "refrigerator",
        "compounded_on": day,
        "day_count": "day-1",
        "limited_by": limited_by,
        "rule": f"USP <795> (2023): {described}, at most {days} days, refrigerator, 2-8 °C",
        "reference": USP_795,
    }


def _label(
    batch: dict[str, Any],
    bud: dict[str, Any],
    allergens: list[str],
    *,
    dosage_form: str,
    route: str,
    dose_measure: str,
    per_drop: dict[str, str] | None,
) -> dict[str, Any]:
    aux = [AUX_SHAKE] if batch["shake_well"] else []
    aux += [AUX_FRIDGE, *AUX_COMMON, AUX_DROPPER if per_drop is not None else AUX_SYRINGE]
    return {
        "drug": "naltrexone HCl",
        "dosage_form": dosage_form,
        "route": route,
        "strength": batch["concentration"],
        "strength_per_drop": per_drop,
        "dose_measure": dose_measure,
        "quantity": batch["dispense_volume"],
        "storage": bud["storage"],
        "beyond_use_date": bud["date"],
        "suspension": batch["suspension"],
        "auxiliary": aux,
        "allergens": allergens,
    }


def _dose(order: dict[str, Any]) -> tuple[dict[str, str], Decimal]:
    dose_json = order["dose"]
    if dose_json["unit"] != "mg" or order["acknowledge"]:
        raise NotImplementedError("dose outside the mix")
    return dose_json, Decimal(dose_json["value"])


def liquid(order: dict[str, Any]) -> dict[str, Any]:
    """The library's JSON document for one oral liquid order of the mix."""
    run = Run()
    su = _setup(run, order)
    dose_json, dose = _dose(order)
    if order["syringe"] is not None:
        raise NotImplementedError("syringe on the order")
    syringe = None
    conc_json = order["concentration"]
    if conc_json is not None:
        if conc_json["unit"] != "mg/mL":
            raise NotImplementedError("concentration unit")
        c = Decimal(conc_json["value"])
        if c > su.solubility:
            raise NotImplementedError("above the solubility")
    else:
        syringe = ORAL_5ML
        run.default(
            "syringe", syringe.described, f"{DEFAULT_SYRINGE_SOURCE}; {syringe.json['source']}"
        )
        low = DIV(Decimal(50), Decimal(1000)) if order["source"]["kind"] == "tablets" else D0
        usable = [x for x in CONCENTRATIONS if x >= low and x <= su.solubility]
        found = next((x for x in usable if syringe.measures(DIV(dose, x), PCT)), None)
        if found is None:
            found = next((x for x in usable if syringe.on_scale(DIV(dose, x))), None)
        if found is None:
            raise NotImplementedError("no concentration")
        c = found
        conc_json = q(c, "mg/mL")
        run.default("concentration", conc_json, f"{SUGGESTION_SOURCE}; for the {syringe.described}")
    volume = DIV(dose, c)
    step(
        run.trace,
        "dose-volume",
        "volume of one dose",
        "v = dose / C",
        ml(volume),
        dose=dose_json,
        C=conc_json,
    )
    if syringe is None:
        for test in (
            lambda s: s.measures(volume, PCT),
            lambda s: s.on_scale(volume),
        ):
            syringe = next((s for s in SYRINGES if test(s)), None)
            if syringe is not None:
                break
        if syringe is None:
            raise NotImplementedError("no syringe")
        run.default(
            "syringe",
            syringe.described,
            "the smallest oral syringe that measures one dose on a graduation at a measurable share "
            f"of its capacity, if any, else the smallest with one dose on a graduation; "
            f"{syringe.json['source']}",
        )
    if volume > syringe.cap:
        raise NotImplementedError("dose above the syringe")
    if not syringe.on_scale(volume):
        raise NotImplementedError("dose off the graduation")
    measured = volume
    share = syringe.share(measured)
    if share < PCT:  # refused unless acknowledged: not in the mix
        raise NotImplementedError("dose below the measurable share")
    if min(volume, measured) <= Decimal("0.1"):
        run.warn(
            "dose-volume-tiny",
            f"One dose is {sig(volume)} mL: volumes of 0.1 mL or less are inaccurate even in a "
            "1 mL oral syringe (Arenas-López et al. 2017). Use a lower concentration.",
            "concentration",
        )
    batch, bud, fills, allergens = _batch(run, order, su, conc_json, c, measured, CONTAINER)
    label = _label(
        batch,
        bud,
        allergens,
        dosage_form="oral suspension" if batch["suspension"] else "oral solution",
        route="oral",
        dose_measure=f"{plain(measured)} mL ({dose_json['value']} mg) with the {syringe.name}",
        per_drop=None,
    )
    return {
        "schema": "ldncompound/liquid/2",
        "library_version": LIBRARY_VERSION,
        "order": order,
        "drug": "naltrexone",
        "dose_basis": "hcl",
        "dose_basis_name": "naltrexone HCl",
        "dose": dose_json,
        "concentration": conc_json,
        "dose_volume": ml(volume),
        "dose_measured": ml(measured),
        "dose_delivered": dose_json,
        "dose_deviation": q(D0, "%"),
        "syringe": syringe.json,
        "syringe_share": q(share, "%"),
        "batch": batch,
        "bud": bud,
        "fills": fills,
        "label": label,
        "allergens": allergens,
        "warnings": run.warnings,
        "defaults": run.defaults,
        "trace": run.trace,
    }


def _sig4(x: Decimal) -> str:
    if x.is_zero():
        return "0"
    return plain(x.quantize(D1.scaleb(x.adjusted() - 3), rounding=ROUND_HALF_UP, context=CONTEXT))


def drops(order: dict[str, Any]) -> dict[str, Any]:
    """The library's JSON document for one sublingual drops order of the mix."""
    run = Run()
    su = _setup(run, order)
    dose_json, dose = _dose(order)
    cal = order["calibration"]
    if cal is None or order["accept_nominal_dropper"] or order["max_drops"] is not None:
        raise NotImplementedError("dropper outside the mix")
    n_cal, vol_json = cal["drops"], cal["volume"]
    if n_cal < 20 or vol_json["unit"] != "mL":
        raise NotImplementedError("calibration outside the mix")
    vol = Decimal(vol_json["value"])
    cal_n = Decimal(n_cal)
    per_ml = DIV(cal_n, vol)
    per_ml_q = q(per_ml, "drop/mL")
    step(
        run.trace,
        "drops-per-ml",
        f"drops per mL of this preparation from the dispensed dropper ({cal['dropper']})",
        "drops/mL = N / V",
        per_ml_q,
        N=q(n_cal, "drop"),
        V=vol_json,
    )
    max_drops = 20
    run.default("max_drops", q(max_drops, "drop"), MAX_DROPS_SOURCE)
    low = DIV(Decimal(50), Decimal(1000)) if order["source"]["kind"] == "tablets" else D0
    suggestion = None
    for per_drop in MG_PER_DROP:
        n = DIV(dose, per_drop)
        c = Decimal(_sig4(DIV(per_drop * cal_n, vol)))
        if n == n.to_integral_value() and 3 <= n <= max_drops and low <= c <= su.solubility:
            suggestion = (c, int(n))
            break
    if suggestion is None:
        raise NotImplementedError("suggestion by whole drops")
    if order["concentration"] is not None:
        raise NotImplementedError("concentration on a drops order")
    c = suggestion[0]
    conc_json = q(c, "mg/mL")
    run.default(
        "concentration",
        conc_json,
        f"makes {dose_json['value']} mg exactly {suggestion[1]} drops at {_sig4(per_ml)} drops per "
        "mL: the largest of 5-0.001 mg a drop (1-2-2.5-5 steps) giving 3 drops or more (library "
        "policy) [D]",
    )
    per_drop_q = q(Decimal(_sig4(DIV(c * vol, cal_n))), "mg/drop")
    step(
        run.trace,
        "per-drop",
        "drug in one drop (4 significant figures)",
        "per drop = C / drops per mL",
        per_drop_q,
        C=conc_json,
        drops_per_ml=per_ml_q,
    )
    exact = DIV(dose * cal_n, c * vol)
    step(
        run.trace,
        "drops-exact",
        "drops that hold the dose exactly",
        "n = dose x N / (C x V)",
        q(exact, "drop"),
        dose=dose_json,
    )
    n = int(exact.to_integral_value(rounding=ROUND_HALF_UP))
    if n != exact or not 1 <= n <= max_drops:
        raise NotImplementedError("drops rounded")
    delivered = Decimal(_sig4(DIV(Decimal(n) * c * vol, cal_n)))
    deviation = D0
    volume = tidy(DIV(Decimal(n) * vol, cal_n))
    step(
        run.trace,
        "dose-volume",
        "volume of one dose (4 significant figures)",
        "v = drops / drops per mL",
        ml(Decimal(_sig4(volume))),
        drops=q(n, "drop"),
    )
    batch, bud, fills, allergens = _batch(
        run,
        order,
        su,
        conc_json,
        c,
        volume,
        "tight, light-resistant (amber) dropper bottle with the dropper calibrated "
        f"({cal['dropper']})",
        (Decimal(n) * vol, cal_n),
    )
    if batch["suspension"]:
        raise NotImplementedError("suspension drops")
    label = _label(
        batch,
        bud,
        allergens,
        dosage_form="sublingual drops",
        route="sublingual",
        dose_measure=f"{n} drops ({dose_json['value']} mg) under the tongue",
        per_drop=per_drop_q,
    )
    return {
        "schema": "ldncompound/drops/2",
        "library_version": LIBRARY_VERSION,
        "order": order,
        "drug": "naltrexone",
        "dose_basis": "hcl",
        "dose_basis_name": "naltrexone HCl",
        "dose": dose_json,
        "concentration": conc_json,
        "dropper": cal,
        "drops_per_ml": per_ml_q,
        "per_drop": per_drop_q,
        "drops_per_dose": n,
        "dose_delivered": q(delivered),
        "dose_deviation": q(deviation, "%"),
        "dose_volume": ml(Decimal(_sig4(volume))),
        "max_drops": max_drops,
        "suggested_concentration": conc_json,
        "suggested_drops": suggestion[1],
        "batch": batch,
        "bud": bud,
        "fills": fills,
        "label": label,
        "allergens": allergens,
        "warnings": run.warnings,
        "defaults": run.defaults,
        "trace": run.trace,
    }
