"""Benchmarks for issues 6 and 15: one command, interleaved comparisons, medians and IQRs.

    python benchmarks/run.py            # the table, and docs/performance.md rewritten
    python benchmarks/run.py --long     # about 4x the samples (see docs/performance.md)
    python benchmarks/run.py --quick    # a few rounds of small runs: checks that it works

Run it with the interpreter of an environment where ``ldncompound`` and ``ldncompound-cli``
are installed (``.venv/bin/python``). Process rows start fresh interpreters with that same
interpreter. Rows that cannot run yet (an API or command that does not exist on this
branch) are left out of the table and listed as pending; nothing is estimated.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import importlib
import importlib.metadata
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bare  # noqa: E402 - after the path insert above
import mix  # noqa: E402

import ldncompound as lc  # noqa: E402
from ldncompound._clock import today  # noqa: E402

PY = sys.executable
#: The compounding date of every order measured: the day of the run. A fixed date passes its
#: beyond-use date as the calendar moves on, and then every capsule order is refused
#: (``bud-already-past``) instead of computed.
DAY = today()
CODEC = "orjson" if bare.orjson is not None else "json"
CLI_ARGS = [
    "capsules",
    "--dose",
    "4.5 mg",
    "--count",
    "30",
    "--source",
    "tablets",
    "--tablet-weight",
    "201.4 mg",
    "--expiry",
    "2030-12-31",
    "--compounded-on",
    DAY.isoformat(),
    "--format",
    "json",
]
REGISTRY_PROBE = (
    "import time, pint, ldncompound\n"
    "t = time.perf_counter(); ldncompound.registry(); print((time.perf_counter() - t) * 1000)"
)

#: argv of the batch row: the installed ``ldncompound`` script reading the JSON Lines order
#: documents from a file and writing the batch records to a file (``{orders}`` and
#: ``{output}`` are replaced by the paths of each run). None lists the batch rows as pending.
BATCH_ARGV: list[str] | None = [
    str(Path(PY).parent / "ldncompound"),
    "batch",
    "{orders}",
    "-o",
    "{output}",
    "--force",
]


class Pending(Exception):  # noqa: N818 - a state, not an error
    """A row that cannot run on this branch yet (the reason is the message)."""


# --- what is measured --------------------------------------------------------------------


def cli_argv() -> list[str]:
    script = Path(PY).parent / "ldncompound"
    if script.is_file():
        return [str(script), *CLI_ARGS]
    return [PY, "-c", "from ldncompound_cli import main; main()", *CLI_ARGS]


def capsule_order() -> lc.CapsuleOrder:
    """The order of the CLI row: 30 x 4.5 mg from 50 mg tablets, every other value defaulted."""
    tablets = lc.TabletSource(average_weight=lc.mass("201.4 mg"), expiry=dt.date(2030, 12, 31))
    return lc.CapsuleOrder(dose=lc.mass("4.5 mg"), count=30, source=tablets, compounded_on=DAY)


def liquid_order() -> Any:
    """docs/liquids.md's example: 4.5 mg a day for 30 days, 1 mg/mL from 50 mg tablets."""
    tablets = lc.TabletSource(
        average_weight=lc.mass("201.4 mg"),
        tablets_weighed=20,
        expiry=dt.date(2027, 6, 30),
        lot="T1",
    )
    syringe = lc.MeasuringDevice.declared(
        name="5 mL oral syringe",
        kind=lc.DeviceKind.ORAL_SYRINGE,
        capacity=lc.volume("5 mL"),
        graduation=lc.volume("0.1 mL"),
    )
    return lc.LiquidOrder(
        dose=lc.mass("4.5 mg"),
        doses_per_day=Decimal(1),
        days_supply=30,
        source=tablets,
        concentration=lc.parse_strength("1 mg/mL", field="concentration").concentration,
        syringe=syringe,
        vehicle=lc.VehicleLot(
            vehicle=lc.vehicle("purified-water"), lot="W1", expiry=dt.date(2027, 12, 31)
        ),
        overage=lc.percent("5 %"),
        compounded_on=DAY,
    )


def drops_order() -> Any:
    """docs/drops.md's example (WE-15): 4.5 mg a day, 16 drops/mL dropper, API powder."""
    dropper = lc.calibrate_dropper(
        drops=40, volume=lc.volume("2.5 mL"), dropper="30 mL amber bottle dropper, lot D7"
    )
    api = lc.ApiLot(
        form="hcl",
        assay=lc.percent("99.5 %"),
        assay_basis=lc.AssayBasis.AS_IS,
        expiry=dt.date(2028, 1, 1),
        lot="A2",
    )
    return lc.DropsOrder(
        dose=lc.mass("4.5 mg"),
        doses_per_day=Decimal(1),
        days_supply=30,
        source=api,
        calibration=dropper,
        vehicle=lc.VehicleLot(
            vehicle=lc.vehicle("nz-preserved"), lot="V1", expiry=dt.date(2027, 12, 31)
        ),
        balance=lc.Balance.documented(minimum_weight=lc.mass("50 mg"), readability=lc.mass("1 mg")),
        overage=lc.percent("5 %"),
        compounded_on=DAY,
    )


