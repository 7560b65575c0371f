"""The ``capsules`` command (and the capsule order a capsule titration kit repeats)."""

from __future__ import annotations

from typing import Any

import click

import ldncompound as lc
from ldncompound._capsules import _default_filler
from ldncompound._solid import POLICY
from ldncompound_cli._common import BRIEF, FORMS, PRINT_OPTIONS, _apply, emit_sheet, library_errors
from ldncompound_cli._options import (
    BALANCE_OPTIONS,
    BALANCE_TABLE,
    DENSITY_TABLE,
    SOURCE_OPTIONS,
    SOURCE_TABLE,
    balance_rule,
    check_source,
)
from ldncompound_cli._profile import PROFILE_OPTIONS, prepared
from ldncompound_cli._solid_options import SOLID_PLAN_OPTIONS, SOLID_PLAN_TABLE
from ldncompound_cli._tables import (
    Table,
    To,
    build_document,
    count,
    decimal,
    load,
    mass,
    naming,
    option_flags,
    renaming,
)

SCHEMA = "ldncompound/order/capsules/1"

#: every option of `capsules` -> its path in the capsule order document
TABLE: Table = {
    "dose": To("dose", value=mass),
    "count": To("count", value=count(10_000)),
    "dose_basis": To("dose_basis"),
    "doses_per_day": To("doses_per_day", value=decimal(24)),
    **SOURCE_TABLE,
    **DENSITY_TABLE,
    "filler_key": To("filler.filler", also=("filler",)),
    "filler_lot": To("filler.lot"),
    "filler_expiry": To("filler.expiry"),
    "pack_stat": To("filler.pack_stat.filler_per_capsule", also=("filler.pack_stat",)),
    "pack_stat_size": To("filler.pack_stat.size", required="with --pack-stat"),
    "pack_stat_method": To("filler.pack_stat.method"),
    "filler_density": To("filler.density"),
    "size": To("size"),
    "active_pack_stat": To("active_pack_stat.per_capsule", also=("active_pack_stat",)),
    "active_pack_stat_size": To("active_pack_stat.size", required="with --active-pack-stat"),
    "shell_volume": To(
        "shell_volumes",
        also=("shell_volumes[].volume", "shell_volumes[].size"),
        value=lambda given, option: _shell_volumes(given, option),  # noqa: PLW0108 - defined below
    ),
    "method": To("method"),
    "fill_weight": To("fill_weight"),
    "overage": To("overage"),
    "drug_loss": To("drug_loss_allowance"),
    **BALANCE_TABLE,
    "shell_weight": To("shells.weight"),
    "shell_material": To("shells.material"),
    "shell_lot": To("shells.lot"),
    "shell_expiry": To("shells.expiry"),
    "compounded_on": To("compounded_on"),
    "storage": To("storage", also=("study.storage",)),
    "day_count": To("day_count"),
    "qc_sample": To("qc_sample", value=count(100)),
    **SOLID_PLAN_TABLE,
}


