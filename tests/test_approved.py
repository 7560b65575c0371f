"""Approved behaviour over a grid of inputs, and approved outputs of a corpus of orders.

**Probes.** For every value object of the formula modules and every field it takes, a valid
object is rebuilt with that field replaced by each value of a grid (boundaries, zero,
negatives, wrong types, wrong dimensions, every known key, too-long and control-character
text), and computed in the preparation it belongs to. The outcome of each probe, the
refusal's class, code, field and sentence or the result's warnings and a digest of its whole
JSON, is compared with ``tests/approved/probes/``. A changed bound, a changed sentence, a
refusal that became a warning or a silently different result shows up as a line of diff.

**Snapshots.** Every result a golden case or worked example computes (``test_golden_*``,
``test_we*``, tests marked ``snapshot``; the standard orders below) is kept whole, as its JSON
and its worksheet, in ``tests/approved/results/`` (``conftest._snapshot_golden_results``): a
changed number or sentence shows as a readable diff. The probe lines above give, for a result,
its headline figures beside a digest of the rest.

Regenerate after a deliberate change with ``LDNCOMPOUND_APPROVE=1`` (see ``approval.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import orders
import pytest
from approval import approve
from orders import BALANCE, DAY, EXP

import ldncompound as lc
from ldncompound import Quantity, Unit
from ldncompound._liquid_aliquot import plan_liquid_mg
from ldncompound._trace import Recorder
from ldncompound._weighing import plan_solid_mg

# --- the grid ---------------------------------------------------------------------------------

MAGNITUDES = (
    "-1",
    "0",
    "0.0001",
    "0.001",
    "0.004",
    "0.005",
    "0.01",
    "0.02",
    "0.049",
    "0.05",
    "0.09",
    "0.1",
    "0.2",
    "0.25",
    "0.3",
    "0.4",
    "0.5",
    "0.6",
    "0.75",
    "0.9",
    "0.99",
    "1",
    "1.01",
    "1.2",
    "1.25",
    "1.4",
    "1.5",
    "1.6",
    "2",
    "2.2",
    "2.5",
    "3",
    "3.5",
    "4.5",
    "5",
    "5.01",
    "6",
    "7",
    "9",
    "10",
    "12",
    "14",
    "15",
    "16",
    "20",
    "24",
    "25",
    "30",
    "35",
    "40",
    "45",
    "50",
    "60",
    "75",
    "80",
    "89.9",
    "90",
    "95",
    "98",
    "99",
    "99.5",
    "100",
    "100.1",
    "101",
    "102",
    "105",
    "110",
    "110.1",
    "120",
    "150",
    "200",
    "250",
    "300",
    "500",
    "600",
    "750",
    "999",
    "1000",
    "1001",
    "1200",
    "2000",
    "2999",
    "3000",
    "3001",
    "5000",
    "10000",
    "1e5",
)
INTS: list[Any] = [
    *(-1, 0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 19, 20, 21, 24, 25, 28, 29, 30),
    *(31, 35, 36, 60, 89, 90, 91, 99, 100, 101, 179, 180, 181, 200, 365, 366, 500, 729, 730),
    *(731, 999, 1000, 1001, 2000, 5000, 10_000, 10_001, 100_000, 1_000_000),
    *(True, False),
]
DECIMALS: list[Any] = [
    *(Decimal(m) for m in MAGNITUDES),
    *(Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("1.25"), Decimal("1.33")),
]
TEXTS: list[Any] = [
    *("", "   ", "x", "lot 42", "x" * 40, "x" * 41, "x" * 80, "x" * 81, "x" * 120, "x" * 121),
    *("x" * 200, "x" * 201, "x" * 1001, "a\tb", "a\nb", "esc\x1b[2J", "bidi\u202e", "\ud800"),
    "Äpfel ü 漢字",
]
#: every key the tables and forms know, tried in every text field
KEYS = [
    *(f.key for f in lc.NALTREXONE.forms),
    *("salt", "base", "hcl", "HCl", "as-is", "anhydrous", "dried", "dihydrate"),
    *(f.key for f in lc.FILLERS),
    *(s.code for s in lc.CAPSULE_SIZES),
    *(b.key for b in lc.TROCHE_BASES),
    *(m.key for m in lc.TROCHE_MOLDS),
    *lc.PROTOCOLS,
    *("tapped", "poured", "gelatin", "hpmc", "pullulan", "MCC", "mcc "),
]
DATES: list[Any] = [
    *(DAY + dt.timedelta(days=d) for d in (-400, -1, 0, 1, 13, 14, 29, 30, 34, 35, 89, 90)),
    *(DAY + dt.timedelta(days=d) for d in (91, 179, 180, 181, 364, 365, 366, 400)),
    EXP,
]
BOOLS: list[Any] = [True, False]


def quantities(base: Quantity | None, dimension: lc.Dimension | None) -> list[Any]:
    units = {
        lc.Dimension.MASS: (Unit.MG, Unit.MCG, Unit.G),
        lc.Dimension.VOLUME: (Unit.ML, Unit.L),
        lc.Dimension.FRACTION: (Unit.PERCENT,),
        lc.Dimension.CONCENTRATION: (Unit.MG_PER_ML, Unit.G_PER_ML),
    }
    dim = dimension or (base.unit.dimension if base is not None else None)
    own = units.get(dim) or ((base.unit,) if base is not None else (Unit.MG,))  # type: ignore[arg-type]
    out: list[Any] = [Quantity(Decimal(m), own[0]) for m in MAGNITUDES]
    out += [Quantity(Decimal(m), u) for u in own[1:] for m in ("0.0045", "1", "4.5", "500")]
    other = Unit.ML if dim is not lc.Dimension.VOLUME else Unit.MG
    out.append(Quantity(Decimal("4.5"), other))
    return out


def type_text(annotation: Any) -> str:
    """A field's annotation as text without module prefixes: ``int | None``, ``date``
    (the same whether the annotation is a string or was evaluated, as under mutmut)."""
    text = annotation.__name__ if isinstance(annotation, type) else str(annotation)
    return re.sub(r"<class '(\w+)'>|\b(?:[a-z_]\w*\.)+(?=[A-Za-z])", r"\1", text)


def grid(field: attrs.Attribute[Any], current: Any) -> list[Any]:
    """The values tried in ``field`` (its current value is ``current``): values of the field's
    declared type (the Python API's types are its contract, checked by mypy; documents and the
    command line check types with their own sentences), and ``None`` when it is optional."""
    kind = type_text(field.type)
    none = [None] if "None" in kind or "Optional" in kind else []
    enums = [e for e in ENUMS if e.__name__ in kind]
    if enums:
        return [*enums[0], *none]
    if "Quantity" in kind and "tuple" not in kind:
        return [*quantities(current, field.metadata.get("ldncompound.dimension")), *none]
    if kind.startswith("tuple"):
        if kind.startswith("tuple[str"):
            return [(), ("lactose",), ("lactose", "soy"), ("",), ("a\x1b[2J",), *none]
        return [(), (current[0],) * 2 if current else (), *none]
    for start, values in SCALARS:
        if kind.startswith(start) or (start == "str" and "Literal" in kind):
            return [*values, *none]
    return []  # nested objects are probed as targets of their own


#: values of another Python type than the field declares, per kind of field: what they give
#: is approved too, but a TypeError or AttributeError there is the Python contract, not a crash
WRONG_TYPES: dict[str, list[Any]] = {
    "Quantity": ["4.5 mg", Decimal("4.5"), 4.5],
    "int": ["3", 1.5, Decimal(3)],
    "Decimal": ["2", 2.5, 2],
    "date": ["2027-01-01"],
    "bool": ["yes", 1],
    "str": [5, b"lot"],
    "enum": ["x", "room"],
    "tuple": ["lactose", ["lactose"]],
}


def wrong_types(field: attrs.Attribute[Any]) -> list[Any]:
    kind = type_text(field.type)
    if any(e.__name__ in kind for e in ENUMS):
        return WRONG_TYPES["enum"]
    for start in ("Quantity", "tuple", "int", "Decimal", "date", "bool", "str"):
        if kind.startswith(start) or (start == "Quantity" and "Quantity" in kind):
            return WRONG_TYPES[start]
    # a nested value object: another type, and nothing where one is required
    return ["x", 5] if "None" in kind or "Optional" in kind else ["x", 5, None]


SCALARS: tuple[tuple[str, list[Any]], ...] = (
    ("int", INTS),
    ("Decimal", DECIMALS),
    ("date", DATES),
    ("bool", BOOLS),
    ("str", [*TEXTS, *KEYS]),
)
ENUMS = (
    lc.AssayBasis,
    lc.CapsuleMethod,
    lc.Storage,
    lc.DayCount,
    lc.KitForm,
    lc.KitStrategy,
    lc.TrocheForm,
    lc.Route,
    lc.DisplacementMethod,
    lc.MinimumWeightRule,
    lc.DeviceKind,
    lc.AdditiveRole,
)

# --- the targets: a valid object, and how it is computed ---------------------------------------

API = orders.api()
STOCK = lc.TriturationStock(
    strength=lc.percent("10 %"), diluent="mcc", bud=dt.date(2027, 3, 1), lot="S1", made_on=DAY
)
STUDY = lc.StudyBud(
    reference="Stability study X (2024)",
    days=120,
    storage=lc.Storage.REFRIGERATOR,
    matches_formula_vehicle_container=True,
)
PEG = lc.BaseLot(base="peg", lot="P1", expiry=EXP)
TRIAL = lc.DisplacementTrial(
    units=6,
    blank_total=lc.mass("7200 mg"),
    medicated_total=lc.mass("7150 mg"),
    ingredient_total=lc.mass("300 mg"),
)


#: liquid kits keep the 1 mg/mL of the kits' examples (every step's dose a syringe mark)
ONE_MG_ML = Quantity(Decimal(1), Unit.MG_PER_ML)


def capsules_api(**kw: Any) -> lc.CapsuleOrder:
    return orders.capsules(**({"dose": lc.mass("0.5 mg"), "source": API} | kw))


def kit(form: lc.KitForm, **kw: Any) -> lc.TitrationOrder:
    args: dict[str, Any] = {
        "steps": (lc.parse_step("0.5 mg:7"), lc.parse_step("1 mg:7")),
        "maintenance": lc.mass("2 mg"),
        "maintenance_days": 14,
        "start": DAY,
        "form": form,
    }
    if form is lc.KitForm.CAPSULES:
        args["capsules"] = lc.CapsuleKit(template=capsules_api())
    elif form is lc.KitForm.LIQUID:
        args["liquid"] = lc.LiquidKit(template=orders.liquid(concentration=ONE_MG_ML))
    else:
        args["drops"] = lc.DropsKit(template=orders.drops(dose=lc.mass("1.5 mg")))
    return lc.TitrationOrder(**(args | kw))


@attrs.frozen
class Target:
    """Probes of one value object: ``make()`` builds it, ``use(obj)`` computes with it."""

    make: Callable[[], Any]
    use: Callable[[Any], Any]


def _in(factory: Callable[..., Any], key: str, formulate: Callable[[Any], Any]) -> Any:
    return lambda obj: formulate(factory(**{key: obj}))


CAPS, LIQ, DROPS, TRO = (
    lc.formulate_capsules,
    lc.formulate_liquid,
    lc.formulate_drops,
    lc.formulate_troches,
)
TARGETS: dict[str, Target] = {
    "capsule-order-tablets": Target(orders.capsules, CAPS),
    "capsule-order-api": Target(capsules_api, CAPS),
    "capsule-order-drug-x": Target(
        lambda: capsules_api(
            source=orders.api(
                drug=lc.Drug.from_salt_factor(
                    "drug X", base_name="X base", salt_name="X HCl", factor=Decimal("1.1")
                ),
                form="salt",
            ),
            dose=lc.mass("25 mg"),
        ),
        CAPS,
    ),
    "capsule-order-fill": Target(
        lambda: capsules_api(
            method=lc.CapsuleMethod.FIXED_WEIGHT, fill_weight=lc.mass("80 mg"), size="3"
        ),
        CAPS,
    ),
    "tablets": Target(orders.tablets, _in(orders.capsules, "source", CAPS)),
    "api-lot": Target(orders.api, _in(capsules_api, "source", CAPS)),
    "api-lot-dihydrate": Target(
        lambda: orders.api(
            form="hcl-dihydrate",
            assay_basis=lc.AssayBasis.ANHYDROUS,
            water_content=lc.percent("8.5 %"),
        ),
        _in(capsules_api, "source", CAPS),
    ),
    "stock": Target(lambda: STOCK, _in(capsules_api, "source", CAPS)),
    "balance": Target(lambda: BALANCE, _in(capsules_api, "balance", CAPS)),
    "balance-usp": Target(
        lambda: lc.Balance.usp41(readability=lc.mass("0.1 mg")),
        _in(capsules_api, "balance", CAPS),
    ),
    "balance-torsion": Target(
        lambda: lc.Balance.torsion(
            sensitivity=lc.mass("6 mg"), max_error=lc.percent("5 %"), readability=lc.mass("10 mg")
        ),
        _in(orders.capsules, "balance", CAPS),
    ),
    "filler": Target(
        lambda: lc.FillerLot(filler="mcc", lot="F1", expiry=EXP),
        _in(capsules_api, "filler", CAPS),
    ),
    "filler-pack-stat": Target(
        lambda: lc.FillerLot(
            filler="mcc", pack_stat=lc.PackStat(size="3", filler_per_capsule=lc.mass("95 mg"))
        ),
        lambda f: CAPS(capsules_api(filler=f, size="3")),
    ),
    "pack-stat": Target(
        lambda: lc.PackStat(size="3", filler_per_capsule=lc.mass("95 mg"), capsules_measured=30),
        lambda p: CAPS(capsules_api(filler=lc.FillerLot(filler="mcc", pack_stat=p), size="3")),
    ),
    "shells": Target(
        lambda: lc.ShellLot(material="gelatin", lot="C1", expiry=EXP, weight=lc.mass("48 mg")),
        _in(capsules_api, "shells", CAPS),
    ),
    "study": Target(lambda: STUDY, _in(orders.liquid, "study", LIQ)),
    "liquid-order": Target(orders.liquid, LIQ),
    "liquid-order-tablets": Target(
        lambda: orders.liquid(source=orders.tablets(), days_supply=30), LIQ
    ),
    "liquid-aliquot": Target(
        lambda: orders.liquid(
            dose=lc.mass("0.5 mg"), concentration=lc.Quantity(Decimal("0.5"), Unit.MG_PER_ML)
        ),
        LIQ,
    ),
    "liquid-order-volume": Target(
        lambda: orders.liquid(days_supply=None, volume=lc.volume("30 mL")), LIQ
    ),
    "vehicle": Target(
        lambda: lc.Vehicle(name="house vehicle", aqueous=True, preservative="sodium benzoate"),
        lambda v: LIQ(orders.liquid(vehicle=lc.VehicleLot(vehicle=v, lot="V", expiry=EXP))),
    ),
    "liquid-additive": Target(
        lambda: lc.LiquidAdditive(role=lc.AdditiveRole.FLAVOUR, name="cherry", lot="F", expiry=EXP),
        lambda a: LIQ(orders.liquid(additives=(a,))),
    ),
    "syringe": Target(lambda: lc.device("oral-5ml"), _in(orders.liquid, "syringe", LIQ)),
    "drops-order": Target(orders.drops, DROPS),
    "drops-order-nominal": Target(
        lambda: orders.drops(calibration=None, accept_nominal_dropper=True), DROPS
    ),
    "dropper": Target(orders.calibration, _in(orders.drops, "calibration", DROPS)),
    "troche-order": Target(orders.troches, TRO),
    "troche-order-api": Target(lambda: orders.troches(source=API, dose=lc.mass("0.25 mg")), TRO),
    "mold": Target(
        lambda: lc.MoldCalibration(blank_weight=lc.mass("1200 mg"), blanks_weighed=24),
        _in(orders.troches, "mold", TRO),
    ),
    "troche-base": Target(lambda: PEG, _in(orders.troches, "base", TRO)),
    "troche-base-custom": Target(
        lambda: lc.BaseLot(name="house base", contains_water=False, lot="H1", expiry=EXP),
        _in(orders.troches, "base", TRO),
    ),
    "troche-additive": Target(
        lambda: lc.Additive(
            name="stevia",
            amount=lc.mass("20 mg"),
            displacement=lc.Displacement(
                method=lc.DisplacementMethod.FACTOR, factor=Decimal("1.4")
            ),
        ),
        lambda a: TRO(orders.troches(ingredients=(a,))),
    ),
    "displacement-factor": Target(
        lambda: lc.Displacement(method=lc.DisplacementMethod.FACTOR, factor=Decimal("1.4")),
        _in(orders.troches, "drug_displacement", TRO),
    ),
    "displacement-density": Target(
        lambda: lc.Displacement.from_density(lc.density("1.6 g/mL"), source="data sheet"),
        _in(orders.troches, "drug_displacement", TRO),
    ),
    "displacement-density-known-base": Target(
        lambda: lc.Displacement.from_density(lc.density("1.6 g/mL"), source="data sheet"),
        lambda d: TRO(
            orders.troches(
                drug_displacement=d,
                base=lc.BaseLot(base="peg", lot="P1", expiry=EXP, density=lc.density("1.2 g/mL")),
            )
        ),
    ),
    "displacement-trial": Target(
        lambda: TRIAL,
        lambda t: TRO(
            orders.troches(
                drug_displacement=lc.Displacement(method=lc.DisplacementMethod.TRIAL, trial=t)
            )
        ),
    ),
    "troche-diluent": Target(
        lambda: lc.TrocheDiluent(name="silica"),
        lambda d: TRO(orders.troches(source=API, dose=lc.mass("0.25 mg"), diluent=d)),
    ),
    "titration-capsules": Target(lambda: kit(lc.KitForm.CAPSULES), lc.plan_titration),
    "titration-liquid": Target(lambda: kit(lc.KitForm.LIQUID), lc.plan_titration),
    "titration-drops": Target(lambda: kit(lc.KitForm.DROPS), lc.plan_titration),
    "titration-step": Target(
        lambda: lc.parse_step("1 mg:7"),
        lambda s: lc.plan_titration(kit(lc.KitForm.LIQUID, steps=(s,))),
    ),
    "liquid-kit": Target(
        lambda: lc.LiquidKit(template=orders.liquid(concentration=ONE_MG_ML)),
        lambda k: lc.plan_titration(kit(lc.KitForm.LIQUID, liquid=k)),
    ),
    "capsule-kit-undated": Target(
        lambda: lc.CapsuleKit(template=capsules_api(compounded_on=None, acknowledge=())),
        lambda k: lc.plan_titration(kit(lc.KitForm.CAPSULES, capsules=k)),
    ),
    "drops-kit-nominal": Target(
        lambda: lc.DropsKit(
            template=orders.drops(
                dose=lc.mass("1.5 mg"), calibration=None, accept_nominal_dropper=True
            )
        ),
        lambda k: lc.plan_titration(kit(lc.KitForm.DROPS, drops=k)),
    ),
    "capsule-kit": Target(
        lambda: lc.CapsuleKit(template=capsules_api()),
        lambda k: lc.plan_titration(kit(lc.KitForm.CAPSULES, capsules=k)),
    ),
    "dose-profile": Target(
        lambda: lc.NALTREXONE.profile,
        lambda p: CAPS(
            capsules_api(source=orders.api(drug=attrs.evolve(lc.NALTREXONE, profile=p)))
        ),
    ),
    "drug": Target(
        lambda: lc.Drug.from_salt_factor(
            "drug X", base_name="X base", salt_name="X HCl", factor=Decimal("1.1")
        ),
        lambda d: CAPS(capsules_api(source=orders.api(drug=d, form="salt"))),
    ),
}


def _devices(*kinds: lc.DeviceKind) -> tuple[lc.MeasuringDevice, ...]:
    """The built-in devices of ``kinds``, and the oral syringes."""
    return tuple(d for d in lc.DEVICES if d.kind in (*kinds, lc.DeviceKind.ORAL_SYRINGE))


_K = lc.DeviceKind
#: values tried beyond the grid for one target's field
EXTRA: dict[tuple[str, str], list[Any]] = {
    ("liquid-aliquot", "equipment"): [
        lc.DEVICES,
        _devices(_K.ORAL_SYRINGE),
        _devices(_K.GRADUATED_PIPETTE, _K.GRADUATED_CYLINDER),
        _devices(_K.VOLUMETRIC_PIPETTE, _K.GRADUATED_CYLINDER),
        _devices(_K.GRADUATED_CYLINDER),
        _devices(_K.VOLUMETRIC_PIPETTE),
        _devices(_K.ORAL_SYRINGE, _K.GRADUATED_CYLINDER),
        (*_devices(), lc.device("volumetric-1ml"), lc.device("cylinder-25ml")),
        (*_devices(), lc.device("pipette-1ml"), lc.device("cylinder-50ml")),
        (*_devices(), lc.device("pipette-5ml"), lc.device("cylinder-10ml")),
        tuple(reversed(lc.DEVICES)),
    ],
}
STEP_SETS = [
    "1 mg:7",
    "0.5 mg:7, 1 mg:7, 1.5 mg:7, 2 mg:7",
    "0.5 mg:14, 1 mg:14, 1.5 mg:14, 2 mg:14, 2.5 mg:14, 3 mg:14, 3.5 mg:14, 4 mg:14",
    "1 mg:7, 2 mg:7, 3 mg:7, 4.5 mg:7",
    "0.75 mg:7, 1.5 mg:7, 2.25 mg:7",
    "0.25 mg:3, 0.5 mg:3, 0.75 mg:3, 1 mg:3",
    "0.1 mg:7, 0.2 mg:7, 0.3 mg:7",
    "1.5 mg:10, 3 mg:10",
    "4.5 mg:7",
    "0.5 mg:30, 1 mg:30, 1.5 mg:30",
    "2 mg:7, 1 mg:7",
    "0.5 mg:1",
]
for _form in ("capsules", "liquid", "drops"):
    EXTRA[(f"titration-{_form}", "steps")] = [
        tuple(lc.parse_step(s) for s in steps.split(", ")) for steps in STEP_SETS
    ]
EXTRA[("drops-order", "calibration")] = [None]
_STEVIA = lc.Additive(name="stevia", amount=lc.mass("20 mg"))
EXTRA[("troche-order", "ingredients")] = [
    (_STEVIA, _STEVIA),
    (_STEVIA, attrs.evolve(_STEVIA, name=" Stevia ")),
    (_STEVIA, attrs.evolve(_STEVIA, name="silica", amount=lc.mass("5 mg"))),
    [_STEVIA],
    (_STEVIA, "silica"),
]
SOURCES = [
    orders.api(),
    orders.tablets(),
    STOCK,
    orders.api(form="base"),
    orders.api(form="hcl-dihydrate", assay_basis=lc.AssayBasis.AS_IS),
    orders.tablets(strength=lc.mass("25 mg"), average_weight=lc.mass("150 mg")),
]
VEHICLES = [lc.VehicleLot(vehicle=v, lot="V", expiry=EXP) for v in lc.VEHICLES]
for _name in ("capsule-order-api", "liquid-order", "drops-order", "troche-order"):
    EXTRA[(_name, "source")] = SOURCES
for _name in ("liquid-order", "liquid-order-tablets", "drops-order", "liquid-order-volume"):
    EXTRA[(_name, "vehicle")] = VEHICLES
EXTRA[("liquid-kit", "syringes")] = [
    (lc.device("cylinder-10ml"),),
    (lc.device("oral-1ml"), lc.device("pipette-1ml")),
    (lc.device("oral-1ml"),),
    (lc.device("oral-10ml"),),
    (lc.device("oral-1ml"), lc.device("oral-5ml")),
    _devices(),
]
EXTRA[("liquid-kit", "template")] = [
    orders.liquid(concentration=None),
    orders.liquid(concentration=None, dose=lc.mass("0.25 mg")),
    orders.liquid(concentration=None, syringe=lc.device("oral-3ml")),
    orders.liquid(concentration=lc.Quantity(Decimal("0.5"), Unit.MG_PER_ML)),
    orders.liquid(concentration=lc.Quantity(Decimal(2), Unit.MG_PER_ML)),
]
EXTRA[("drops-kit-nominal", "template")] = [
    orders.drops(dose=lc.mass("1.5 mg"), calibration=None, accept_nominal_dropper=True),
    orders.drops(dose=lc.mass("1.5 mg")),
    orders.drops(dose=lc.mass("1.5 mg"), max_drops=3),
]
EXTRA[("liquid-order-tablets", "equipment")] = EXTRA[("liquid-aliquot", "equipment")]
EXTRA[("drops-order", "equipment")] = EXTRA[("liquid-aliquot", "equipment")]


def outcome(thunk: Callable[[], Any]) -> str:
    """One line: the refusal (class, code, field, sentence) or the result's digest."""
    try:
        return _described(thunk())
    except lc.LdnCompoundError as error:
        return f"{type(error).__name__} {error.code} [{error.field}] {error.message}"
    except Exception as error:  # noqa: BLE001 - reported as a crash, never approved
        return f"CRASH {type(error).__name__}: {str(error)[:100]}"


