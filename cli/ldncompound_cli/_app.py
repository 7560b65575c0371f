"""The click application. It parses arguments, calls the library and prints: no formulas.

Every option value is text handed to the library's own parsers with the option's name as
the field, so a refused value is reported as one sentence naming the option. Library input
errors become usage errors (exit 2); other library errors exit 1; neither prints a traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sys
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import click

import ldncompound as lc

from ._profile import PROFILE_OPTIONS, profiled

F = TypeVar("F", bound=Callable[..., Any])

#: Library field names -> the option that sets them (for error messages).
FLAGS: dict[str, str] = {
    "dose": "--dose",
    "count": "--count",
    "dose_basis": "--dose-basis",
    "doses_per_day": "--doses-per-day",
    "api.assay": "--assay",
    "api.assay_as": "--assay-as",
    "api.water_content": "--water",
    "api.loss_on_drying": "--loss-on-drying",
    "api.lot": "--lot",
    "api.bulk_density": "--source-density",
    "form": "--api-form",
    "tablets.average_weight": "--tablet-weight",
    "tablets.product": "--tablet-product",
    "tablets.strength": "--tablet-strength",
    "tablets.lot": "--lot",
    "tablets.tablets_weighed": "--tablets-weighed",
    "tablets.powder_density": "--source-density",
    "stock.strength": "--stock-strength",
    "stock.diluent": "--stock-diluent",
    "stock.lot": "--lot",
    "stock.made_on": "--stock-made-on",
    "filler": "--filler",
    "filler.density": "--filler-density",
    "filler.lot": "--filler-lot",
    "filler.pack_stat.method": "--pack-stat-method",
    "shells.material": "--shell-material",
    "shells.lot": "--shell-lot",
    "tablets.allergens_declared": "--tablet-allergen",
    "filler.pack_stat": "--pack-stat",
    "size": "--size",
    "fill_weight": "--fill-weight",
    "overage": "--overage",
    "drug_loss_allowance": "--drug-loss",
    "balance.readability": "--readability",
    "balance.minimum_weight": "--min-weight",
    "balance.sensitivity": "--sensitivity",
    "balance.max_error": "--max-error",
    "shells.weight": "--shell-weight",
    "storage": "--storage",
    "qc_sample": "--qc-sample",
    "max_stage_mass": "--max-stage-mass",
    "rounding_tolerance": "--rounding-tolerance",
    "tablet_margin": "--tablet-margin",
    "active.expiry": "--expiry",
    "source": "--source",
    "days_supply": "--days",
    "volume": "--volume",
    "concentration": "--concentration",
    "syringe": "--syringe",
    "device.capacity": "--syringe-capacity",
    "device.graduation": "--syringe-graduation",
    "vehicle": "--vehicle",
    "vehicle.name": "--vehicle-name",
    "vehicle.preservative": "--preservative",
    "vehicle.water_activity_basis": "--water-activity-basis",
    "vehicle.lot": "--vehicle-lot",
    "vehicle.expiry": "--vehicle-expiry",
    "flavour.expiry": "--flavour-expiry",
    "preservative.expiry": "--added-preservative-expiry",
    "additive.name": "--flavour",
    "additive.lot": "--flavour-lot",
    "aliquot_volume": "--aliquot-volume",
    "solubility": "--solubility",
    "measurable_fraction": "--measurable-fraction",
    "dose_tolerance": "--dose-tolerance",
    "calibration": "--calibration-drops",
    "calibration.drops": "--calibration-drops",
    "calibration.volume": "--calibration-volume",
    "calibration.dropper": "--dropper",
    "accept_nominal_dropper": "--accept-nominal-dropper",
    "max_drops": "--max-drops",
    "study": "--study-reference",
    "study.reference": "--study-reference",
    "study.days": "--study-days",
    "study.storage": "--storage",
    "study.matches_formula_vehicle_container": "--study-confirmed",
    "filler.expiry": "--filler-expiry",
    "shells.expiry": "--shell-expiry",
    "unit_weights": "--unit-weight",
    "record_id": "--record-id",
    "compounded_by": "--compounded-by",
    "verified_by": "--verified-by",
    "yield_units": "--yield",
    "actual_weighings": "--weighed",
    "weighing_tolerance": "--weighing-tolerance",
    "acknowledge.code": "--acknowledge",
    "acknowledge.reason": "--acknowledge",
    "patient": "--patient",
    "prescriber": "--prescriber",
    "rx_number": "--rx",
    "directions": "--directions",
    "timing": "--timing",
    "pharmacy.name": "--pharmacy-name",
    "pharmacy.address": "--pharmacy-address",
    "pharmacy.phone": "--pharmacy-phone",
    "width": "--width",
    "protocol": "--protocol",
    "maintenance": "--maintenance",
    "steps[].dose": "--step",
    "maintenance_days": "--maintenance-days",
    "route": "--route",
    "mold.blank_weight": "--blank-weight",
    "mold.total": "--blanks-total",
    "mold.blanks_weighed": "--blanks-count",
    "mold.cavities": "--cavities",
    "mold.cavity_volume": "--cavity-volume",
    "mold.base_lot": "--mold-base-lot",
    "mold.mold": "--mold-name",
    "base": "--base",
    "base.base": "--base",
    "base.name": "--base-name",
    "base.contains_water": "--base-water",
    "base.preservative": "--base-preservative",
    "base.lot": "--base-lot",
    "base.expiry": "--base-expiry",
    "base.density": "--base-density",
    "ingredients": "--ingredient",
    "ingredients[].amount": "--ingredient",
    "ingredients[].expiry": "--ingredient",
    "ingredients[].displacement": "--ingredient",
    "drug_displacement": "--drug-displacement",
    "diluent": "--diluent",
    "diluent.expiry": "--diluent",
    "diluent.displacement": "--diluent",
    "weight_window": "--weight-window",
    "acknowledge": "--acknowledge",
    "reference": "--reference",
    "compounded_on": "--compounded-on",
    "start": "--start",
    "page": "--page",
}


def _flagged(err: lc.LdnCompoundError, overrides: dict[str, str] | None = None) -> str:
    message = err.message
    field = err.field or ""
    flags = FLAGS | (overrides or {})
    # a repeated option's items are numbered (ingredients[2].amount): one flag for them all
    flag = flags.get(field) or flags.get(re.sub(r"\[[0-9]+\]", "[]", field))
    if flag and (message.startswith((f"{field}:", f"{field} "))):
        return flag + message[len(field) :]
    return message


def library_errors(fn: F) -> F:
    """Turn library errors into click errors: input errors exit 2, others exit 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except lc.InputError as err:
            raise click.UsageError(_flagged(err)) from None
        except lc.LdnCompoundError as err:
            raise click.ClickException(_flagged(err)) from None

    return wrapper  # type: ignore[return-value]