@click.command()
@click.option("--dose", required=True, help='dose per capsule, e.g. "4.5 mg" or "500 mcg"')
@click.option("--count", required=True, help="capsules to dispense")
@click.option(
    "--dose-basis", type=FORMS, help="form the dose is stated in [default: naltrexone HCl]"
)
@click.option("--doses-per-day", help="doses a day, for the daily-dose and days'-supply checks")
@_apply(SOURCE_OPTIONS)
@click.option(
    "--filler",
    "filler_key",
    type=click.Choice([f.key for f in lc.FILLERS]),
    help="filler [default: mcc]",
)
@click.option("--filler-lot", help="filler lot")
@click.option("--filler-expiry", help="filler expiry, YYYY-MM-DD")
@click.option("--pack-stat", help='measured mg of filler that fills one capsule, e.g. "98 mg"')
@click.option("--pack-stat-size", help="capsule size the pack stat was measured in")
@click.option(
    "--pack-stat-method", help='how the pack stat capsules were filled, e.g. "tamped, 3 passes"'
)
@click.option("--filler-density", help='measured filler density, e.g. "0.42 g/mL"')
@click.option(
    "--active-pack-stat",
    help='measured mg of the drug material that fills one capsule, e.g. "250 mg"',
)
@click.option("--active-pack-stat-size", help="capsule size the active's pack stat was measured in")
@click.option(
    "--shell-volume",
    multiple=True,
    help='a supplier\'s capsule volume as SIZE=VOLUME, e.g. "00=0.91 mL" (repeatable)',
)
@click.option(
    "--size",
    type=click.Choice([s.code for s in lc.CAPSULE_SIZES]),
    help="capsule size [default: chosen]",
)
@click.option(
    "--method",
    type=click.Choice(["capacity", "fixed-weight"]),
    help="fill to capacity, or q.s. to --fill-weight",
)
@click.option("--fill-weight", help="net fill weight per capsule for --method fixed-weight")
@click.option("--overage", help='extra of the whole batch, e.g. "10 %"')
@click.option("--drug-loss", help="drug-only loss allowance (off unless given)")
@_apply(BALANCE_OPTIONS)
@click.option("--shell-weight", help="measured average empty-shell weight")
@click.option("--shell-material", default=None, help="shell material [default: gelatin]")
@click.option("--shell-lot", help="shell lot")
@click.option("--shell-expiry", help="shell expiry, YYYY-MM-DD")
@click.option("--compounded-on", help="compounding date [default: today]")
@click.option(
    "--storage", type=click.Choice(["room", "refrigerator"]), help="storage [default: room]"
)
@click.option(
    "--day-count", type=click.Choice(["day-1", "day-0"]), help="BUD day counting [default: day-1]"
)
@click.option(
    "--qc-sample", help=f"capsules to weigh for QC [default: {POLICY['qc_sample'].value}]"
)
@_apply(SOLID_PLAN_OPTIONS)
@_apply(PRINT_OPTIONS)
@_apply(PROFILE_OPTIONS)
@BRIEF
@library_errors
def capsules(**o: Any) -> None:
    """Capsules from API powder, crushed tablets or a trituration stock."""
    with renaming(names(o)):
        result = prepared("capsules", o, build_order, lc.formulate_capsules)
    emit_sheet(result, o, barcode=result.order.reference)


def names(o: dict[str, Any]) -> dict[str, str]:
    """Document path (and the library's names) -> option, for this command's messages."""
    return naming(TABLE, option_flags(capsules), o.get("source_kind"))


def build_order(o: dict[str, Any]) -> lc.CapsuleOrder:
    """The capsule order the options describe."""
    return capsule_order(o)


def capsule_order(o: dict[str, Any], **fixed: Any) -> lc.CapsuleOrder:
    """The capsule order the capsule options describe (``fixed``: document paths set by the
    caller, as a titration kit sets the dose and count of its template)."""
    with renaming(names(o)):
        check_source(o)
        if o["pack_stat"] is None and (
            o["pack_stat_size"] is not None or o["pack_stat_method"] is not None
        ):
            raise lc.InputError(
                "--pack-stat-size and --pack-stat-method need --pack-stat.", field="--pack-stat"
            )
        if o.get("active_pack_stat") is None and o.get("active_pack_stat_size") is not None:
            raise lc.InputError(
                "--active-pack-stat-size needs --active-pack-stat.", field="--active-pack-stat"
            )
        document = build_document(
            SCHEMA,
            TABLE,
            o,
            option_flags(capsules),
            kind=o["source_kind"],
            fixed=balance_rule(o) | fixed,
        )
        filler = document.get("filler")
        if filler is not None:  # a filler lot without --filler: the library's default filler
            filler.setdefault("filler", _default_filler().filler)
        order: lc.CapsuleOrder = load(document)
    return order


def _shell_volumes(given: Any, option: str) -> list[dict[str, str]] | None:
    """A supplier's shell volumes, SIZE=VOLUME each (the document's ``shell_volumes``)."""
    if not given:
        return None
    known = [s.code for s in lc.CAPSULE_SIZES]
    out = []
    for text in given:
        code, sep, volume = text.partition("=")
        if not sep or code.strip() not in known:
            raise lc.InputError.about(
                option,
                text,
                "is not SIZE=VOLUME with a capsule size",
                f'e.g. "00=0.91 mL", the size one of {", ".join(known)}',
                code="malformed",
            )
        lc.volume(volume, field=option)
        out.append({"size": code.strip(), "volume": volume.strip()})
    return out