def _described(result: Any) -> str:
    if not hasattr(result, "schema"):  # a value object: its repr, readable
        text = repr(result)
        if len(text) <= 400:
            return f"ok {text}"
        return f"ok {text[:300]}... sha {hashlib.sha256(text.encode()).hexdigest()[:16]}"
    data = json.loads(lc.dumps(result))
    data.pop("library_version", None)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:8]
    warnings = " ".join(sorted({w["code"] for w in data.get("warnings", ())}))
    return f"ok {_headline(data)} #{digest} warnings: {warnings or '-'}"


#: the figures a reviewer reads first, when a result has them (top level or in ``batch``)
HEADLINE = (
    "size",
    "batch_count",
    "unit_weight",
    "concentration",
    "dose_volume",
    "drops_per_dose",
    "dispense_volume",
)


def _figure(value: Any) -> str:
    if isinstance(value, dict) and "value" in value and "unit" in value:
        return f"{value['value']} {value['unit']}"
    return str(value)


def _weighings(data: Any) -> list[str]:
    """Every weighed amount in the result, in order (a kit's batches included)."""
    if isinstance(data, dict):
        found = []
        for key, value in data.items():
            if key in ("order", "trace", "defaults", "warnings"):
                continue
            if key == "weighings" and isinstance(value, list):
                found += [_figure(w.get("amount")) for w in value if isinstance(w, dict)]
            else:
                found += _weighings(value)
        return found
    if isinstance(data, list):
        return [w for item in data for w in _weighings(item)]
    return []