@dataclass
class Formulation:
    """One preparation's rows: its public function and an order to give it.

    Adding liquids or drops is one line below: the function name and an order factory.
    """

    label: str
    function: str
    order: Callable[[], Any] | None
    note: str = ""

    def rows(self) -> list[ApiRow]:
        fn = getattr(lc, self.function, None)

        def ready() -> tuple[Callable[[Any], Any], Any]:
            if fn is None:
                raise Pending(f"ldncompound.{self.function} does not exist yet {self.note}".strip())
            if self.order is None:
                raise Pending(f"no benchmark order for {self.function} yet {self.note}".strip())
            return fn, self.order()

        def formulate() -> Callable[[], Any]:
            f, order = ready()
            return lambda: f(order)

        def to_json() -> Callable[[], Any]:
            f, order = ready()
            result = f(order)
            return lambda: lc.to_json(result)

        def dumps() -> Callable[[], Any]:
            f, order = ready()
            result = f(order)
            return lambda: lc.dumps(result)

        def line() -> Callable[[], Any]:
            f, order = ready()
            result = f(order)
            encode = bare.encoder(CODEC)
            return lambda: encode(lc.to_json(result))

        return [
            ApiRow(f"{self.label}: {self.function}(order)", formulate),
            ApiRow(f"{self.label}: to_json(result)", to_json),
            ApiRow(f"{self.label}: dumps(result) (indent 2, as the CLI prints)", dumps),
            ApiRow(f"{self.label}: JSON line ({CODEC}.dumps(to_json(result)))", line),
        ]


FORMULATIONS = [
    Formulation("capsules", "formulate_capsules", capsule_order),
    Formulation("liquid", "formulate_liquid", liquid_order),
    Formulation("drops", "formulate_drops", drops_order),
]


def _from_json_order() -> Callable[[], Any]:
    data = lc.to_json(capsule_order())
    return lambda: lc.from_json(data, lc.CapsuleOrder)


def _bare_one() -> Callable[[], Any]:
    data = lc.to_json(capsule_order())
    encode = bare.encoder(CODEC)
    return lambda: encode(bare.formulate(data))


#: Orders of the mix the stage rows cycle through (each call handles the next one).
STAGE_ORDERS = 600


def _stage_rows() -> list[ApiRow]:
    """Where one order of the mix spends its time in the batch, stage by stage, in process,
    next to the bare reference doing the whole order; each call takes the next order."""
    import itertools  # noqa: PLC0415

    from ldncompound._batch import BatchRecord  # noqa: PLC0415
    from ldncompound._orders import load, parse_json  # noqa: PLC0415

    today = DAY
    lines = [mix.order_line(o).encode() for o in mix.orders(STAGE_ORDERS)]
    texts = [line.decode() for line in lines]
    datas = [parse_json(t) for t in texts]
    loaded = [load(d) for d in datas]
    records = [
        BatchRecord(record=1, line=1, result=kind.formulate(order, today=today))
        for kind, order in loaded
    ]
    written = [r.to_json() for r in records]
    encode = bare.encoder(CODEC)

    def cycling(inputs: list[Any], fn: Callable[[Any], Any]) -> Callable[[], Callable[[], Any]]:
        def make() -> Callable[[], Any]:
            nxt = itertools.cycle(inputs).__next__
            return lambda: fn(nxt())

        return make

    def compute(item: tuple[Any, Any]) -> Any:
        return item[0].formulate(item[1], today=today)

    def bare_order(line: bytes) -> bytes:
        return encode(bare.record(1, bare.decoder(CODEC)(line)))  # type: ignore[no-any-return]

    # the trace and the defaults: the same results written without them, and the same orders
    # computed with a recorder that keeps no step and no default (what building them costs)
    from ldncompound._trace import Recorder  # noqa: PLC0415

    untraced = [attrs.evolve(r.result, trace=(), defaults=()) for r in records]
    TRACE_BYTES.clear()
    for data, lean in zip(written, untraced, strict=True):
        result = len(encode(data["result"])) - len(encode(lc.to_json(lean)))
        TRACE_BYTES.append((len(encode(data)), result))

    def all_orders() -> None:  # each result dropped at once, as in a batch run
        for item in loaded:
            compute(item)

    def compute_all() -> Callable[[], Any]:
        return all_orders

    def untraced_all() -> Callable[[], Any]:
        def run() -> Any:
            step, default = Recorder.step, Recorder.default
            Recorder.step = _no_step  # type: ignore[method-assign,assignment]
            Recorder.default = _no_default  # type: ignore[method-assign]
            try:
                return all_orders()
            finally:
                Recorder.step, Recorder.default = step, default  # type: ignore[method-assign]

        return run

    TRACE_BUILD[:] = [ApiRow(TRACE_STAGES[1], untraced_all), ApiRow(TRACE_STAGES[2], compute_all)]
    return [
        ApiRow(TRACE_STAGES[0], cycling(untraced, lc.to_json)),
        ApiRow(STAGES[0], cycling(lines, lambda b: parse_json(b.decode()))),
        ApiRow(STAGES[1], cycling(datas, load)),
        ApiRow(STAGES[2], cycling(loaded, compute)),
        ApiRow(STAGES[3], cycling(records, BatchRecord.to_json)),
        ApiRow(STAGES[4], cycling(written, encode)),
        ApiRow(BARE_STAGE, cycling(lines, bare_order)),
    ]


