"""The ``calibrate-dropper`` command, and the dropper calibration ``drops`` takes."""

from __future__ import annotations

from typing import Any

import click

import ldncompound as lc
from ldncompound_cli._common import FORMAT, _apply, _count, _emit, _require, _volume, library_errors

_CALIBRATION_HELP = (
    ("--calibration-drops", "drops of the preparation counted into the volume, e.g. 40"),
    ("--calibration-volume", 'the volume they filled, e.g. "2.5 mL"'),
    ("--dropper", "which dropper (it is dispensed with the drops)"),
)


def _calibration_options(suffix: str) -> tuple[Any, ...]:
    return tuple(click.option(flag, help=text + suffix) for flag, text in _CALIBRATION_HELP)


#: ``drops`` takes a calibration or --accept-nominal-dropper; ``calibrate-dropper`` needs all
#: three (its help says so; the refusal of a missing one is the library's sentence)
CALIBRATION_OPTIONS = _calibration_options("")
_REQUIRED_CALIBRATION_OPTIONS = _calibration_options(" [required]")


def _calibration(o: dict[str, Any]) -> lc.DropperCalibration | None:
    if o["calibration_drops"] is None and o["calibration_volume"] is None and o["dropper"] is None:
        return None
    if o["calibration_drops"] is None and o["calibration_volume"] is None:
        raise lc.InputError.about(
            "--dropper",
            o["dropper"],
            "names a dropper without its calibration",
            "--calibration-drops and --calibration-volume counted with that dropper, or no "
            "--dropper with --accept-nominal-dropper",
            code="dropper-without-calibration",
        )
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
@_apply(_REQUIRED_CALIBRATION_OPTIONS)
@FORMAT
@library_errors
def calibrate_dropper(**o: Any) -> None:
    """Drops per mL of a preparation from the dropper that will be dispensed."""
    calibration = _require(
        _calibration(o), "--calibration-drops", "with --calibration-volume and --dropper"
    )
    _emit(lc.calibration_result(calibration), o["fmt"])
