"""The ``record`` command: a compounding record for a result."""

from __future__ import annotations

from typing import IO, Any

import click

import ldncompound as lc
from ldncompound_cli._common import (
    PRINT_OPTIONS,
    _apply,
    _load_result,
    _percent,
    emit_sheet,
    library_errors,
)

#: what ``--weighed`` takes: a weight, or a volume measured for a volume step
_WEIGHED = (lc.Dimension.MASS, lc.Dimension.VOLUME)


@click.command()
@click.argument("result", type=click.File("rb"))
@click.option("--record-id", required=True, help="Rx, order or lot number of the batch")
@click.option("--compounded-by", required=True)
@click.option("--verified-by")
@click.option(
    "--weighed",
    multiple=True,
    help=(
        'actual weight of a planned weighing: "NUMBER=AMOUNT", e.g. "1=601 mg"; the volume '
        'measured for a volume step (q.s. to final volume), e.g. "2=108 mL"'
    ),
)
@click.option(
    "--unit-weight", multiple=True, help="a measured unit (capsule) net weight; repeat for each"
)
@click.option("--yield", "yield_units", help="units actually made")
@click.option(
    "--batch",
    "kit_batch",
    help="for a titration kit: the number of the batch (capsule strength or fill) to record",
)
@click.option("--deviation", multiple=True, help="a deviation from the master formulation record")
@click.option("--container", default="tight, light-resistant container", show_default=True)
@click.option("--description", help="physical description of the finished preparation")
@click.option(
    "--weighing-tolerance",
    help="tolerance for actual weighings [default: the policy's 5 %; wider needs --acknowledge]",
)
@click.option(
    "--acknowledge",
    multiple=True,
    help='acknowledge a record check with a reason: "CODE=REASON", e.g. '
    '"weighing-tolerance-above-policy=viscous base, SOP 12"',
)
@_apply(PRINT_OPTIONS)
@library_errors
def record(result: IO[bytes], **o: Any) -> None:
    """A compounding record (with its master formulation record) for a result.

    Exits 1 (after writing the record, marked DO NOT RELEASE) when an actual weighing is
    out of tolerance, as ``verify`` does for a record with differences."""
    res = _load_result(result, "RESULT")
    if isinstance(res, lc.TitrationResult):
        if o["kit_batch"] is None:
            raise lc.InputError(
                f"--batch is required for a titration kit: the kit makes {len(res.batches)} "
                "batches, each recorded on its own (1 to "
                f"{len(res.batches)}).",
                field="--batch",
            )
        res = res.batch(lc.parse_count(o["kit_batch"], field="--batch", maximum=10_000))
    elif o["kit_batch"] is not None:
        raise lc.InputError(
            "--batch: the result is a single batch, not a titration kit; leave --batch out.",
            field="--batch",
        )
    actual = []
    for text in o["weighed"]:
        number, sep, amount = text.partition("=")
        if not sep:
            raise lc.InputError(
                f"--weighed: {text!r} is not NUMBER=AMOUNT; expected e.g. '1=601 mg'.",
                field="--weighed",
            )
        actual.append(
            lc.ActualWeighing(
                number=lc.parse_count(number.strip(), field="--weighed number", maximum=100),
                # a mass, or the volume measured for a volume step (q.s. to final volume):
                # the record checks it against its step's planned amount and tolerance
                amount=lc.parse_quantity(amount, field="--weighed amount", dimension=_WEIGHED),
            )
        )
    acknowledged = []
    for text in o["acknowledge"]:
        code, sep, reason = text.partition("=")
        if not sep:
            raise lc.InputError(
                f"--acknowledge: {text!r} is not CODE=REASON; expected e.g. "
                "'weighing-tolerance-above-policy=viscous base, SOP 12'.",
                field="--acknowledge",
            )
        acknowledged.append(lc.Acknowledgement(code=code.strip(), reason=reason.strip()))
    rec = lc.make_record(
        res,
        record_id=o["record_id"],
        compounded_by=o["compounded_by"],
        verified_by=o["verified_by"],
        actual_weighings=tuple(actual),
        unit_weights=tuple(lc.mass(w, field="--unit-weight") for w in o["unit_weight"]),
        yield_units=None
        if o["yield_units"] is None
        else lc.parse_count(o["yield_units"], field="--yield", allow_zero=True),
        deviations=tuple(o["deviation"]),
        container=o["container"],
        description=o["description"],
        weighing_tolerance=_percent(o["weighing_tolerance"], "--weighing-tolerance"),
        acknowledge=tuple(acknowledged),
    )
    emit_sheet(rec, o, barcode=rec.record_id)
    if any(w.code == "do-not-release" for w in rec.warnings):
        raise SystemExit(1)  # do not release: like `verify` with differences