#: Distinct steps of the titration rows (issue 12: the exhaustive strength search never
#: finished at 30; the dynamic programme plans 100 in well under a second).
TITRATION_STEPS = (10, 30, 100)


def titration_order(distinct: int) -> Any:
    """A capsule kit of ``distinct`` distinct doses, one day each: multiples of 0.049 mg from
    0.147 mg (the last one is the maintenance dose), so that many are halves of others."""
    unit = Decimal("0.049")
    steps = tuple(
        lc.TitrationStep(dose=lc.mass(f"{unit * i} mg"), days=1) for i in range(3, 2 + distinct)
    )
    return lc.TitrationOrder(
        steps=steps,
        maintenance=lc.mass(f"{unit * (2 + distinct)} mg"),
        maintenance_days=1,
        start=DAY + dt.timedelta(days=7),
        form=lc.KitForm.CAPSULES,
        capsules=lc.CapsuleKit(template=capsule_order()),
    )


def _titration_rows() -> list[ApiRow]:
    """plan_titration of a capsule kit with 10, 30 and 100 distinct steps (each capsule
    strength's batch is computed too), and the strength selection alone at 100."""
    from ldncompound._titration import choose_strengths  # noqa: PLC0415

    def plan(distinct: int) -> Callable[[], Callable[[], Any]]:
        def make() -> Callable[[], Any]:
            order = titration_order(distinct)
            return lambda: lc.plan_titration(order)

        return make

    def select() -> Callable[[], Any]:
        doses = [s.dose.m_as(lc.Unit.MG) for s in titration_order(100).steps]
        return lambda: choose_strengths(doses, lc.KitStrategy.FEWEST_BATCHES)

    rows = [
        ApiRow(f"titration: plan_titration, capsule kit of {n} distinct steps", plan(n))
        for n in TITRATION_STEPS
    ]
    rows.append(ApiRow("titration: choose_strengths, 100 distinct doses", select))
    return rows


STAGES = [
    "mix, per order: decode and parse the line (parse_json)",
    "mix, per order: load the order document (validated order object)",
    "mix, per order: formulate (the preparation's function)",
    "mix, per order: the batch record's JSON data (to_json)",
    f"mix, per order: the JSON line ({CODEC})",
]
BARE_STAGE = "mix, per order: bare reference, the whole order (parse, compute, write)"
TRACE_STAGES = [
    "mix, per order: the result's JSON data without its trace and defaults",
    "mix, per order: formulate, the recorder keeping no step and no default",
    "mix, per order: formulate (the same orders, in turn with the row above)",
]
#: The two formulate rows above, timed in turn over all the stage orders (not rotated with
#: the other API rows: the recorder is patched for the whole block)
TRACE_BUILD: list[ApiRow] = []
#: (bytes of the JSON line of a record, bytes of its trace and defaults) for the stage orders
TRACE_BYTES: list[tuple[int, int]] = []


def _no_step(_self: Any, _key: str, _description: str, _formula: str, result: Any, **_: Any) -> Any:
    return result


def _no_default(_self: Any, _field: str, _value: Any, _source: str) -> None:
    return None


# --- measurement -------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    unit: str
    samples: list[float] = field(default_factory=list)
    pending: str | None = None


@dataclass
class ProcessRow(Row):
    argv: list[str] = field(default_factory=list)
    #: the same samples from the process's CPU time (user + system) instead of the wall clock:
    #: what the machine's other users change least (the machine is shared)
    cpu: list[float] = field(default_factory=list)
    stdin: Path | None = None
    reads_own_time: bool = False
    per_run: float = 1.0  # report N / seconds instead of seconds when != 1


@dataclass
class ApiRow:
    name: str
    make: Callable[[], Callable[[], Any]]


def argv_for(row: ProcessRow, out: Path, orders: Path | None) -> list[str]:
    """The row's argv with ``{orders}`` (the input file) and ``{output}`` (``out``) filled in."""
    return [
        a.replace("{orders}", str(orders or "")).replace("{output}", str(out)) for a in row.argv
    ]


def _stdout(row: ProcessRow, out: Path) -> Any:
    """Where the process's standard output goes: ``out``, or nowhere if it writes ``out``."""
    if any("{output}" in a for a in row.argv):
        return Path(os.devnull).open("wb")
    return out.open("wb")


