"""The ``ldncompound`` click group: a table of commands, each loaded only when it is used.

Each command lives in its own module under ``ldncompound_cli._commands`` (what they share is
in ``_common`` and ``_options``). The group lists every command with its short help from the
table below without importing any of them (``ldncompound --help`` does not load the library);
a command's module is imported when the command runs or its own help is shown (click's
"lazily loading subcommands" pattern). tests/test_cli_split.py checks the table against the
commands.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from typing import Any

import click

#: command name -> ("module:attribute" of the click command, the first paragraph of its help).
COMMANDS: dict[str, tuple[str, str]] = {
    "batch": (
        "ldncompound_cli._commands.batch:batch",
        'Compute every order in ORDERS, a JSON Lines or CSV file ("-" for standard input).',
    ),
    "calibrate-dropper": (
        "ldncompound_cli._commands.calibrate_dropper:calibrate_dropper",
        "Drops per mL of a preparation from the dropper that will be dispensed.",
    ),
    "capsules": (
        "ldncompound_cli._commands.capsules:capsules",
        "Capsules from API powder, crushed tablets or a trituration stock.",
    ),
    "drops": (
        "ldncompound_cli._commands.drops:drops",
        "Sublingual drops with a dropper calibrated with the preparation.",
    ),
    "fhir": (
        "ldncompound_cli._commands.fhir:fhir",
        "A FHIR R4 Bundle for a result (the JSON a preparation command wrote; - for stdin).",
    ),
    "label": (
        "ldncompound_cli._commands.label:label",
        (
            "A prescription label for a result (the JSON a preparation command wrote; - for "
            "stdin), or a saved label printed again once it is checked."
        ),
    ),
    "liquid": (
        "ldncompound_cli._commands.liquid:liquid",
        (
            "Oral liquid measured by oral syringe: a solution from API powder or a suspension "
            "from tablets."
        ),
    ),
    "profile": (
        "ldncompound_cli._commands.profile:profile",
        (
            "The pharmacy profile: what the pharmacy states once (identity, balances, lots, "
            "tablets, syringes, droppers), filled into every order that does not give it."
        ),
    ),
    "order": (
        "ldncompound_cli._commands.order:order",
        "The order document (JSON) a preparation command's options describe.",
    ),
    "record": (
        "ldncompound_cli._commands.record:record",
        "A compounding record (with its master formulation record) for a result.",
    ),
    "titrate": (
        "ldncompound_cli._commands.titrate:titrate",
        "A titration kit from explicit prescriber steps: schedule, containers and batches.",
    ),
    "troches": (
        "ldncompound_cli._commands.troches:troches",
        "Molded troches or rapid-dissolve tablets (RDTs) from a calibrated mold.",
    ),
    "verify": (
        "ldncompound_cli._commands.verify:verify",
        "Recompute a compounding record and report every difference (exit 1 if any, or on hold).",
    ),
}


class _Commands(MutableMapping[str, click.Command]):
    """The group's commands: those of the table, each imported on first access."""

    def __init__(self, table: dict[str, tuple[str, str]]) -> None:
        self.table = table
        self.loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self.loaded:
            if name not in self.table:
                raise KeyError(name)
            module, _, attr = self.table[name][0].partition(":")
            command = getattr(importlib.import_module(module), attr)
            if not isinstance(command, click.Command):  # pragma: no cover - a wrong table entry
                raise TypeError(f"{self.table[name][0]} is not a click command")
            self.loaded[name] = command
        return self.loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self.loaded.pop(name, None)
        self.table = {k: v for k, v in self.table.items() if k != name}

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self.table, *self.loaded]))

    def __len__(self) -> int:
        return len(set(self.table) | set(self.loaded))

    def __contains__(self, name: object) -> bool:
        return name in self.table or name in self.loaded


class LazyGroup(click.Group):
    """A click group whose commands are imported only when used (their help comes from the
    table until then)."""

    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = _Commands(lazy)
        self.commands = self.lazy

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["ldncompound.json"] = _json_requested(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; under ``--format json`` click's own refusals of the command line
        (a missing option, a value not among the choices) are JSON on standard error too."""
        try:
            return super().invoke(ctx)
        except click.UsageError as err:
            if not ctx.meta.get("ldncompound.json"):
                raise
            from ._common import usage_json  # noqa: PLC0415 - only for a refused command line

            raise usage_json(err) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``: a command not yet imported gives its table help."""
        table = self.lazy
        rows: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            if name in table.loaded or name not in table.table:
                command = self.get_command(ctx, name)
                if command is None or command.hidden:  # pragma: no cover - click's own rule
                    continue
            else:  # a stand-in with the same first paragraph gives the same short help
                command = click.Command(name, help=table.table[name][1])
            rows.append((name, command))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in rows])


def _json_requested(args: list[str]) -> bool:
    """Whether a command line asks for ``--format json`` (its errors are JSON then)."""
    pairs = zip(args, [*args[1:], ""], strict=True)
    return any(a == "--format=json" or (a == "--format" and b == "json") for a, b in pairs)


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """--version: the library's version (imported only for this option)."""
    if not value or ctx.resilient_parsing:
        return
    import ldncompound  # noqa: PLC0415 - `ldncompound --help` does not load the library

    click.echo(f"ldncompound, version {ldncompound.__version__}", color=ctx.color)
    ctx.exit()


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_version,
    help="Show the version and exit.",
)
def cli() -> None:
    """Unit-safe compounding arithmetic for low-dose naltrexone.

    Amounts are written as a number and a unit ("4.5 mg", "500 mcg", "99.5 %"); dates as
    YYYY-MM-DD. Anything else is refused with a sentence naming the option.
    """
