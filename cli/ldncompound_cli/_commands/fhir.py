"""The ``fhir`` command: a result as a FHIR R4 Bundle (the library's ``to_fhir``)."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import click

import ldncompound as lc
from ldncompound_cli._common import _load_result, library_errors


@click.command()
@click.argument("result", type=click.File("rb"))
@click.option(
    "--label",
    "label_file",
    type=click.File("rb"),
    help="the label JSON `ldncompound label --format json` wrote for this result: "
    "its directions, Rx number and patient go into the dispense",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="write the Bundle to this file [default: standard output]",
)
@library_errors
def fhir(result: IO[bytes], label_file: IO[bytes] | None, output: Path | None) -> None:
    """A FHIR R4 Bundle for a result (the JSON a preparation command wrote; - for stdin).

    The Bundle (type collection) holds a Medication (dose form, ingredients with RxNorm
    codes and strengths per unit in UCUM, batch lot, expiration = beyond-use date) and a
    MedicationDispense (quantity, days' supply, date prepared, dosage instruction).
    """
    res = _load_result(result, "RESULT")
    label: Any = None
    if label_file is not None:
        label = _load_result(label_file, "--label")
        if not isinstance(label, lc.Label):
            raise lc.InputError(
                "--label: the file is not a label document; expected the JSON "
                "`ldncompound label --format json` wrote for one result.",
                field="--label",
                code="not-a-label",
            )
    text = lc.fhir_json(lc.to_fhir(res, label=label))
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