def run_process(row: ProcessRow, out: Path) -> tuple[float, float]:
    """Wall time and CPU time (s) of one fresh process (or the ms it printed, twice); raises
    if it fails.

    The process's standard output goes to ``out``, unless its argv names ``{output}``: then
    ``out`` is the file it writes itself.
    """
    stdin = row.stdin.open("rb") if row.stdin else subprocess.DEVNULL
    argv = argv_for(row, out, row.stdin)
    with _stdout(row, out) as stdout, tempfile.TemporaryFile() as stderr:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=stderr, cwd=out.parent)
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        cpu = usage.ru_utime + usage.ru_stime
        proc.returncode = os.waitstatus_to_exitcode(status)
        if row.stdin:
            stdin.close()  # type: ignore[union-attr]
        if proc.returncode != 0:
            stderr.seek(0)
            raise RuntimeError(f"{row.name}: exit {proc.returncode}: {stderr.read().decode()}")
    if row.reads_own_time:
        elapsed = cpu = float(out.read_text().split()[-1])
    return elapsed, cpu


def peak_rss_kib(row: ProcessRow, stdin: Path, out: Path) -> int | None:
    """Peak RSS of one untimed run, by GNU time (a child's rusage from this process would
    count the harness's own memory, inherited across fork and exec)."""
    gnu_time = Path("/usr/bin/time")
    if not gnu_time.is_file():
        return None
    argv = [str(gnu_time), "-f", "%M", *argv_for(row, out, stdin)]
    with _stdout(row, out) as stdout, stdin.open("rb") as inp:
        res = subprocess.run(
            argv, stdin=inp, stdout=stdout, stderr=subprocess.PIPE, check=True, cwd=out.parent
        )
    return int(res.stderr.decode().split()[-1])


def measure_processes(rows: list[ProcessRow], rounds: int, tmp: Path) -> None:
    """Every round runs each row once, in an order rotated by one each round."""
    active = [r for r in rows if r.pending is None]
    for r in active:  # warm the file cache; not counted
        run_process(r, tmp / "warm.out")
    for i in range(rounds):
        for r in active[i % len(active) :] + active[: i % len(active)]:
            elapsed, cpu = run_process(r, tmp / f"{id(r)}.out")
            if r.reads_own_time:
                r.samples.append(elapsed)
                r.cpu.append(cpu)
            elif r.per_run != 1.0:
                r.samples.append(r.per_run / elapsed)
                r.cpu.append(r.per_run / cpu)
            else:
                r.samples.append(elapsed * 1000)
                r.cpu.append(cpu * 1000)


def measure_api(rows: list[tuple[ApiRow, Row]], rounds: int, block: float) -> None:
    """Every round times a block of calls of each row (about ``block`` s), rotated as above."""
    ready: list[tuple[Callable[[], Any], int, Row]] = []
    for api, row in rows:
        try:
            fn = api.make()
        except Pending as why:
            row.pending = str(why)
            continue
        fn()
        n, t = 1, 0.0
        while True:
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            t = time.perf_counter() - t0
            if t >= block / 4:
                break
            n *= 2
        ready.append((fn, max(1, int(n * block / max(t, 1e-9))), row))
    for i in range(rounds):
        k = i % max(1, len(ready))
        for fn, n, row in ready[k:] + ready[:k]:
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            row.samples.append((time.perf_counter() - t0) / n * 1e6)


def quartiles(xs: list[float]) -> tuple[float, float, float]:
    if len(xs) == 1:
        return xs[0], xs[0], xs[0]
    q1, q2, q3 = statistics.quantiles(xs, n=4, method="inclusive")
    return q1, q2, q3


# --- the run -----------------------------------------------------------------------------


@dataclass
class Target:
    label: str
    num: Row
    den: Row | None
    limit: float
    kind: str  # "ratio<=", "ratio>=", "abs<=", "abs>=", "rss<=" (peak RSS, full size / a tenth)
    pending: str | None = None
    values: list[float] = field(default_factory=list)
    #: the same ratio from the CPU times (process rows only; None where CPU time would mislead,
    #: as for several processes against one)
    cpu_values: list[float] | None = None
    use_cpu: bool = True
    issue: str = "15"
    scale: float = 1.0  # of the samples (µs rows shown in ms: 1e-3)

    def compute(self) -> None:
        if self.num.pending or (self.den is not None and self.den.pending):
            self.pending = self.num.pending or (self.den.pending if self.den else None)
            return
        if self.kind == "rss<=":
            return  # set from the memory runs
        if self.den is None:
            self.values = [x * self.scale for x in self.num.samples]
        else:  # paired by round: the two ran back to back in the same round
            self.values = [a / b for a, b in zip(self.num.samples, self.den.samples, strict=True)]
            num, den = self.num, self.den
            if (
                self.use_cpu
                and isinstance(num, ProcessRow)
                and isinstance(den, ProcessRow)
                and num.cpu
                and den.cpu
            ):
                self.cpu_values = [a / b for a, b in zip(num.cpu, den.cpu, strict=True)]


def ensure_bytecode() -> None:
    """Compile the packages' bytecode so fresh processes do not compile our modules each time
    (site-packages installs are compiled by pip; editable ones are not when the environment
    sets PYTHONDONTWRITEBYTECODE)."""
    for name in ("ldncompound", "ldncompound_cli"):
        mod = importlib.import_module(name)
        compileall.compile_dir(str(Path(mod.__file__ or "").parent), quiet=2)


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for dist in ("ldncompound", "pint", "attrs", "cattrs", "click", "orjson"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": platform.platform(),
        "versions": ", ".join(f"{k} {v}" for k, v in versions.items()),
        "commit": commit,
    }


