"""The CLI's command table: one module per command, loaded only when the command is used."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from ldncompound_cli import _app, cli


@pytest.mark.parametrize("name", sorted(_app.COMMANDS))
def test_the_table_names_each_command_with_its_own_first_paragraph(name):
    """The short help `ldncompound --help` shows unloaded is the command's own."""
    command = cli.commands[name]
    assert isinstance(command, click.Command)
    assert command.name == name
    first = (command.help or "").partition("\n\n")[0]
    assert " ".join(first.split()) == " ".join(_app.COMMANDS[name][1].split())


def test_help_lists_every_command_without_importing_the_commands_or_the_library():
    code = (
        "import sys\n"
        "from ldncompound_cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = sorted(m for m in sys.modules if m == 'ldncompound' or '_commands.' in m)\n"
        "print('LOADED', loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "LOADED []" in out.stdout
    listed = out.stdout.split("Commands:", 1)[1]
    for name in _app.COMMANDS:
        assert f"\n  {name} " in listed


def test_help_is_the_same_once_the_commands_are_loaded():
    """A loaded command gives its help from itself; the listing does not change."""
    runner = CliRunner()
    before = runner.invoke(cli, ["--help"]).output
    for name in _app.COMMANDS:
        cli.commands[name]
    assert runner.invoke(cli, ["--help"]).output == before


def test_the_lazy_mapping_behaves_as_a_mapping():
    commands = _app._Commands({"x": ("ldncompound_cli._commands.verify:verify", "X.")})
    assert "x" in commands
    assert list(commands) == ["x"]
    assert len(commands) == 1
    extra = click.Command("extra")
    commands["extra"] = extra
    assert list(commands) == ["x", "extra"]
    assert len(commands) == 2
    assert commands["extra"] is extra
    assert commands.get("missing") is None
    with pytest.raises(KeyError):
        commands["missing"]
    del commands["x"]
    assert list(commands) == ["extra"]
    with pytest.raises(KeyError):
        del commands["x"]


def test_version_loads_the_library_only_for_the_option():
    res = CliRunner().invoke(cli, ["--version"])
    assert res.exit_code == 0
    import ldncompound as lc  # noqa: PLC0415

    assert res.output == f"ldncompound, version {lc.__version__}\n"
