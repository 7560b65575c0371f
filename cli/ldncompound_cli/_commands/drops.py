"""The ``drops`` command."""

from __future__ import annotations

from typing import Any

import click

import ldncompound as lc
from ldncompound._drops import MAX_DROPS
from ldncompound_cli._common import BRIEF, PRINT_OPTIONS, _apply, emit_sheet, library_errors
from ldncompound_cli._profile import PROFILE_OPTIONS, prepared
from ldncompound_cli._tables import (
    Group,
    Table,
    To,
    count,
    flag,
    group,
    mass,
    naming,
    option_flags,
    renaming,
)

from .calibrate_dropper import CALIBRATION_OPTIONS, _calibration
from .liquid import LIQUID_OPTIONS, LIQUID_TABLE, liquid_order

#: every option of `drops` -> its path in the drops order document
TABLE: Table = {
    **LIQUID_TABLE,
    **group(
        Group(
            "calibration",
            ("calibration_drops", "calibration_volume", "dropper"),
            _calibration,
            names={
                "calibration.drops": "calibration_drops",
                "calibration.volume": "calibration_volume",
                "calibration.dropper": "dropper",
            },
        )
    ),
    "accept_nominal_dropper": To("accept_nominal_dropper", value=flag(True)),  # noqa: FBT003
    "max_drops": To("max_drops", value=count(60)),
    "dose_per_drop": To("dose_per_drop", value=mass),
}


@click.command()
@_apply(LIQUID_OPTIONS)
@_apply(CALIBRATION_OPTIONS)
@click.option(
    "--accept-nominal-dropper",
    is_flag=True,
    help="use the nominal 20 drops per mL instead of a calibration (warned)",
)
@click.option("--max-drops", help=f"largest number of drops a dose [default: {MAX_DROPS}]")
@click.option(
    "--dose-per-drop",
    help='drug in one drop, e.g. "0.5 mg": sets the concentration from the calibration',
)
@_apply(PRINT_OPTIONS)
@_apply(PROFILE_OPTIONS)
@BRIEF
@library_errors
def drops(**o: Any) -> None:
    """Sublingual drops with a dropper calibrated with the preparation."""
    with renaming(naming(TABLE, option_flags(drops), o.get("source_kind"))):
        result = prepared("drops", o, build_order, lc.formulate_drops)
    emit_sheet(result, o, barcode=result.order.reference)


def build_order(o: dict[str, Any]) -> lc.DropsOrder:
    """The drops order the options describe."""
    order: lc.DropsOrder = liquid_order(o, "ldncompound/order/drops/1", TABLE, drops)
    return order