def fmt(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rounds", type=int, default=21, help="rounds of the process rows [21]")
    ap.add_argument("--api-rounds", type=int, default=15, help="rounds of the API rows [15]")
    ap.add_argument("--block", type=float, default=0.1, help="seconds per API sample [0.1]")
    ap.add_argument("--orders", type=int, default=10_000, help="orders per throughput run")
    ap.add_argument("--batch-rounds", type=int, default=5, help="rounds of the throughput rows [5]")
    ap.add_argument("--long", action="store_true", help="4x the rounds of every group")
    ap.add_argument(
        "--quick",
        action="store_true",
        help="3 rounds of each group, 1,000 orders, nothing written: checks that it runs",
    )
    ap.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    ap.add_argument("--no-write", action="store_true", help="print only; keep docs as they are")
    args = ap.parse_args(argv)
    if args.long:
        args.rounds *= 4
        args.api_rounds *= 4
        args.batch_rounds *= 4
    if args.quick:
        args.rounds = args.api_rounds = args.batch_rounds = 3
        args.orders, args.block, args.no_write = 1000, 0.02, True

    ensure_bytecode()
    info = machine()
    load_before = os.getloadavg()
    started = time.perf_counter()

    tmp = Path(tempfile.mkdtemp(prefix="ldncompound-bench-"))
    orders_file = tmp / "orders.jsonl"
    small_file = tmp / "orders-small.jsonl"
    mix.DAY = DAY  # (the stage rows' orders too)
    mix.write_lines(str(orders_file), args.orders)
    mix.write_lines(str(small_file), max(1, args.orders // 10))

    # 1. fresh processes: imports, the CLI, the registry
    pas = ProcessRow("python -c pass", "ms", argv=[PY, "-c", "pass"])
    pint_ = ProcessRow("python -c 'import pint'", "ms", argv=[PY, "-c", "import pint"])
    lib = ProcessRow("python -c 'import ldncompound'", "ms", argv=[PY, "-c", "import ldncompound"])
    line = ProcessRow(
        "python -c 'import pint, attrs, click'", "ms", argv=[PY, "-c", "import pint, attrs, click"]
    )
    # issue 15's baselines: what the library and the CLI really load (neither imports pint)
    deps = ProcessRow(
        "python -c 'import attrs, orjson'", "ms", argv=[PY, "-c", "import attrs, orjson"]
    )
    cli_deps = ProcessRow(
        "python -c 'import attrs, click, orjson'",
        "ms",
        argv=[PY, "-c", "import attrs, click, orjson"],
    )
    cli = ProcessRow("ldncompound capsules ... --format json (cold)", "ms", argv=cli_argv())
    reg = ProcessRow(
        "registry construction (first ldncompound.registry())",
        "ms",
        argv=[PY, "-c", REGISTRY_PROBE],
        reads_own_time=True,
    )
    process_rows = [pas, pint_, deps, lib, line, cli_deps, cli, reg]
    measure_processes(process_rows, args.rounds, tmp)

    # 2. throughput: the same JSON Lines file through each filter
    n = args.orders
    ref = ProcessRow(
        f"bare reference, {n:,} orders (JSON Lines in and out)",
        "orders/s",
        argv=[PY, str(HERE / "bare.py"), CODEC, "{orders}"],
        stdin=orders_file,
        per_run=n,
    )
    loop = ProcessRow(
        f"API loop (run_order, to_json, {CODEC}; no batch machinery), {n:,} orders",
        "orders/s",
        argv=[PY, str(HERE / "api_loop.py"), CODEC, "{orders}"],
        stdin=orders_file,
        per_run=n,
    )
    batch = ProcessRow(
        f"ldncompound batch ORDERS -o RESULTS (cold), {n:,} orders",
        "orders/s",
        stdin=orders_file,
        per_run=n,
    )
    batch2 = ProcessRow(
        f"ldncompound batch ORDERS -o RESULTS --jobs 2 (cold), {n:,} orders",
        "orders/s",
        stdin=orders_file,
        per_run=n,
    )
    if BATCH_ARGV is None:
        batch.pending = batch2.pending = "ldncompound batch is not wired: set BATCH_ARGV"
    else:
        batch.argv = list(BATCH_ARGV)
        batch2.argv = [*BATCH_ARGV, "--jobs", "2"]
    throughput = [ref, loop, batch, batch2]
    measure_processes(throughput, args.batch_rounds, tmp)
    ref_out = (tmp / f"{id(ref)}.out").read_bytes()
    outputs_match = {"API loop": ref_out == (tmp / f"{id(loop)}.out").read_bytes()}
    if batch.pending is None:
        outputs_match["ldncompound batch"] = ref_out == (tmp / f"{id(batch)}.out").read_bytes()
        outputs_match["ldncompound batch --jobs 2"] = (
            ref_out == (tmp / f"{id(batch2)}.out").read_bytes()
        )
    rss: dict[str, tuple[int | None, int | None]] = {}
    for r in throughput:
        if r.pending is None:
            rss[r.name] = (
                peak_rss_kib(r, small_file, tmp / "rss.out"),
                peak_rss_kib(r, orders_file, tmp / "rss.out"),
            )

    # 3. in-process API rows
    api_rows: list[tuple[ApiRow, Row]] = []
    for f in FORMULATIONS:
        api_rows += [(a, Row(a.name, "µs")) for a in f.rows()]
    api_rows.append(
        (ApiRow("capsules: from_json(order, CapsuleOrder)", _from_json_order), Row("", "µs"))
    )
    api_rows.append(
        (ApiRow(f"bare reference: one capsule order ({CODEC} line)", _bare_one), Row("", "µs"))
    )
    api_rows += [(a, Row(a.name, "µs")) for a in _stage_rows()]
    api_rows += [(a, Row(a.name, "µs")) for a in _titration_rows()]
    for api, row in api_rows:
        row.name = api.name
    measure_api(api_rows, args.api_rounds, args.block)
    trace_build = [(a, Row(a.name, "µs")) for a in TRACE_BUILD]
    measure_api(trace_build, args.api_rounds, args.block)
    for _api, row in trace_build:  # one sample covers every stage order
        row.samples = [x / STAGE_ORDERS for x in row.samples]
    api_rows += trace_build

    fmt_row = {r.name: r for _api, r in api_rows}
    stage_rows = [fmt_row[name] for name in [*STAGES, BARE_STAGE]]
    trace_rows = [fmt_row[name] for name in TRACE_STAGES]
    capsule_formulate = fmt_row["capsules: formulate_capsules(order)"]
    titration = {
        n: fmt_row[f"titration: plan_titration, capsule kit of {n} distinct steps"]
        for n in TITRATION_STEPS
    }
    targets = [
        # issue 15: against what the library and the CLI really load
        Target("import ldncompound / import attrs, orjson", lib, deps, 1.5, "ratio<="),
        Target(
            "ldncompound capsules ... --format json (cold) / import attrs, click, orjson",
            cli,
            cli_deps,
            1.5,
            "ratio<=",
        ),
        Target("ldncompound batch time / bare reference time (one core)", ref, batch, 2, "ratio<="),
        Target(
            "ldncompound batch --jobs 2 / --jobs 1 (orders/s)",
            batch2,
            batch,
            1.5,
            "ratio>=",
            use_cpu=False,
        ),
        Target("ldncompound batch (orders/s, one core)", batch, None, 5000, "abs>="),
        *(
            Target(
                f"plan_titration, {n} distinct steps (ms)",
                titration[n],
                None,
                1000,
                "abs<=",
                issue="12",
                scale=1e-3,
            )
            for n in TITRATION_STEPS
        ),
        Target(
            "ldncompound batch peak RSS, full size / a tenth (memory flat)",
            batch,
            None,
            1.1,
            "rss<=",
            issue="6",
        ),
        # issue 6's rows, kept for comparison
        Target("import ldncompound / import pint", lib, pint_, 1.1, "ratio<=", issue="6"),
        Target("CLI cold run / import pint, attrs, click", cli, line, 1.25, "ratio<=", issue="6"),
        Target("registry construction (ms)", reg, None, 10, "abs<=", issue="6"),
        Target("ldncompound batch time / bare reference time", ref, batch, 3, "ratio<=", issue="6"),
    ]
    for t in targets:
        t.compute()
        if t.kind == "rss<=" and t.pending is None:
            small, full = rss.get(t.num.name, (None, None))
            if small and full:
                t.values = [full / small]
            else:
                t.pending = "no GNU time (/usr/bin/time) to read the peak RSS"
    # throughput rows hold orders/s, so num=ref, den=lib gives the time ratio lib / ref
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()

    text = report(
        args=args,
        info=info,
        load=(load_before, load_after),
        elapsed=elapsed,
        process_rows=process_rows,
        throughput=throughput,
        rss=rss,
        outputs_match=outputs_match,
        api_rows=[r for _a, r in api_rows],
        targets=targets,
        capsule_formulate=capsule_formulate,
        stage_rows=stage_rows,
        trace_rows=trace_rows,
        batch=batch,
        ref=ref,
    )
    print(text)
    if not args.no_write:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"\n(written to {os.path.relpath(args.output)})")
    return 0


def report(**k: Any) -> str:
    args = k["args"]
    info = k["info"]
    lines = [
        "# Performance",
        "",
        "<!-- Generated by `python benchmarks/run.py`; do not edit by hand: run it again. -->",
        "",
        (
            f"Measured {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} at commit `{info['commit']}` "
            f"in {k['elapsed']:.0f} s."
        ),
        "",
        "## Machine",
        "",
        f"- CPU: {info['cpu']}; {info['os']}",
        f"- {info['python']}; {info['versions']}",
        "- Load average (1, 5, 15 min) before: "
        + ", ".join(f"{x:.2f}" for x in k["load"][0])
        + "; after: "
        + ", ".join(f"{x:.2f}" for x in k["load"][1])
        + " (the machine is shared: timings are noisy, ratios within one run are what count)",
        f"- JSON codec of the throughput rows: {CODEC}",
        "",
        "## Targets (issue 15; the rows of issues 6 and 12 kept for comparison)",
        "",
        (
            "Ratios are taken round by round (the two commands ran back to back in one "
            "interleaved run), then summarised. The status reads the wall-clock median; the "
            "CPU-time median (user + system time of each process) is the same ratio as the "
            "machine's other users change it least (not given for several processes against "
            "one, which use more CPU time to take less wall time)."
        ),
        "",
        "| comparison | issue | N | median | IQR | CPU-time median | target | status |",
        "|---|---|---:|---:|---|---:|---|---|",
    ]
    for t in k["targets"]:
        if t.pending:
            lines.append(f"| {t.label} | {t.issue} | - | - | - | - | {_target(t)} | pending |")
            continue
        vals = t.values
        q1, q2, q3 = quartiles(vals)
        cpu = fmt(statistics.median(t.cpu_values)) if t.cpu_values else "-"
        lines.append(
            f"| {t.label} | {t.issue} | {len(vals)} | {fmt(q2)} | {fmt(q1)}–{fmt(q3)} | {cpu} | "
            f"{_target(t)} | {_status(t, q2)} |"
        )
    lines += [
        "",
        "## Measurements",
        "",
        "| row | N | median | IQR | unit | peak RSS |",
        "|---|---:|---:|---|---|---|",
    ]
    pending: dict[str, list[str]] = {}
    for r in k["process_rows"] + k["throughput"] + k["api_rows"]:
        if r.pending:
            pending.setdefault(r.pending, []).append(r.name)
            continue
        q1, q2, q3 = quartiles(r.samples)
        small, full = k["rss"].get(r.name, (None, None))
        rss = (
            f"{small / 1024:.1f} MiB at {max(1, args.orders // 10):,} orders, "
            f"{full / 1024:.1f} MiB at {args.orders:,}"
            if small and full
            else ""
        )
        lines.append(
            f"| {r.name} | {len(r.samples)} | {fmt(q2)} | {fmt(q1)}–{fmt(q3)} | {r.unit} | {rss} |"
        )
    lines += [
        "",
        "Output of the bare reference byte-identical to the output of: "
        + "; ".join(
            f"{name} {'yes' if same else 'NO'}" for name, same in k["outputs_match"].items()
        )
        + ".",
        "",
        *_where_the_time_goes(k),
        "## Pending",
        "",
    ]
    lines += [f"- {'; '.join(names)}: {why}" for why, names in pending.items()] or ["- none"]
    shares = ", ".join(f"{name} {float(s) * 100:.0f} %" for name, s in mix.SHARES.items())
    lines += [
        "",
        "## Method",
        "",
        (
            "- One command: `python benchmarks/run.py` (with the environment's interpreter, e.g. "
            "`.venv/bin/python`), from a clone with `ldncompound` and `ldncompound-cli` installed. It "
            "prints this page and rewrites `docs/performance.md`."
        ),
        (
            "- Process rows start a fresh interpreter each time (the same interpreter as the harness, "
            "in a scratch directory so that `-c` imports the installed package, not a source tree), "
            f"{args.rounds} rounds; each round runs every command once, in an order rotated by one "
            "each round; one untimed warm-up run first. Times are wall clock around the process, "
            "and its CPU time (user + system, from wait4) beside the ratios. "
            "The CLI row runs the installed `ldncompound` script. Bytecode of "
            "our packages is compiled before timing, as a wheel install would have it."
        ),
        (
            "- Registry construction is timed inside a fresh process after `import pint, ldncompound` "
            "(the first `ldncompound.registry()` call builds it)."
        ),
        (
            f"- Throughput rows give the same {args.orders:,}-order JSON Lines file of order "
            "documents (`ldncompound.order_document`, as a pharmacy system sends them) to each "
            f"command by its path, in a fresh process ({args.batch_rounds} rounds, rotated); each "
            "writes one batch record (`ldncompound/batch-record/1`, the full result with its "
            f"trace) per line. Mix: {shares} (seeded; `benchmarks/mix.py` lists the variants), "
            "every order compounded on the day of the run (a fixed date would pass its "
            "beyond-use date and turn the orders into refusals). "
            "The batch row is the installed `ldncompound batch ORDERS -o RESULTS`, cold. The bare "
            "reference (`benchmarks/bare.py`, `benchmarks/bare_liquid.py`) is the formulas in "
            "plain Decimal building the same records with no units, no objects and no "
            "validation; its output is compared byte for byte with the batch's below, and "
            "`tests/test_benchmark_reference.py` checks its documents equal the library's. The "
            "API loop computes each document with `run_order` and `to_json` and writes the same "
            "record: the library without the batch machinery. Memory: peak RSS (GNU time) of "
            "one extra run at a tenth of the size and one at the full size."
        ),
        (
            f"- API rows time blocks of about {args.block:g} s of calls in one process, "
            f"{args.api_rounds} rounds, rotated; the garbage collector stays on."
        ),
        (
            "- Median and interquartile range (Q1–Q3) over the rounds. No timing is asserted by "
            "the test suite."
        ),
        "",
        "## A longer measurement",
        "",
        (
            "`python benchmarks/run.py --long` takes four times the rounds of every group (about "
            "four times as long). `--rounds`, `--api-rounds`, `--batch-rounds`, `--block` and "
            "`--orders` set each group; `--no-write` prints without touching this page. For "
            "instruction counts that ignore the other users of the machine: `valgrind "
            "--tool=callgrind ldncompound batch orders.jsonl -o /dev/null`."
        ),
    ]
    return "\n".join(lines) + "\n"


def _where_the_time_goes(k: dict[str, Any]) -> list[str]:
    """The stage rows summed against the bare reference, and what 5,000 orders/s asks for."""
    rows = k["stage_rows"]
    if any(r.pending or not r.samples for r in rows):
        return []
    med = [statistics.median(r.samples) for r in rows]
    lib, floor = sum(med[:-1]), med[-1]
    budget = 1e6 / 5000
    lines = [
        "## Where an order's time goes",
        "",
        "Medians of the stage rows above (in process, the mix's orders in turn, no process start):",
        "",
        "| stage | µs per order | share |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| {r.name.split(': ', 1)[1]} | {fmt(m)} | {m / lib * 100:.0f} % |"
        for r, m in zip(rows[:-1], med[:-1], strict=True)
    ]
    lines += [
        f"| library, all stages | {fmt(lib)} | 100 % |",
        f"| bare reference, the whole order | {fmt(floor)} | {floor / lib * 100:.0f} % |",
        "",
        (
            f"In process the library takes {lib / floor:.2f} x the bare reference's time per order. "
            f"5,000 orders/s on one core leaves {budget:.0f} µs per order, process start included: "
            f"the bare reference's whole order takes {fmt(floor)} µs ({floor / budget * 100:.0f} % "
            f"of that), the library's stages {fmt(lib)} µs ({lib / budget:.2f} x it). Reaching it "
            f"would take the library within {budget / floor:.2f} x the bare reference's time per "
            f"order (before the process start), against {lib / floor:.2f} x here."
        ),
        "",
    ]
    lines += _the_trace(rows, k["trace_rows"], lib)
    batch, ref = k["batch"], k["ref"]
    if not batch.pending and batch.samples and ref.samples:
        lines += [
            (
                f"End to end (the throughput rows), the cold `ldncompound batch` runs at "
                f"{fmt(statistics.median(batch.samples))} orders/s and the bare reference at "
                f"{fmt(statistics.median(ref.samples))} orders/s (process start included)."
            ),
            "",
        ]
    return lines


def _the_trace(stages: list[Row], rows: list[Row], lib: float) -> list[str]:
    """What the trace and the defaults cost per order: bytes of the output, and time to build
    (formulate with a recorder keeping nothing) and to write (to_json without them)."""
    if any(r.pending or not r.samples for r in rows) or not TRACE_BYTES:
        return []
    lean_json, lean_formulate, formulate = (statistics.median(r.samples) for r in rows)
    to_json = statistics.median(stages[3].samples)
    build, write = formulate - lean_formulate, to_json - lean_json
    line_bytes = sum(b for b, _ in TRACE_BYTES)
    trace_bytes = sum(t for _, t in TRACE_BYTES)
    n = len(TRACE_BYTES)
    return [
        "### The trace and the defaults",
        "",
        "| per order (the stage orders) | with them | without them | their share |",
        "|---|---:|---:|---:|",
        (
            f"| bytes of the JSON line | {line_bytes / n:,.0f} | {(line_bytes - trace_bytes) / n:,.0f} | "
            f"{trace_bytes / line_bytes * 100:.0f} % |"
        ),
        (
            f"| formulate (µs; building them) | {fmt(formulate)} | {fmt(lean_formulate)} | "
            f"{build / lib * 100:.0f} % of all stages |"
        ),
        (
            f"| to_json (µs; writing them) | {fmt(to_json)} | {fmt(lean_json)} | "
            f"{write / lib * 100:.0f} % of all stages |"
        ),
        "",
        (
            f"Together {fmt(build + write)} µs of the library's {fmt(lib)} µs per order "
            f"({(build + write) / lib * 100:.0f} %). The bare reference writes the same trace "
            "and defaults."
        ),
        "",
    ]


def _target(t: Target) -> str:
    sign = "≥" if t.kind.endswith(">=") else "≤"
    return f"{sign} {t.limit:g}" + (" x" if t.kind in ("ratio<=", "ratio>=", "rss<=") else "")


def _status(t: Target, median: float) -> str:
    ok = median >= t.limit if t.kind.endswith(">=") else median <= t.limit
    return "met" if ok else "**not met**"


if __name__ == "__main__":
    raise SystemExit(main())