def _headline(data: dict[str, Any]) -> str:
    """The result's headline figures (size, counts, concentration, volumes, weighings, BUD),
    so that a changed result in a probe grid shows what changed; the digest covers the rest."""
    batch = data.get("batch") if isinstance(data.get("batch"), dict) else {}
    parts = []
    for key in HEADLINE:
        value = data[key] if data.get(key) is not None else batch.get(key)
        if value is not None:
            parts.append(f"{key}={_figure(value)}")
    weighed = _weighings(data)
    if weighed:
        shown = "+".join(weighed[:6]) + (f"+...({len(weighed)})" if len(weighed) > 6 else "")
        parts.append(f"weigh={shown}")
    bud = data.get("bud")
    if isinstance(bud, dict) and bud.get("date"):
        parts.append(f"bud={bud['date']}")
    return " ".join(parts)


def shown(value: Any) -> str:
    if isinstance(value, tuple) and value and all(hasattr(v, "name") for v in value):
        return "(" + ", ".join(v.name for v in value) + ")"
    text = str(value) if isinstance(value, (Quantity, dt.date)) else repr(value)
    return text if len(text) <= 40 else f"{text[:20]}...({len(text)} chars)"


def probes() -> list[Any]:
    made = {name: target.make() for name, target in TARGETS.items()}
    return [
        pytest.param(name, f.name, id=f"{name}.{f.name}")
        for name, obj in made.items()
        for f in attrs.fields(type(obj))
        if f.init and f.name != "drug"
    ]


