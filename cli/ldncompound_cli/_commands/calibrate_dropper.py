"""The ``calibrate-dropper`` command, and the dropper calibration ``drops`` takes."""

from __future__ import annotations

from typing import Any

import click

import ldncompound as lc
from ldncompound_cli._common import FORMAT, _apply, _count, _emit, _require, _volume, library_errors

CALIBRATION_OPTIONS = (
    click.option(
        "--calibration-drops", help="drops of the preparation counted into the volume, e.g. 40"
    ),
    click.option("--calibration-volume", help='the volume they filled, e.g. "2.5 mL"'),
    click.option("--dropper", help="which dropper (it is dispensed with the drops)"),
)


def _calibration(o: dict[str, Any]) -> lc.DropperCalibration | None:
    if o["calibration_drops"] is None and o["calibration_volume"] is None and o["dropper"] is None:
        return None
    return lc.calibrate_dropper(
        drops=_require(
            _count(o["calibration_drops"], "--calibration-drops", 1000),
            "--calibration-drops",
            "to calibrate the dropper",
        ),
        volume=_require(
            _volume(o["calibration_volume"], "--calibration-volume"),
            "--calibration-volume",
            "to calibrate the dropper",
        ),
        dropper=_require(o["dropper"], "--dropper", "to name the dropper that is dispensed"),
    )


@click.command("calibrate-dropper")
@_apply(CALIBRATION_OPTIONS)
@FORMAT
@library_errors
def calibrate_dropper(**o: Any) -> None:
    """Drops per mL of a preparation from the dropper that will be dispensed."""
    calibration = _calibration(o)
    _emit(
        _require(calibration, "--calibration-drops", "with --calibration-volume and --dropper"),
        o["fmt"],
    )