def _mass(text: str | None, flag: str) -> lc.Quantity | None:
    return None if text is None else lc.mass(text, field=flag)


def _percent(text: str | None, flag: str) -> lc.Quantity | None:
    return None if text is None else lc.percent(text, field=flag)


def _density(text: str | None, flag: str) -> lc.Quantity | None:
    return None if text is None else lc.density(text, field=flag)


def _date(text: str | None, flag: str) -> dt.date | None:
    return None if text is None else lc.parse_date(text, field=flag)


def _count(text: str | None, flag: str, maximum: int = 100_000) -> int | None:
    return None if text is None else lc.parse_count(text, field=flag, maximum=maximum)


def _require(value: Any, flag: str, why: str) -> Any:
    if value is None:
        raise lc.InputError(f"{flag} is required {why}.", field=flag, expected=why)
    return value


def _emit(result: Any, fmt: str) -> None:
    if fmt == "json":
        click.echo(lc.dumps(result))
    else:
        click.echo(lc.render_worksheet(result), nl=False)


FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text worksheet or the documented JSON result",
)
PRINT_OPTIONS = (
    click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json", "pdf"]),
        default="text",
        show_default=True,
        help="text worksheet, the documented JSON result, or the worksheet as a PDF (--output)",
    ),
    click.option(
        "--output",
        help="file to write the PDF to (required with --format pdf; - for standard output)",
    ),
    click.option(
        "--paper",
        type=click.Choice(["a4", "letter"]),
        default="a4",
        show_default=True,
        help="paper size of the PDF worksheet or record",
    ),
)


def write_pdf(path: str, data: bytes) -> None:
    """Write a finished PDF (nothing is written when the PDF was refused)."""
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        with open(path, "wb") as out:  # noqa: PTH123 - click gives a str path
            out.write(data)
    except (OSError, ValueError) as err:  # a missing folder, a directory, a NUL in the name
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise lc.InputError.about(
            "--output",
            path,
            f"cannot be written ({reason})",
            "a file name in a folder that can be written to",
            code="cannot-write",
        ) from None


def pdf_output(o: dict[str, Any]) -> str | None:
    """The --output file of a PDF; refused when missing, and for the text and JSON formats."""
    if o["fmt"] != "pdf":
        if o["output"] is not None:
            raise lc.InputError(
                "--output is for --format pdf; text and JSON go to standard output.",
                field="--output",
                code="output-needs-pdf",
            )
        return None
    if o["output"] is None:
        raise lc.InputError(
            "--output is required with --format pdf: the file to write the PDF to (- for "
            "standard output).",
            field="--output",
            code="missing",
        )
    return str(o["output"])


def emit_sheet(document: Any, o: dict[str, Any], *, barcode: str | None) -> None:
    """Print ``document``'s worksheet as text, JSON or (--format pdf) a PDF with a barcode."""
    output = pdf_output(o)
    if output is None:
        _emit(document, o["fmt"])
        return
    from ._pdf import worksheet_pdf  # noqa: PLC0415 - the PDF libraries load only to print

    write_pdf(output, worksheet_pdf(document, paper=o["paper"], record_id=barcode))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(lc.__version__, prog_name="ldncompound")
def cli() -> None:
    """Unit-safe compounding arithmetic for low-dose naltrexone.

    Amounts are written as a number and a unit ("4.5 mg", "500 mcg", "99.5 %"); dates as
    YYYY-MM-DD. Anything else is refused with a sentence naming the option.
    """


def _balance(
    min_weight: str | None,
    readability: str | None,
    sensitivity: str | None,
    max_error: str | None,
    usp41: bool,
    class_iii: bool,
) -> lc.Balance | None:
    chosen = sum([min_weight is not None, sensitivity is not None, usp41, class_iii])
    if chosen > 1:
        raise lc.InputError(
            "--min-weight, --sensitivity, --usp41 and --class-iii each choose the balance rule; give only one.",
            field="balance",
        )
    if class_iii:
        if readability is not None:
            raise lc.InputError(
                "--readability: the --class-iii preset fixes the readability at 10 mg; drop one of the two.",
                field="--readability",
            )
        return lc.Balance.class_iii()
    if chosen == 0:
        if readability is not None:
            raise lc.InputError(
                "--readability needs a rule: add --min-weight, --sensitivity with --max-error, or --usp41.",
                field="--readability",
            )
        return None
    d = _require(_mass(readability, "--readability"), "--readability", "with a balance rule")
    if min_weight is not None:
        return lc.Balance.documented(
            minimum_weight=lc.mass(min_weight, field="--min-weight"), readability=d
        )
    if sensitivity is not None:
        err = _require(_percent(max_error, "--max-error"), "--max-error", "with --sensitivity")
        return lc.Balance.torsion(
            sensitivity=lc.mass(sensitivity, field="--sensitivity"), max_error=err, readability=d
        )
    return lc.Balance.usp41(readability=d)