@pytest.mark.grid
@pytest.mark.parametrize(("target", "field"), probes())
def test_probes(target: str, field: str) -> None:
    t = TARGETS[target]
    made = t.make()
    f = attrs.fields_dict(type(made))[field]
    base = f"{type(made).__name__}.{field} = {shown(getattr(made, field))}"
    lines = [f"{base}: {outcome(lambda: t.use(made))}"]
    lines += [
        f"{shown(value)}: {outcome(lambda v=value: t.use(attrs.evolve(made, **{field: v})))}"
        for value in [*grid(f, getattr(made, field)), *EXTRA.get((target, field), ())]
    ]
    crashes = [line for line in lines if ": CRASH " in line]
    assert not crashes, "\n".join(crashes)
    for value in wrong_types(f):
        got = outcome(lambda v=value: t.use(attrs.evolve(made, **{field: v})))
        if got.startswith("CRASH "):
            got = "raises " + got.removeprefix("CRASH ").split(":")[0]
        lines.append(f"(wrong type) {value!r}: {got}")
    approve(f"probes/{target}/{field}.txt", "\n".join(lines) + "\n")


# --- the functions that build value objects from text and measurements ----------------------

MASSES = [Quantity(Decimal(m), Unit.MG) for m in ("-1", "0", "0.5", "1", "6", "10", "48", "4500")]
MASSES += [Quantity(Decimal(m), Unit.G) for m in ("0.6", "12", "12.1")]
COUNTS = [-1, 0, 1, 2, 10, 30, 100]
DISPLACEMENTS = [
    *(
        "dv=1.25",
        "dv=0",
        "dv=-1",
        "dv=1",
        "dv=0.1",
        "dv=10",
        "dv=1,25",
        "dv=",
        "dv=x",
        " dv = 1.4 ",
    ),
    *("density=1.6 g/mL", "density=1600 mg/mL", "density=0.01 g/mL", "density=1.6", "density="),
    *("density=22 g/mL", "density=1.6 g/L", "replace", "replace=1", "REPLACE", "trial", "trial="),
    *("trial=10,12 g,12.1 g,600 mg", "trial=10,12000 mg,12100 mg,600 mg", "trial=10,12 g,12.1 g"),
    *("trial=0,12 g,12.1 g,600 mg", "trial=10,12 g,11 g,600 mg", "trial=10,12 g,12.1 g,0 mg"),
    *("trial=10,12 g,12 g,600 mg", "trial=x,12 g,12.1 g,600 mg", "trial=10,12 mL,12.1 g,600 mg"),
    *("trial=1,1 g,1 g,1 mg", "trial=10,12 g,13.5 g,600 mg", "factor=1", "", "=1", "dv=1.25=2"),
    *("trial=10000,12 g,12.1 g,600 mg", "trial=10001,12 g,12.1 g,600 mg", "trial=10,12 g,,1 g"),
]
OPTIONS = [
    *("", ":lot=S1", ":lot=", ":lot=S1:lot=S2", ":expiry=2027-05-01", ":expiry=05/01/2027"),
    *(":expiry=2027-05-01:expiry=2027-06-01", ":allergen=soy", ":allergen=soy:allergen=milk"),
    *(":allergen=", ":water", ":water=1", ":preservative", ":preservative:water", ":colour"),
    *(":dv=1.25:density=1.6 g/mL", ":lot=S1:dv=1.3:allergen=corn", ":x=1", ":", "::"),
    *(f":{d}" for d in DISPLACEMENTS[:8]),
]
INGREDIENTS = [
    *(f"sucralose:10 mg{o}" for o in OPTIONS),
    *("sucralose", "sucralose:", ":10 mg", "sucralose:10", "sucralose:10 mL", "sucralose:0 mg"),
    *("sucralose:4,5 mg", "a:b:c", " silica : 5 mg : density=2.2 g/mL ", "x" * 300, "esc\x1b:1 mg"),
    *("n" * 119 + ":1 mg", "n" * 121 + ":1 mg", "n" * 201 + ":1 mg", "s:1 mg:lot=" + "l" * 100),
    *(5, None, b"sucralose:10 mg"),
]
DILUENTS = [
    *(f"mannitol{o}" for o in OPTIONS),
    *("mannitol", "", ":dv=1.2", "mannitol:10 mg", " mannitol ", "x" * 300, "a\x00b"),
    *("n" * 119, "n" * 121, "n" * 201, "m:lot=" + "l" * 100, 5, None),
]


