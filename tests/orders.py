"""One valid order per preparation, as Python objects, order documents and command lines.

The dose-guard tests, the bad-input catalogue and the fuzz tests start from these and change
one thing. Every order here computes (``tests/test_dose_guards.py`` checks that).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import ldncompound as lc

DAY = dt.date(2026, 11, 21)
EXP = dt.date(2028, 1, 1)
BALANCE = lc.Balance.documented(minimum_weight=lc.mass("50 mg"), readability=lc.mass("1 mg"))


def tablets(**kw: Any) -> lc.TabletSource:
    args: dict[str, Any] = {
        "average_weight": lc.mass("201.4 mg"),
        "tablets_weighed": 20,
        "expiry": EXP,
        "lot": "T1",
    }
    return lc.TabletSource(**(args | kw))


def api(**kw: Any) -> lc.ApiLot:
    args: dict[str, Any] = {
        "form": "hcl",
        "assay": lc.percent("99.5 %"),
        "assay_basis": lc.AssayBasis.AS_IS,
        "expiry": EXP,
        "lot": "A1",
    }
    return lc.ApiLot(**(args | kw))


def capsules(**kw: Any) -> lc.CapsuleOrder:
    """30 x 4.5 mg capsules from 201.4 mg tablets, once daily."""
    args: dict[str, Any] = {
        "dose": lc.mass("4.5 mg"),
        "count": 30,
        "source": tablets(),
        "balance": BALANCE,
        "compounded_on": DAY,
        "doses_per_day": Decimal(1),
    }
    return lc.CapsuleOrder(**(args | kw))


def liquid(**kw: Any) -> lc.LiquidOrder:
    """4.5 mg once daily for 14 days at 2.5 mg/mL (1.8 mL a dose) from API powder in purified water."""
    args: dict[str, Any] = {
        "dose": lc.mass("4.5 mg"),
        "doses_per_day": Decimal(1),
        "days_supply": 14,
        "source": api(),
        "concentration": lc.Quantity(Decimal("2.5"), lc.Unit.MG_PER_ML),
        "vehicle": lc.VehicleLot(vehicle=lc.vehicle("purified-water"), lot="W1", expiry=EXP),
        "balance": BALANCE,
        "compounded_on": DAY,
    }
    return lc.LiquidOrder(**(args | kw))


def calibration() -> lc.DropperCalibration:
    return lc.calibrate_dropper(drops=40, volume=lc.volume("2.5 mL"), dropper="dropper D7")


def drops(**kw: Any) -> lc.DropsOrder:
    """4.5 mg once daily for 30 days with a dropper of 16 drops/mL, preserved vehicle."""
    args: dict[str, Any] = {
        "dose": lc.mass("4.5 mg"),
        "doses_per_day": Decimal(1),
        "days_supply": 30,
        "source": api(),
        "calibration": calibration(),
        "vehicle": lc.VehicleLot(vehicle=lc.vehicle("nz-preserved"), lot="V1", expiry=EXP),
        "balance": BALANCE,
        "compounded_on": DAY,
    }
    return lc.DropsOrder(**(args | kw))


def troches(**kw: Any) -> lc.TrocheOrder:
    """30 x 1.5 mg troches from tablets in a PEG base (1200 mg blanks), once daily."""
    args: dict[str, Any] = {
        "dose": lc.mass("1.5 mg"),
        "count": 30,
        "source": tablets(),
        "dosage_form": lc.TrocheForm.TROCHE,
        "mold": lc.MoldCalibration(blank_weight=lc.mass("1200 mg"), blanks_weighed=24),
        "base": lc.BaseLot(base="peg", lot="P1", expiry=EXP),
        "balance": BALANCE,
        "compounded_on": DAY,
        "doses_per_day": Decimal(1),
    }
    return lc.TrocheOrder(**(args | kw))


#: name -> a function building the valid order of that preparation (keyword changes apply)
ORDERS = {"capsules": capsules, "liquid": liquid, "drops": drops, "troches": troches}
FORMULATE = {
    "capsules": lc.formulate_capsules,
    "liquid": lc.formulate_liquid,
    "drops": lc.formulate_drops,
    "troches": lc.formulate_troches,
}


def document(name: str) -> dict[str, Any]:
    """The order document of the valid order of preparation ``name``."""
    return lc.order_document(ORDERS[name]())


# --- command lines ----------------------------------------------------------------------------

_BALANCE_ARGS = ["--min-weight", "50 mg", "--readability", "1 mg"]
_TABLETS_ARGS = [
    "--source",
    "tablets",
    "--tablet-weight",
    "201.4 mg",
    "--tablets-weighed",
    "20",
    "--lot",
    "T1",
    "--expiry",
    "2028-01-01",
]
_API_ARGS = [
    "--source",
    "api",
    "--api-form",
    "hcl",
    "--assay",
    "99.5 %",
    "--assay-basis",
    "as-is",
    "--lot",
    "A1",
    "--expiry",
    "2028-01-01",
]

#: name -> the command line of the same valid order (the CLI fills no value the library
#: would not: the defaults are the library's)
COMMANDS: dict[str, list[str]] = {
    "capsules": [
        "capsules",
        "--dose",
        "4.5 mg",
        "--count",
        "30",
        "--doses-per-day",
        "1",
        *_TABLETS_ARGS,
        *_BALANCE_ARGS,
        "--compounded-on",
        "2026-11-21",
    ],
    "liquid": [
        "liquid",
        "--dose",
        "4.5 mg",
        "--doses-per-day",
        "1",
        "--days",
        "14",
        "--concentration",
        "2.5 mg/mL",
        *_API_ARGS,
        "--vehicle",
        "purified-water",
        "--vehicle-lot",
        "W1",
        "--vehicle-expiry",
        "2028-01-01",
        *_BALANCE_ARGS,
        "--compounded-on",
        "2026-11-21",
    ],
    "drops": [
        "drops",
        "--dose",
        "4.5 mg",
        "--doses-per-day",
        "1",
        "--days",
        "30",
        *_API_ARGS,
        "--calibration-drops",
        "40",
        "--calibration-volume",
        "2.5 mL",
        "--dropper",
        "dropper D7",
        "--vehicle",
        "nz-preserved",
        "--vehicle-lot",
        "V1",
        "--vehicle-expiry",
        "2028-01-01",
        *_BALANCE_ARGS,
        "--compounded-on",
        "2026-11-21",
    ],
    "troches": [
        "troches",
        "--dose",
        "1.5 mg",
        "--count",
        "30",
        "--doses-per-day",
        "1",
        "--form",
        "troche",
        *_TABLETS_ARGS,
        "--blank-weight",
        "1200 mg",
        "--blanks-count",
        "24",
        "--base",
        "peg",
        "--base-lot",
        "P1",
        "--base-expiry",
        "2028-01-01",
        *_BALANCE_ARGS,
        "--compounded-on",
        "2026-11-21",
    ],
}


def command(name: str, **changes: str | None) -> list[str]:
    """The command line of ``name`` with options changed (``None`` removes one); option names
    are written as flags: ``command("capsules", **{"--dose": "45 mg"})``."""
    args = list(COMMANDS[name])
    for flag, value in changes.items():
        if flag in args:
            i = args.index(flag)
            if value is None:
                del args[i : i + 2]
            else:
                args[i + 1] = value
        elif value is not None:
            args += [flag, value]
    return args


PHARMACY = lc.Pharmacy(name="Main Street Pharmacy", address="1 Main Street", phone="555-0100")


def label_order(**kw: Any) -> lc.LabelOrder:
    """A complete label order (patient, prescriber, pharmacy, Rx, record id); ``kw`` changes it."""
    args: dict[str, Any] = {
        "patient": "Jane Doe",
        "prescriber": "Dr A. Smith",
        "pharmacy": PHARMACY,
        "rx_number": "RX-1",
        "record_id": "CR-1",
        **kw,
    }
    return lc.LabelOrder(**args)