def _source(
    kind: str, *, lot: str | None, expiry: dt.date | None, opts: dict[str, Any]
) -> lc.Source:
    expiry = _require(
        expiry, "--expiry", f"for the {kind} source (its expiry or, for a stock, its BUD)"
    )
    if kind == "api":
        return lc.ApiLot(
            form=_require(opts["api_form"], "--api-form", "for an API source"),
            assay=_require(_percent(opts["assay"], "--assay"), "--assay", "for an API source"),
            assay_basis=lc.AssayBasis(
                _require(opts["assay_basis"], "--assay-basis", "for an API source")
            ),
            assay_as=opts["assay_as"],
            water_content=_percent(opts["water"], "--water"),
            loss_on_drying=_percent(opts["loss_on_drying"], "--loss-on-drying"),
            bulk_density=_density(opts.get("source_density"), "--source-density"),
            lot=lot,
            expiry=expiry,
        )
    if kind == "tablets":
        allergens: tuple[str, ...] | None = None
        if opts["no_tablet_allergens"]:
            if opts["tablet_allergen"]:
                raise lc.InputError(
                    "--no-tablet-allergens contradicts --tablet-allergen; give one of them.",
                    field="--no-tablet-allergens",
                )
            allergens = ()
        elif opts["tablet_allergen"]:
            allergens = tuple(opts["tablet_allergen"])
        return lc.TabletSource(
            average_weight=_require(
                _mass(opts["tablet_weight"], "--tablet-weight"),
                "--tablet-weight",
                "(the measured average tablet weight) for a tablet source",
            ),
            strength=_mass(opts["tablet_strength"], "--tablet-strength"),
            strength_basis=opts["tablet_basis"],
            tablets_weighed=_count(opts["tablets_weighed"], "--tablets-weighed", 1000),
            product=opts["tablet_product"],
            allergens_declared=allergens,
            powder_density=_density(opts.get("source_density"), "--source-density"),
            lot=lot,
            expiry=expiry,
        )
    return lc.TriturationStock(
        strength=_require(
            _percent(opts["stock_strength"], "--stock-strength"),
            "--stock-strength",
            "for a stock source",
        ),
        diluent=_require(opts["stock_diluent"], "--stock-diluent", "for a stock source"),
        strength_basis=opts["stock_basis"],
        made_on=_date(opts["stock_made_on"], "--stock-made-on"),
        lot=lot,
        bud=expiry,
    )


FORMS = click.Choice(["hcl", "hcl-dihydrate", "base"])


def _apply(options: tuple[Callable[[Any], Any], ...]) -> Callable[[F], F]:
    """Apply a shared group of click options in the order listed."""

    def wrap(fn: F) -> F:
        for option in reversed(options):
            fn = option(fn)
        return fn

    return wrap


def _source_kind(*kinds: str, note: str = "") -> Callable[[Any], Any]:
    return click.option(
        "--source",
        "source_kind",
        type=click.Choice(list(kinds)),
        required=True,
        help="where the drug comes from" + note,
    )


def _lot_options(expiry_help: str) -> tuple[Any, ...]:
    return (
        click.option("--lot", help="lot number of the drug source"),
        click.option("--expiry", help=expiry_help),
    )


LOT_OPTIONS = _lot_options("expiry of the drug source (for a stock: its BUD), YYYY-MM-DD")
#: liquids take API or tablets only: no stock, so no stock BUD to offer
LIQUID_LOT_OPTIONS = _lot_options("expiry of the drug source, YYYY-MM-DD")
API_OPTIONS = (
    click.option("--api-form", type=FORMS, help="API: form in the jar"),
    click.option("--assay", help='API: assay, e.g. "99.5 %"'),
    click.option(
        "--assay-basis",
        type=click.Choice(["as-is", "anhydrous", "dried"]),
        help="API: basis of the assay",
    ),
    click.option("--assay-as", type=FORMS, help="API: form the assay is expressed as"),
    click.option(
        "--water",
        help='API: water content (Karl Fischer), for an anhydrous-basis assay, e.g. "8.7 %"',
    ),
    click.option("--loss-on-drying", help="API: loss on drying, for a dried-basis assay"),
)
TABLET_OPTIONS = (
    click.option(
        "--tablet-weight", help='tablets: measured average tablet weight, e.g. "201.4 mg"'
    ),
    click.option("--tablets-weighed", help="tablets: how many tablets the average comes from"),
    click.option("--tablet-strength", help="tablets: labelled strength [default: 50 mg]"),
    click.option(
        "--tablet-basis", type=FORMS, help="tablets: form of the labelled strength [default: HCl]"
    ),
    click.option("--tablet-product", help="tablets: product name and maker"),
    click.option(
        "--tablet-allergen",
        multiple=True,
        help="tablets: declared allergen (repeatable) [default: lactose]",
    ),
    click.option(
        "--no-tablet-allergens", is_flag=True, help="tablets: the product declares no allergens"
    ),
)
STOCK_OPTIONS = (
    click.option("--stock-strength", help='stock: drug share of the mixture, e.g. "10 %" for 1:10'),
    click.option("--stock-diluent", help="stock: the diluent it was made with"),
    click.option("--stock-basis", type=FORMS, help="stock: form of the stated strength"),
    click.option("--stock-made-on", help="stock: date it was made"),
)
DENSITY_OPTIONS = (
    click.option("--source-density", help="bulk density of the drug material, if measured (g/mL)"),
)
SOURCE_OPTIONS = (
    _source_kind("api", "tablets", "stock"),
    *LOT_OPTIONS,
    *API_OPTIONS,
    *TABLET_OPTIONS,
    *STOCK_OPTIONS,
    *DENSITY_OPTIONS,
)
#: troches: a bulk density plays no part in a melt (displacement uses density factors)
TROCHE_SOURCE_OPTIONS = (
    _source_kind("api", "tablets", "stock"),
    *LOT_OPTIONS,
    *API_OPTIONS,
    *TABLET_OPTIONS,
    *STOCK_OPTIONS,
)
BALANCE_OPTIONS = (
    click.option("--min-weight", help="balance: documented minimum weight (with --readability)"),
    click.option("--readability", help='balance: readability, e.g. "1 mg"'),
    click.option(
        "--sensitivity", help="torsion balance: sensitivity requirement (with --max-error)"
    ),
    click.option("--max-error", help='torsion balance: largest error allowed, e.g. "5 %"'),
    click.option(
        "--usp41", is_flag=True, help="balance: minimum weight 820 x readability (USP <41>)"
    ),
    click.option(
        "--class-iii", is_flag=True, help="balance: Class III torsion preset (120 mg, 10 mg)"
    ),
)