def _from_weights(**kw: Any) -> Any:
    return lc.PackStat.from_weights(size="3", method="tapped", **kw)


FUNCTIONS: dict[str, list[tuple[str, Callable[[], Any]]]] = {
    "parse_displacement": [
        (repr(t), lambda t=t: lc.parse_displacement(t, field="f")) for t in DISPLACEMENTS
    ],
    "parse_ingredient": [(repr(t), lambda t=t: lc.parse_ingredient(t)) for t in INGREDIENTS],
    "parse_diluent": [(repr(t), lambda t=t: lc.parse_diluent(t)) for t in DILUENTS],
    "pack_stat_from_weights": [
        (f"{f} {e} {n}", lambda f=f, e=e, n=n: _from_weights(filled=f, empty=e, capsules=n))
        for f in MASSES
        for e in MASSES[:5]
        for n in COUNTS
    ],
    "mold_from_weights": [
        (
            f"{t} {n}",
            lambda t=t, n=n: lc.MoldCalibration.from_weights(
                total=t, blanks=n, mold="m", cavities=30
            ),
        )
        for t in MASSES
        for n in COUNTS
    ],
    "mold_typical": [(k, lambda k=k: lc.MoldCalibration.typical(k)) for k in (*KEYS, "", "x")],
    "sensitivity_from_test": [
        (f"{w} {d}", lambda w=w, d=d: lc.sensitivity_from_test(test_weight=w, divisions=d))
        for w in MASSES
        for d in DECIMALS[::4]
    ],
    "percent_error": [
        (f"{i} {e}", lambda i=i, e=e: lc.percent_error(intended=i, error=e))
        for i in MASSES
        for e in (*MASSES[::3], Quantity(Decimal(1), Unit.ML))
    ],
    "balance_percent_error": [
        (f"{b.name} {m}", lambda b=b, m=m: b.percent_error(m))
        for b in (
            BALANCE,
            lc.Balance.class_iii(),
            lc.Balance.usp41(readability=lc.mass("0.1 mg")),
            lc.Balance.torsion(
                sensitivity=lc.mass("6 mg"),
                max_error=lc.percent("5 %"),
                readability=lc.mass("10 mg"),
            ),
        )
        for m in MASSES
    ],
    "balance_torsion": [
        (
            f"{m} {e!s} {r}",
            lambda m=m, e=e, r=r: lc.Balance.torsion(sensitivity=m, max_error=e, readability=r),
        )
        for m in (*MASSES[::2], "6 mg")
        for e in (
            lc.percent("5 %"),
            Quantity(Decimal(0), Unit.PERCENT),
            lc.percent("100 %"),
            lc.mass("5 mg"),
        )
        for r in (lc.mass("10 mg"), Quantity(Decimal(0), Unit.MG))
    ],
    "balance_documented": [
        (
            f"{m} {r}",
            lambda m=m, r=r: lc.Balance.documented(minimum_weight=m, readability=r, source="SOP"),
        )
        for m in MASSES[::2]
        for r in (*MASSES[::3], "1 mg")
    ],
    "balance_usp41": [
        (str(r), lambda r=r: lc.Balance.usp41(readability=r)) for r in (*MASSES, "0.1 mg")
    ],
    "balance_class_iii": [("", lc.Balance.class_iii)],
    "stock_from_ratio": [
        (
            f"{p}:{t}",
            lambda p=p, t=t: lc.TriturationStock.from_ratio(
                p, t, diluent="mcc", bud=dt.date(2027, 3, 1)
            ),
        )
        for p in COUNTS
        for t in COUNTS
    ],
    "protocol_steps": [
        (f"{n} {c}", lambda n=n, c=c: lc.protocol_steps(n, confirmed=c))
        for n in (*lc.PROTOCOLS, "ldnrt", "", "x")
        for c in (True, False)
    ],
    "drug_from_salt_factor": [
        (
            repr(f),
            lambda f=f: lc.Drug.from_salt_factor(
                "X", base_name="X base", salt_name="X HCl", factor=f
            ),
        )
        for f in (*DECIMALS[::3], 1, 1.5, "1.1", None)
    ],
    "displacement_from_density": [
        (str(q), lambda q=q: lc.Displacement.from_density(q, source="sheet"))
        for q in quantities(None, lc.Dimension.CONCENTRATION)[::2]
    ],
    "plan_titration_today": [
        (
            f"{form.value} {today}",
            lambda form=form, today=today: lc.plan_titration(kit(form), today=today),
        )
        for form in lc.KitForm
        for today in (None, *DATES[::3])
    ],
    "plan_solid": [
        (
            f"{n} x{r} {b.name} max {x}",
            lambda n=n, r=r, b=b, x=x: plan_solid_mg(
                needed=Decimal(n),
                final_ratio=Decimal(r),
                balance=b,
                max_stage_mass=Decimal(x),
                material_name="API",
                diluent_name="MCC",
                rec=Recorder(),
            ),
        )
        for n in ("0.12", "1.2", "12", "49.99", "50", "50.01", "119.99", "120", "120.01", "400")
        for r in ("1", "2", "10", "100", "1000")
        for b in (BALANCE, lc.Balance.class_iii())
        for x in ("1000", "5000")
    ],
    "plan_liquid": [
        (
            f"{n} mg in {v} mL, least {least}, {b.name}, sol {sol}, aliquot {al}",
            lambda n=n, v=v, least=least, b=b, sol=sol, al=al: plan_liquid_mg(
                needed=Decimal(n),
                volume=Decimal(v),
                least_volume=Decimal(least),
                balance=b,
                devices=lc.DEVICES,
                min_percent=Decimal(20),
                tolerance=Decimal(1),
                solubility=None if sol is None else Decimal(sol),
                aliquot_volume=None if al is None else Decimal(al),
                rec=Recorder(),
            ),
        )
        for n in ("0.5", "7", "15", "49.99", "50", "120", "600")
        for v in ("10", "30", "100")
        for least in ("0.1", "1")
        for b in (BALANCE, lc.Balance.class_iii())
        for sol in (None, "100", "1")
        for al in (None, "1", "5")
    ],
    "assign_bud": [
        (
            f"{c.value} {st.value} {dc.value} {e}",
            lambda c=c, st=st, dc=dc, e=e: lc.assign_bud(
                category=c,
                compounded_on=DAY,
                storage=st,
                components=(lc.Component(role="active", name="API", lot="A", expiry=e),),
                rec=Recorder(),
                day_count=dc,
            ),
        )
        for c in lc.BudCategory
        for st in lc.Storage
        for dc in lc.DayCount
        for e in (None, DAY, DAY + dt.timedelta(days=10), EXP)
    ],
    "parse_step": [
        (repr(t), lambda t=t: lc.parse_step(t, field="steps[2]"))
        for t in (
            *("1 mg:7", "0.5 mg:14", "1mg:7", "1 mg : 7", "1 mg:0", "1 mg:731", "1 mg", ":7"),
            *("1 mg:7:1", "4,5 mg:7", "1 mL:7", "1 mg:x", "45 mg:7", "", "1 mg:7.5", 5, None),
        )
    ],
    "balance_documented_no_source": [
        (
            "50 mg 1 mg",
            lambda: lc.Balance.documented(
                minimum_weight=lc.mass("50 mg"), readability=lc.mass("1 mg")
            ),
        )
    ],
    "calibrate_dropper": [
        (f"{n} {v}", lambda n=n, v=v: lc.calibrate_dropper(drops=n, volume=v, dropper="D"))
        for n in (*COUNTS, 1000, 1001, 5000)
        for v in (*(lc.volume(f"{m} mL") for m in ("0.05", "0.5", "1", "2.5", "100", "101")),)
    ],
}


@pytest.mark.grid
@pytest.mark.parametrize("name", FUNCTIONS)
def test_functions(name: str) -> None:
    lines = [
        f"{label if len(label) <= 80 else label[:80] + '...'}: {outcome(call)}"
        for label, call in FUNCTIONS[name]
    ]
    crashes = [line for line in lines if ": CRASH " in line]
    assert not crashes, "\n".join(crashes)
    approve(f"functions/{name}.txt", "\n".join(lines) + "\n")


@pytest.mark.parametrize("name", sorted(orders.ORDERS))
def test_golden_standard_order(name: str) -> None:
    """The valid order of each preparation that the guards, catalogue and fuzz tests start
    from (tests/orders.py): its JSON and worksheet are reviewed snapshots (see conftest)."""
    # through the public name, which the suite wraps to keep the snapshot
    result = getattr(lc, f"formulate_{name}")(orders.ORDERS[name]())
    assert result.bud.compounded_on == DAY
