"""The options capsules and troches share after their own: the weighing plan, the pharmacist's
dilution choices, the reference and acknowledgements (help defaults from ``_solid.POLICY``),
and their rows of the option -> document-path table."""

from __future__ import annotations

import click

from ldncompound._solid import POLICY
from ldncompound_cli._tables import Table, To, ratio

#: ``--max-stage-mass`` to ``--acknowledge``, in the order both commands list them
SOLID_PLAN_OPTIONS = (
    click.option(
        "--max-stage-mass",
        help=f"largest trituration stage [default: {POLICY['max_stage_mass'].value}]",
    ),
    click.option(
        "--trituration-ratio",
        help='dilution of every trituration stage, e.g. "1 in 10" [default: the minimal plan]',
    ),
    click.option(
        "--aliquot-mass", help='aliquot of the last trituration, e.g. "120 mg" [default: chosen]'
    ),
    click.option(
        "--rounding-tolerance",
        help="largest dose change from rounding weighings "
        f"[default: {POLICY['rounding_tolerance'].value}]",
    ),
    click.option(
        "--tablet-margin",
        help=f"extra tablet powder to crush [default: {POLICY['tablet_margin'].value}]",
    ),
    click.option("--reference", help="Rx or internal reference number"),
    click.option(
        "--acknowledge",
        multiple=True,
        help="acknowledge a blocked check by its code, e.g. dose-above-range",
    ),
)

#: the same options -> their paths in the capsule and troche order documents
SOLID_PLAN_TABLE: Table = {
    "max_stage_mass": To("max_stage_mass"),
    "trituration_ratio": To("trituration_ratio", value=ratio),
    "aliquot_mass": To("aliquot_mass"),
    "rounding_tolerance": To("rounding_tolerance"),
    "tablet_margin": To("tablet_margin"),
    "reference": To("reference"),
    "acknowledge": To("acknowledge"),
}