@cli.command()
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
@click.option("--qc-sample", help="capsules to weigh for QC [default: 10]")
@click.option("--max-stage-mass", help="largest trituration stage [default: 10 g]")
@click.option(
    "--rounding-tolerance", help="largest dose change from rounding weighings [default: 0.5 %]"
)
@click.option("--tablet-margin", help="extra tablet powder to crush [default: 5 %]")
@click.option("--reference", help="Rx or internal reference number")
@click.option(
    "--acknowledge",
    multiple=True,
    help="acknowledge a blocked check by its code, e.g. dose-above-range",
)
@_apply(PRINT_OPTIONS)
@_apply(PROFILE_OPTIONS)
@library_errors
def capsules(**o: Any) -> None:
    """Capsules from API powder, crushed tablets or a trituration stock."""
    order = profiled(
        "capsules",
        o,
        lambda o: capsule_order(
            o,
            dose=lc.mass(o["dose"], field="--dose"),
            count=lc.parse_count(o["count"], field="--count", maximum=10_000),
        ),
    )
    result = lc.formulate_capsules(order)
    emit_sheet(result, o, barcode=result.order.reference)


def capsule_order(o: dict[str, Any], *, dose: lc.Quantity, count: int) -> lc.CapsuleOrder:
    """The capsule order the capsule options describe (also the template of a titration kit)."""
    source = _source(o["source_kind"], lot=o["lot"], expiry=_date(o["expiry"], "--expiry"), opts=o)
    pack_stat = None
    if o["pack_stat"] is not None:
        pack_stat = lc.PackStat(
            size=_require(o["pack_stat_size"], "--pack-stat-size", "with --pack-stat"),
            filler_per_capsule=_mass(o["pack_stat"], "--pack-stat"),  # type: ignore[arg-type]
            method=o["pack_stat_method"],
        )
    elif o["pack_stat_size"] is not None or o["pack_stat_method"] is not None:
        raise lc.InputError(
            "--pack-stat-size and --pack-stat-method need --pack-stat.", field="--pack-stat"
        )
    filler = None
    if (
        any(
            o[k] is not None
            for k in ("filler_key", "filler_lot", "filler_expiry", "filler_density")
        )
        or pack_stat
    ):
        filler = lc.FillerLot(
            filler=o["filler_key"] or "mcc",
            lot=o["filler_lot"],
            expiry=_date(o["filler_expiry"], "--filler-expiry"),
            pack_stat=pack_stat,
            density=_density(o["filler_density"], "--filler-density"),
        )
    shells = None
    if any(
        o[k] is not None for k in ("shell_weight", "shell_material", "shell_lot", "shell_expiry")
    ):
        shells = lc.ShellLot(
            material=o["shell_material"] or "gelatin",
            lot=o["shell_lot"],
            expiry=_date(o["shell_expiry"], "--shell-expiry"),
            weight=_mass(o["shell_weight"], "--shell-weight"),
        )
    per_day = o["doses_per_day"]
    return lc.CapsuleOrder(
        dose=dose,
        count=count,
        source=source,
        filler=filler,
        dose_basis=o["dose_basis"],
        method=lc.CapsuleMethod(o["method"]) if o["method"] else None,
        size=o["size"],
        fill_weight=_mass(o["fill_weight"], "--fill-weight"),
        overage=_percent(o["overage"], "--overage"),
        drug_loss_allowance=_percent(o["drug_loss"], "--drug-loss"),
        balance=_balance(
            o["min_weight"],
            o["readability"],
            o["sensitivity"],
            o["max_error"],
            o["usp41"],
            o["class_iii"],
        ),
        shells=shells,
        compounded_on=_date(o["compounded_on"], "--compounded-on"),
        storage=lc.Storage(o["storage"]) if o["storage"] else None,
        day_count=lc.DayCount(o["day_count"]) if o["day_count"] else None,
        doses_per_day=None
        if per_day is None
        else lc.parse_decimal(
            per_day, field="--doses-per-day", maximum=lc.parse_decimal("24", field="max")
        ),
        qc_sample=_count(o["qc_sample"], "--qc-sample", 100),
        max_stage_mass=_mass(o["max_stage_mass"], "--max-stage-mass"),
        rounding_tolerance=_percent(o["rounding_tolerance"], "--rounding-tolerance"),
        tablet_margin=_percent(o["tablet_margin"], "--tablet-margin"),
        acknowledge=tuple(o["acknowledge"]),
        reference=o["reference"],
    )


def _volume(text: str | None, flag: str) -> lc.Quantity | None:
    return None if text is None else lc.volume(text, field=flag)


def _strength(text: str | None, flag: str) -> lc.Quantity | None:
    return None if text is None else lc.parse_strength(text, field=flag).concentration


def _vehicle(o: dict[str, Any]) -> lc.VehicleLot | None:
    key, name = o["vehicle_key"], o["vehicle_name"]
    declared = (
        any(o[k] is not None for k in ("vehicle_name", "preservative", "water_activity_basis"))
        or o["vehicle_water"] is not None
    )
    if key is not None and declared:
        raise lc.InputError(
            "--vehicle names a table vehicle; --vehicle-name, --aqueous/--nonaqueous, --preservative "
            "and --water-activity-basis declare one instead; give one of the two.",
            field="--vehicle",
        )
    if declared:
        chosen = lc.Vehicle.declared(
            name=_require(name, "--vehicle-name", "to declare a vehicle by its composition"),
            aqueous=_require(
                o["vehicle_water"], "--aqueous or --nonaqueous", "to declare a vehicle"
            ),
            preservative=o["preservative"],
            water_activity_basis=o["water_activity_basis"],
        )
    elif key is not None:
        chosen = lc.vehicle(key)
    elif o["vehicle_lot"] is not None or o["vehicle_expiry"] is not None:
        chosen = lc.vehicle("purified-water")
    else:
        return None
    return lc.VehicleLot(
        vehicle=chosen, lot=o["vehicle_lot"], expiry=_date(o["vehicle_expiry"], "--vehicle-expiry")
    )


