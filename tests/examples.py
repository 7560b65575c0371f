"""Order documents shared by the tests (every field present, as the contract requires)."""

from __future__ import annotations

import copy
from typing import Any

CAPSULES = "ldncompound/order/capsules/1"


def tablets_source(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "kind": "tablets",
        "average_weight": "201.4 mg",
        "expiry": "2030-12-31",
        "strength": "default",
        "strength_basis": "default",
        "tablets_weighed": 20,
        "lot": "T123",
        "product": "default",
        "allergens_declared": "default",
        "powder_density": "default",
        "drug": "default",
    }
    doc.update(changes)
    return doc


def api_source(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "kind": "api",
        "form": "hcl-dihydrate",
        "assay": "99.1 %",
        "assay_basis": "anhydrous",
        "expiry": "2030-01-01",
        "lot": "A1",
        "assay_as": "default",
        "water_content": "8.8 %",
        "loss_on_drying": "default",
        "bulk_density": "default",
        "supplier": "default",
        "drug": "naltrexone",
    }
    doc.update(changes)
    return doc


def stock_source(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "kind": "stock",
        "strength": "10 %",
        "diluent": "microcrystalline cellulose",
        "bud": "2027-04-29",
        "lot": "S1",
        "strength_basis": "default",
        "made_on": "2026-11-01",
        "drug": "default",
    }
    doc.update(changes)
    return doc


def capsules(**changes: Any) -> dict[str, Any]:
    """30 x 4.5 mg from 201.4 mg tablets on a 50 mg / 1 mg balance (the README's order)."""
    doc: dict[str, Any] = {
        "schema": CAPSULES,
        "dose": "4.5 mg",
        "count": 30,
        "source": tablets_source(),
        "filler": "default",
        "dose_basis": "default",
        "method": "default",
        "size": "default",
        "fill_weight": "default",
        "overage": "10 %",
        "drug_loss_allowance": "default",
        "balance": {
            "rule": "documented",
            "minimum_weight": "50 mg",
            "readability": "1 mg",
            "name": "default",
            "source": "default",
        },
        "shells": "default",
        "compounded_on": "2026-11-21",
        "storage": "default",
        "day_count": "default",
        "study": "default",
        "doses_per_day": "default",
        "qc_sample": "default",
        "max_stage_mass": "default",
        "trituration_ratio": "default",
        "aliquot_mass": "default",
        "rounding_tolerance": "default",
        "tablet_margin": "default",
        "acknowledge": [],
        "reference": "Rx 1",
    }
    doc.update(copy.deepcopy(changes))
    return doc


def full_capsules() -> dict[str, Any]:
    """An order that gives every nested object in full (no object left to its default)."""
    return capsules(
        source=api_source(),
        dose="0.5 mg",
        filler={
            "filler": "mcc",
            "lot": "F1",
            "expiry": "2030-01-01",
            "pack_stat": {
                "size": "3",
                "filler_per_capsule": "110 mg",
                "method": "tamped, 3 passes",
                "capsules_measured": 30,
            },
            "density": "default",
        },
        dose_basis="hcl",
        method="capacity",
        balance={"rule": "class-iii"},
        shells={"material": "gelatin", "lot": "C1", "expiry": "2030-01-01", "weight": "48 mg"},
        storage="room",
        day_count="day-1",
        study={
            "reference": "Smith 2024, LDN capsules in MCC",
            "days": 120,
            "storage": "room",
            "matches_formula_vehicle_container": True,
        },
        doses_per_day="1",
        qc_sample=10,
        max_stage_mass="10 g",
        rounding_tolerance="0.5 %",
        tablet_margin="default",
        acknowledge=["dose-below-range"],
    )


def paths(doc: Any, prefix: str = "") -> list[str]:
    """Every field path of a document (``source.lot``), objects included, tags excluded."""
    out: list[str] = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key in ("schema", "kind", "rule"):
                continue
            path = f"{prefix}.{key}" if prefix else key
            out.append(path)
            out.extend(paths(value, path))
    return out


def without(doc: dict[str, Any], path: str) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    *parents, last = path.split(".")
    target = doc
    for p in parents:
        target = target[p]
    del target[last]
    return doc


def replaced(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    *parents, last = path.split(".")
    target = doc
    for p in parents:
        target = target[p]
    target[last] = value
    return doc


def flatten(doc: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """A document as CSV cells by dotted column (lists ``a;b`` or ``[]``, flags ``true``)."""
    out: dict[str, str] = {}
    for key, value in doc.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.update(flatten(value, path))
        elif isinstance(value, list):
            out[path] = ";".join(value) if value else "[]"
        elif isinstance(value, bool):
            out[path] = "true" if value else "false"
        else:
            out[path] = str(value)
    return out
