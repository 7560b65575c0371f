"""The click application. It parses arguments, calls the library and prints: no formulas.

Every option value is text handed to the library's own parsers with the option's name as
the field, so a refused value is reported as one sentence naming the option. Library input
errors become usage errors (exit 2); other library errors exit 1; neither prints a traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import click

import ldncompound as lc

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
    "filler.expiry": "--filler-expiry",
    "shells.expiry": "--shell-expiry",
}


def _flagged(err: lc.LdnCompoundError) -> str:
    message = err.message
    flag = FLAGS.get(err.field or "")
    field = err.field or ""
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
            bulk_density=_density(opts["source_density"], "--source-density"),
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
            powder_density=_density(opts["source_density"], "--source-density"),
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


@cli.command()
@click.option("--dose", required=True, help='dose per capsule, e.g. "4.5 mg" or "500 mcg"')
@click.option("--count", required=True, help="capsules to dispense")
@click.option(
    "--dose-basis", type=FORMS, help="form the dose is stated in [default: naltrexone HCl]"
)
@click.option("--doses-per-day", help="doses a day, for the daily-dose and days'-supply checks")
@click.option(
    "--source",
    "source_kind",
    type=click.Choice(["api", "tablets", "stock"]),
    required=True,
    help="where the drug comes from",
)
@click.option("--lot", help="lot number of the drug source")
@click.option("--expiry", help="expiry of the drug source (for a stock: its BUD), YYYY-MM-DD")
@click.option("--api-form", type=FORMS, help="API: form in the jar")
@click.option("--assay", help='API: assay, e.g. "99.5 %"')
@click.option(
    "--assay-basis",
    type=click.Choice(["as-is", "anhydrous", "dried"]),
    help="API: basis of the assay",
)
@click.option("--assay-as", type=FORMS, help="API: form the assay is expressed as")
@click.option(
    "--water", help='API: water content (Karl Fischer), for an anhydrous-basis assay, e.g. "8.7 %"'
)
@click.option("--loss-on-drying", help="API: loss on drying, for a dried-basis assay")
@click.option("--tablet-weight", help='tablets: measured average tablet weight, e.g. "201.4 mg"')
@click.option("--tablets-weighed", help="tablets: how many tablets the average comes from")
@click.option("--tablet-strength", help="tablets: labelled strength [default: 50 mg]")
@click.option(
    "--tablet-basis", type=FORMS, help="tablets: form of the labelled strength [default: HCl]"
)
@click.option("--tablet-product", help="tablets: product name and maker")
@click.option(
    "--tablet-allergen",
    multiple=True,
    help="tablets: declared allergen (repeatable) [default: lactose]",
)
@click.option(
    "--no-tablet-allergens", is_flag=True, help="tablets: the product declares no allergens"
)
@click.option("--stock-strength", help='stock: drug share of the mixture, e.g. "10 %" for 1:10')
@click.option("--stock-diluent", help="stock: the diluent it was made with")
@click.option("--stock-basis", type=FORMS, help="stock: form of the stated strength")
@click.option("--stock-made-on", help="stock: date it was made")
@click.option("--source-density", help="bulk density of the drug material, if measured (g/mL)")
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
@click.option("--min-weight", help="balance: documented minimum weight (with --readability)")
@click.option("--readability", help='balance: readability, e.g. "1 mg"')
@click.option("--sensitivity", help="torsion balance: sensitivity requirement (with --max-error)")
@click.option("--max-error", help='torsion balance: largest error allowed, e.g. "5 %"')
@click.option("--usp41", is_flag=True, help="balance: minimum weight 820 x readability (USP <41>)")
@click.option("--class-iii", is_flag=True, help="balance: Class III torsion preset (120 mg, 10 mg)")
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
@FORMAT
@library_errors
def capsules(**o: Any) -> None:
    """Capsules from API powder, crushed tablets or a trituration stock."""
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
    order = lc.CapsuleOrder(
        dose=lc.mass(o["dose"], field="--dose"),
        count=lc.parse_count(o["count"], field="--count", maximum=10_000),
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
    _emit(lc.formulate_capsules(order), o["fmt"])


class _Counting:
    """Counts the bytes the library reads, for the progress bar."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.done = 0

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
    type=click.File("wb"),
    default="-",
    help="where the JSON Lines records go [default: standard output]",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="progress bar on standard error [default: only when it is a terminal]",
)
@library_errors
def batch(orders: Any, input_format: str, output: Any, progress: bool | None) -> None:
    """Compute every order in ORDERS, a JSON Lines or CSV file ("-" for standard input).

    Writes one JSON Lines record per input record, in input order: the result, or an error
    naming the record's starting line, the field and the reason. A bad record never stops the
    run. Exit status: 0 when every record was computed, 1 when any was not, 2 when the run
    could not start.
    """
    name = str(getattr(orders, "name", "") or "").lower()
    fmt: Literal["jsonl", "csv"] = (
        "csv"
        if input_format == "csv" or (input_format == "auto" and name.endswith(".csv"))
        else "jsonl"
    )
    show = sys.stderr.isatty() if progress is None else progress
    counting = _Counting(orders)
    records = lc.run_batch(counting, input_format=fmt)
    failed = total = 0
    size = _size(orders) if show else None
    bar = (
        click.progressbar(length=size, label="orders", file=sys.stderr, show_pos=False)
        if size
        else None
    )
    try:
        for record in records:
            try:
                output.write(record.json_line().encode() + b"\n")
            except BrokenPipeError:  # the reader stopped (`| head`): not every record was written
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
                raise SystemExit(1) from None
            total += 1
            failed += not record.ok
            if bar is not None:
                bar.update(counting.done - bar.pos)
            elif show and total % 1000 == 0:
                click.echo(f"\r{total} records", nl=False, err=True)
    finally:
        if bar is not None:
            bar.render_finish()
    output.flush()
    if show:
        click.echo(f"\r{total} records: {total - failed} computed, {failed} not.", err=True)
    if failed:
        raise SystemExit(1)