def _additives(o: dict[str, Any]) -> tuple[lc.LiquidAdditive, ...]:
    out: list[lc.LiquidAdditive] = []
    for role, prefix in (
        (lc.AdditiveRole.FLAVOUR, "flavour"),
        (lc.AdditiveRole.PRESERVATIVE, "added_preservative"),
    ):
        name = o[prefix]
        flag = "--" + prefix.replace("_", "-")
        if name is None:
            if o[f"{prefix}_lot"] is not None or o[f"{prefix}_expiry"] is not None:
                raise lc.InputError(f"{flag}-lot and {flag}-expiry need {flag}.", field=flag)
            continue
        out.append(
            lc.LiquidAdditive(
                role=role,
                name=name,
                lot=o[f"{prefix}_lot"],
                expiry=_date(o[f"{prefix}_expiry"], f"{flag}-expiry"),
                contains_water=bool(o.get(f"{prefix}_contains_water")),
            )
        )
    return tuple(out)


def _study(o: dict[str, Any], storage: lc.Storage | None) -> lc.StudyBud | None:
    if o["study_reference"] is None:
        if o["study_days"] is not None or o["study_confirmed"]:
            raise lc.InputError(
                "--study-days and --study-confirmed need --study-reference.",
                field="--study-reference",
            )
        return None
    return lc.StudyBud(
        reference=o["study_reference"],
        days=_require(
            _count(o["study_days"], "--study-days", 3650), "--study-days", "with --study-reference"
        ),
        storage=_require(storage, "--storage", "with --study-reference (the study's storage)"),
        matches_formula_vehicle_container=o["study_confirmed"],
    )


