"""The ``drops`` command."""

from __future__ import annotations

from typing import Any

import click

import ldncompound as lc
from ldncompound_cli._common import PRINT_OPTIONS, _apply, _count, emit_sheet, library_errors

from .calibrate_dropper import CALIBRATION_OPTIONS, _calibration
from .liquid import LIQUID_OPTIONS, _liquid_fields


@click.command()
@_apply(LIQUID_OPTIONS)
@_apply(CALIBRATION_OPTIONS)
@click.option(
    "--accept-nominal-dropper",
    is_flag=True,
    help="use the nominal 20 drops per mL instead of a calibration (warned)",
)
@click.option("--max-drops", help="largest number of drops a dose [default: 20]")
@_apply(PRINT_OPTIONS)
@library_errors
def drops(**o: Any) -> None:
    """Sublingual drops with a dropper calibrated with the preparation."""
    order = lc.DropsOrder(
        **_liquid_fields(o),
        calibration=_calibration(o),
        accept_nominal_dropper=o["accept_nominal_dropper"],
        max_drops=_count(o["max_drops"], "--max-drops", 60),
    )
    result = lc.formulate_drops(order)
    emit_sheet(result, o, barcode=result.order.reference)