def _liquid_fields(o: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments every liquid order shares, parsed from the options."""
    source = _source(o["source_kind"], lot=o["lot"], expiry=_date(o["expiry"], "--expiry"), opts=o)
    storage = lc.Storage(o["storage"]) if o["storage"] else None
    per_day = o["doses_per_day"]
    return {
        "dose": lc.mass(o["dose"], field="--dose"),
        "source": source,
        "doses_per_day": None
        if per_day is None
        else lc.parse_decimal(
            per_day, field="--doses-per-day", maximum=lc.parse_decimal("24", field="max")
        ),
        "days_supply": _count(o["days"], "--days", 365),
        "volume": _volume(o["volume"], "--volume"),
        "concentration": _strength(o["concentration"], "--concentration"),
        "dose_basis": o["dose_basis"],
        "vehicle": _vehicle(o),
        "additives": _additives(o),
        "overage": _percent(o["overage"], "--overage"),
        "balance": _balance(
            o["min_weight"],
            o["readability"],
            o["sensitivity"],
            o["max_error"],
            o["usp41"],
            o["class_iii"],
        ),
        "aliquot_volume": _volume(o["aliquot_volume"], "--aliquot-volume"),
        "solubility": _strength(o["solubility"], "--solubility"),
        "measurable_fraction": _percent(o["measurable_fraction"], "--measurable-fraction"),
        "rounding_tolerance": _percent(o["rounding_tolerance"], "--rounding-tolerance"),
        "dose_tolerance": _percent(o["dose_tolerance"], "--dose-tolerance"),
        "compounded_on": _date(o["compounded_on"], "--compounded-on"),
        "storage": storage,
        "day_count": lc.DayCount(o["day_count"]) if o["day_count"] else None,
        "study": _study(o, storage),
        "acknowledge": tuple(o["acknowledge"]),
        "reference": o["reference"],
    }


LIQUID_OPTIONS = (
    click.option("--dose", required=True, help='one dose, e.g. "4.5 mg" or "500 mcg"'),
    click.option("--doses-per-day", help="doses a day (needed with --days)"),
    click.option("--days", help="days' supply (or give --volume)"),
    click.option("--volume", help='volume to dispense, e.g. "30 mL" (or give --days)'),
    click.option("--concentration", help='e.g. "1 mg/mL" or "250 mg/5 mL" [default: suggested]'),
    click.option(
        "--dose-basis", type=FORMS, help="form the dose is stated in [default: naltrexone HCl]"
    ),
    _source_kind(
        "api",
        "tablets",
        note=" (API makes a solution, tablets a suspension; a trituration stock is not used for liquids)",
    ),
    *LIQUID_LOT_OPTIONS,
    *API_OPTIONS,
    *TABLET_OPTIONS,
    click.option(
        "--vehicle",
        "vehicle_key",
        type=click.Choice([v.key or "" for v in lc.VEHICLES]),
        help="a vehicle from the table [default: purified-water]",
    ),
    click.option("--vehicle-name", help="declare a vehicle by its composition: its name"),
    click.option(
        "--aqueous/--nonaqueous",
        "vehicle_water",
        default=None,
        help="declared vehicle: whether it contains water",
    ),
    click.option("--preservative", help="declared vehicle: the preservative it contains"),
    click.option(
        "--water-activity-basis",
        help='declared nonaqueous vehicle: why its water activity is below 0.60, e.g. "no water in the formula"',
    ),
    click.option("--vehicle-lot", help="vehicle lot"),
    click.option("--vehicle-expiry", help="vehicle expiry, YYYY-MM-DD"),
    click.option("--flavour", help="flavour added (name)"),
    click.option("--flavour-lot", help="flavour lot"),
    click.option("--flavour-expiry", help="flavour expiry, YYYY-MM-DD"),
    click.option("--flavour-contains-water", is_flag=True, help="the flavour is water-based"),
    click.option("--added-preservative", help="preservative added to the vehicle (name)"),
    click.option("--added-preservative-lot", help="added preservative lot"),
    click.option("--added-preservative-expiry", help="added preservative expiry, YYYY-MM-DD"),
    click.option("--overage", help='extra of the whole batch, e.g. "5 %" [default: 5 %]'),
    *BALANCE_OPTIONS,
    click.option("--aliquot-volume", help='liquid aliquot volume, e.g. "5 mL" [default: chosen]'),
    click.option(
        "--solubility", help='solubility in this vehicle, as the dose basis, e.g. "50 mg/mL"'
    ),
    click.option(
        "--measurable-fraction",
        help="smallest share of a device's capacity to measure [default: 25 %]",
    ),
    click.option(
        "--rounding-tolerance",
        help="largest concentration change from rounding volumes [default: 1 %]",
    ),
    click.option(
        "--dose-tolerance",
        help="ignored: a dose is measured exactly on a graduation or in whole drops, or refused",
    ),
    click.option("--compounded-on", help="compounding date [default: today]"),
    click.option(
        "--storage",
        type=click.Choice(["room", "refrigerator"]),
        help="storage [default: refrigerator]",
    ),
    click.option(
        "--day-count",
        type=click.Choice(["day-1", "day-0"]),
        help="BUD day counting [default: day-1]",
    ),
    click.option("--study-reference", help="a stability study supporting a longer BUD"),
    click.option("--study-days", help="the study-supported BUD in days"),
    click.option(
        "--study-confirmed",
        is_flag=True,
        help="confirm the study matches this formula, vehicle and container",
    ),
    click.option("--reference", help="Rx or internal reference number"),
    click.option(
        "--acknowledge",
        multiple=True,
        help="acknowledge a blocked check by its code, e.g. dose-above-range",
    ),
)
SYRINGES = [d.key or "" for d in lc.DEVICES if d.kind is lc.DeviceKind.ORAL_SYRINGE]


@cli.command()
@_apply(LIQUID_OPTIONS)
@click.option(
    "--syringe",
    type=click.Choice(SYRINGES),
    help="the oral syringe dispensed, from the table [default: chosen]",
)
@click.option("--syringe-capacity", help='your oral syringe\'s capacity, e.g. "5 mL"')
@click.option("--syringe-graduation", help='your oral syringe\'s graduation, e.g. "0.1 mL"')
@_apply(PRINT_OPTIONS)
@_apply(PROFILE_OPTIONS)
@library_errors
def liquid(**o: Any) -> None:
    """Oral liquid measured by oral syringe: a solution from API powder or a suspension from tablets."""
    syringe = None
    if o["syringe_capacity"] is not None or o["syringe_graduation"] is not None:
        if o["syringe"] is not None:
            raise lc.InputError(
                "--syringe names a table syringe; --syringe-capacity and --syringe-graduation declare "
                "one instead; give one of the two.",
                field="--syringe",
            )
        capacity = _require(
            _volume(o["syringe_capacity"], "--syringe-capacity"),
            "--syringe-capacity",
            "with --syringe-graduation",
        )
        syringe = lc.MeasuringDevice.declared(
            name=f"{capacity} oral syringe",
            kind=lc.DeviceKind.ORAL_SYRINGE,
            capacity=capacity,
            graduation=_require(
                _volume(o["syringe_graduation"], "--syringe-graduation"),
                "--syringe-graduation",
                "with --syringe-capacity",
            ),
        )
    elif o["syringe"] is not None:
        syringe = lc.device(o["syringe"])
    order = profiled("liquid", o, lambda o: lc.LiquidOrder(**_liquid_fields(o), syringe=syringe))
    result = lc.formulate_liquid(order)
    emit_sheet(result, o, barcode=result.order.reference)


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


@cli.command()
@_apply(LIQUID_OPTIONS)
@_apply(CALIBRATION_OPTIONS)
@click.option(
    "--accept-nominal-dropper",
    is_flag=True,
    help="use the nominal 20 drops per mL instead of a calibration (warned)",
)
@click.option("--max-drops", help="largest number of drops a dose [default: 20]")
@_apply(PRINT_OPTIONS)
@_apply(PROFILE_OPTIONS)
@library_errors
def drops(**o: Any) -> None:
    """Sublingual drops with a dropper calibrated with the preparation."""
    order = profiled(
        "drops",
        o,
        lambda o: lc.DropsOrder(
            **_liquid_fields(o),
            calibration=_calibration(o),
            accept_nominal_dropper=o["accept_nominal_dropper"],
            max_drops=_count(o["max_drops"], "--max-drops", 60),
        ),
    )
    result = lc.formulate_drops(order)
    emit_sheet(result, o, barcode=result.order.reference)


@cli.command("calibrate-dropper")
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


def _mold(o: dict[str, Any]) -> lc.MoldCalibration:
    ways = [o[k] is not None for k in ("blank_weight", "blanks_total", "mold_estimate")]
    if not any(ways):
        raise lc.InputError(
            "--blank-weight is required: the average weight of one perfect blank of this base lot "
            "in this mold (or --blanks-total with --blanks-count; --mold-estimate only for a "
            "typical figure).",
            field="--blank-weight",
        )
    if sum(ways) > 1:
        raise lc.InputError(
            "--blank-weight, --blanks-total and --mold-estimate each give the mold calibration; "
            "give only one.",
            field="--blank-weight",
        )
    count = _count(o["blanks_count"], "--blanks-count", 10_000)
    cavities = _count(o["cavities"], "--cavities", 1000)
    volume = (
        None
        if o["cavity_volume"] is None
        else lc.volume(o["cavity_volume"], field="--cavity-volume")
    )
    if o["mold_estimate"] is not None:
        extra = [
            f
            for f, k in (
                ("--blanks-count", count),
                ("--cavities", cavities),
                ("--cavity-volume", volume),
            )
            if k is not None
        ]
        if extra:
            raise lc.InputError(
                f"{extra[0]} cannot be combined with --mold-estimate, whose figures come from the "
                "table; calibrate the mold and give --blank-weight instead.",
                field=extra[0],
            )
        return lc.MoldCalibration.typical(o["mold_estimate"])
    if o["blanks_total"] is not None:
        return lc.MoldCalibration.from_weights(
            total=lc.mass(o["blanks_total"], field="--blanks-total"),
            blanks=_require(count, "--blanks-count", "with --blanks-total"),
            mold=o["mold_name"],
            cavities=cavities,
            cavity_volume=volume,
            base_lot=o["mold_base_lot"],
        )
    return lc.MoldCalibration(
        blank_weight=lc.mass(o["blank_weight"], field="--blank-weight"),
        blanks_weighed=count,
        mold=o["mold_name"],
        cavities=cavities,
        cavity_volume=volume,
        base_lot=o["mold_base_lot"],
    )


def _base(o: dict[str, Any]) -> lc.BaseLot:
    if o["base_key"] is not None and o["base_name"] is not None:
        raise lc.InputError(
            "--base and --base-name each name the base; give only one.", field="--base"
        )
    if o["base_key"] is None and o["base_name"] is None:
        raise lc.InputError(
            "--base (a table base) or --base-name with --base-water is required.", field="--base"
        )
    water = None if o["base_water"] is None else o["base_water"] == "yes"
    return lc.BaseLot(
        base=o["base_key"],
        name=o["base_name"],
        contains_water=water,
        preservative=o["base_preservative"],
        lot=o["base_lot"],
        expiry=_date(o["base_expiry"], "--base-expiry"),
        density=_density(o["base_density"], "--base-density"),
    )


@cli.command()
@click.option("--dose", required=True, help='dose per unit, e.g. "4.5 mg" or "500 mcg"')
@click.option("--count", required=True, help="units to dispense")
@click.option(
    "--form",
    "dosage_form",
    type=click.Choice([f.value for f in lc.TrocheForm]),
    required=True,
    help="troche, or rdt (rapid-dissolve tablet)",
)
@click.option(
    "--route",
    type=click.Choice([r.value for r in lc.Route]),
    help="route on the prescription [default: sublingual]",
)
@click.option(
    "--dose-basis", type=FORMS, help="form the dose is stated in [default: naltrexone HCl]"
)
@click.option("--doses-per-day", help="doses a day, for the daily-dose and days'-supply checks")
@_apply(TROCHE_SOURCE_OPTIONS)
@click.option(
    "--blank-weight", help='mold calibration: average weight of one blank unit, e.g. "754 mg"'
)
@click.option("--blanks-total", help='mold calibration: total weight of the blanks, e.g. "22.62 g"')
@click.option("--blanks-count", help="mold calibration: how many perfect blanks were weighed")
@click.option(
    "--mold-estimate",
    type=click.Choice([m.key for m in lc.TROCHE_MOLDS]),
    help="use a mold's typical blank weight instead of a calibration (flagged as an estimate)",
)
@click.option("--mold-name", help="the mold (name or number)")
@click.option("--cavities", help="cavities in one mold")
@click.option("--cavity-volume", help='volume of one cavity, e.g. "0.93 mL"')
@click.option("--mold-base-lot", help="the base lot the mold was calibrated with")
@click.option(
    "--base",
    "base_key",
    type=click.Choice([b.key for b in lc.TROCHE_BASES]),
    help="a table base",
)
@click.option("--base-name", help="a base not in the table (with --base-water)")
@click.option(
    "--base-water",
    type=click.Choice(["yes", "no"]),
    help="whether the --base-name base contains water (decides the BUD)",
)
@click.option("--base-preservative", help="preservative in the base, by name")
@click.option("--base-lot", help="base lot")
@click.option("--base-expiry", help="base expiry, YYYY-MM-DD")
@click.option("--base-density", help='true density of the base, e.g. "1.2 g/mL"')
@click.option(
    "--ingredient",
    multiple=True,
    help=(
        'other ingredient per unit (repeatable): "NAME:AMOUNT[:OPTION]...", options dv=1.25, '
        "density=2.2 g/mL, trial=UNITS,BLANKS,MEDICATED,INGREDIENT, replace, lot=, expiry=, "
        'allergen=, water, preservative; e.g. "sucralose:10 mg:dv=1.25:lot=S1"'
    ),
)
@click.option(
    "--drug-displacement",
    help="density factor of the drug material: dv=1.2, density=1.3 g/mL, trial=..., or replace",
)
@click.option(
    "--diluent",
    help='trituration diluent "NAME[:OPTION]..." [default: microcrystalline cellulose, 1:1]',
)
@click.option("--overage", help='extra of the whole batch, e.g. "7 %"')
@_apply(BALANCE_OPTIONS)
@click.option("--compounded-on", help="compounding date [default: today]")
@click.option(
    "--storage", type=click.Choice(["room", "refrigerator"]), help="storage [default: by class]"
)
@click.option(
    "--day-count", type=click.Choice(["day-1", "day-0"]), help="BUD day counting [default: day-1]"
)
@click.option("--qc-sample", help="units to weigh for QC [default: 10]")
@click.option("--weight-window", help="each unit within +/- this of the target [default: 10 %]")
@click.option("--max-stage-mass", help="largest trituration stage [default: 10 g]")
@click.option(
    "--rounding-tolerance", help="largest dose change from rounding weighings [default: 0.5 %]"
)
@click.option("--tablet-margin", help="extra tablet powder to crush [default: 5 %]")
@click.option("--reference", help="Rx or internal reference number")
@click.option(
    "--acknowledge",
    multiple=True,
    help="acknowledge a blocked check by its code, e.g. dose-above-range",
)
@_apply(PRINT_OPTIONS)
@_apply(PROFILE_OPTIONS)
@library_errors
def troches(**o: Any) -> None:
    """Molded troches or rapid-dissolve tablets (RDTs) from a calibrated mold."""
    order = profiled("troches", o, _troche_order)
    result = lc.formulate_troches(order)
    emit_sheet(result, o, barcode=result.order.reference)


def _troche_order(o: dict[str, Any]) -> lc.TrocheOrder:
    opts = {**o, "source_density": None}
    source = _source(
        o["source_kind"], lot=o["lot"], expiry=_date(o["expiry"], "--expiry"), opts=opts
    )
    per_day = o["doses_per_day"]
    return lc.TrocheOrder(
        dose=lc.mass(o["dose"], field="--dose"),
        count=lc.parse_count(o["count"], field="--count", maximum=10_000),
        source=source,
        dosage_form=lc.TrocheForm(o["dosage_form"]),
        mold=_mold(o),
        base=_base(o),
        ingredients=tuple(lc.parse_ingredient(t, field="--ingredient") for t in o["ingredient"]),
        drug_displacement=None
        if o["drug_displacement"] is None
        else lc.parse_displacement(o["drug_displacement"], field="--drug-displacement"),
        diluent=None if o["diluent"] is None else lc.parse_diluent(o["diluent"], field="--diluent"),
        dose_basis=o["dose_basis"],
        route=lc.Route(o["route"]) if o["route"] else None,
        overage=_percent(o["overage"], "--overage"),
        balance=_balance(
            o["min_weight"],
            o["readability"],
            o["sensitivity"],
            o["max_error"],
            o["usp41"],
            o["class_iii"],
        ),
        compounded_on=_date(o["compounded_on"], "--compounded-on"),
        storage=lc.Storage(o["storage"]) if o["storage"] else None,
        day_count=lc.DayCount(o["day_count"]) if o["day_count"] else None,
        doses_per_day=None
        if per_day is None
        else lc.parse_decimal(
            per_day, field="--doses-per-day", maximum=lc.parse_decimal("24", field="max")
        ),
        qc_sample=_count(o["qc_sample"], "--qc-sample", 100),
        weight_window=_percent(o["weight_window"], "--weight-window"),
        max_stage_mass=_mass(o["max_stage_mass"], "--max-stage-mass"),
        rounding_tolerance=_percent(o["rounding_tolerance"], "--rounding-tolerance"),
        tablet_margin=_percent(o["tablet_margin"], "--tablet-margin"),
        acknowledge=tuple(o["acknowledge"]),
        reference=o["reference"],
    )


class _Counting:
    """Counts the bytes the library reads, for the progress bar."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.done = 0
        if hasattr(raw, "read1"):  # CSV is cut from chunks of what is there, when it can be
            self.read1 = self._read1

    def _read1(self, size: int = -1, /) -> bytes:
        chunk: bytes = self.raw.read1(size)
        self.done += len(chunk)
        return chunk

    def readline(self, size: int = -1, /) -> bytes:
        line: bytes = self.raw.readline(size)
        self.done += len(line)
        return line


def _size(stream: Any) -> int | None:
    try:
        info = os.fstat(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return None
    return info.st_size if info.st_size > 0 and not os.isatty(stream.fileno()) else None


@cli.command()
@click.argument("orders", type=click.File("rb"))
@click.option(
    "--input-format",
    type=click.Choice(["auto", "jsonl", "csv"]),
    default="auto",
    show_default=True,
    help="auto: csv for a .csv file, otherwise JSON Lines (also for standard input)",
)
@click.option(
    "-o",
    "--output",
    default="-",
    help="file the JSON Lines records go to, replaced only when the run ends "
    "[default: standard output]",
)
@click.option("--force", is_flag=True, help="replace an existing --output file")
@click.option(
    "--jobs",
    type=click.IntRange(0, lc.MAX_JOBS),
    default=1,
    show_default=True,
    help="processes computing the orders (0: one per core); the output is the same for any "
    "number, in input order",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="progress bar on standard error [default: only when it is a terminal]",
)
@library_errors
def batch(
    orders: Any, input_format: str, output: str, force: bool, jobs: int, progress: bool | None
) -> None:
    """Compute every order in ORDERS, a JSON Lines or CSV file ("-" for standard input).

    Writes one JSON Lines record per input record, in input order: the result, or an error
    naming the record's starting line, the field and the reason. A bad record never stops the
    run. The output is never the input, an existing file is replaced only with --force and
    only when the run ends. Exit status: 0 when every record was computed, 1 when any was not,
    2 when the run could not start, 130 or 143 when SIGINT or SIGTERM stopped it (between two
    lines; an --output file is then left as it was).
    """
    from ._batchio import Interrupted, Signals, Sink, identity, note  # noqa: PLC0415

    name = str(getattr(orders, "name", "") or "").lower()
    fmt: Literal["jsonl", "csv"] = (
        "csv"
        if input_format == "csv" or (input_format == "auto" and name.endswith(".csv"))
        else "jsonl"
    )
    source = identity(orders)
    if source is not None and source[1].st_size > lc.MAX_BATCH_BYTES:
        raise lc.InputError(
            f"ORDERS: the file is larger than {lc.MAX_BATCH_BYTES >> 20} MiB; split the batch "
            "into smaller files (nothing was computed).",
            field="ORDERS",
            code="input-too-large",
        )
    sink = Sink.create(output, force=force, source=source[0] if source else None)
    show = sys.stderr.isatty() if progress is None else progress
    counting = _Counting(orders)
    failed = total = 0
    size = _size(orders) if show else None
    bar = (
        click.progressbar(length=size, label="orders", file=sys.stderr, show_pos=False)
        if size
        else None
    )
    signals = Signals(deferred=jobs != 1)
    try:
        with signals:
            try:
                for ok, text in lc.run_batch_lines(counting, input_format=fmt, jobs=jobs):
                    line = text.encode() + b"\n"
                    signals.writing = True
                    try:
                        sink.stream.write(line)
                    except BrokenPipeError:  # the reader stopped (`| head`): records were lost
                        devnull = os.open(os.devnull, os.O_WRONLY)
                        os.dup2(devnull, sys.stdout.fileno())
                        raise SystemExit(1) from None
                    signals.written()
                    total += 1
                    failed += not ok
                    if bar is not None:
                        bar.update(counting.done - bar.pos)
                    elif show and total % 1000 == 0:
                        click.echo(f"\r{total} records", nl=False, err=True)
                signals.writing = True  # from here on a signal waits for the end
                sink.commit()
            except Interrupted as stop:
                signals.writing = True
                sink.discard()
                kept = "was left as it was" if sink.final else "ends with the last complete line"
                note(f"stopped by {stop.name} after {total} records; {sink.name} {kept}.")
                raise SystemExit(128 + stop.signum) from None
    finally:
        if bar is not None:
            bar.render_finish()
        sink.discard()
    if show:
        click.echo(f"\r{total} records: {total - failed} computed, {failed} not.", err=True)
    if failed:
        raise SystemExit(1)


from . import _kit  # noqa: E402 - registers the kit, label, record and verify commands on `cli`

_kit.register(cli)

from ._fhir import fhir  # noqa: E402 - the fhir command lives in its own module

cli.add_command(fhir)

from ._profile import profile  # noqa: E402 - the profile command lives in its own module

cli.add_command(profile)
