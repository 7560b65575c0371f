"""The ``ldncompound`` command line (a thin click application over the library)."""

from __future__ import annotations

import os
import sys

__version__ = "0.2.0.dev0"
__all__ = ["cli", "main"]


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI; an unexpected failure prints one line, not a traceback.

    Set ``LDNCOMPOUND_DEBUG=1`` to see the traceback of an internal error.
    """
    from ._app import cli  # noqa: PLC0415 - keeps `import ldncompound_cli` cheap

    try:
        cli.main(args=argv, prog_name="ldncompound")
    except SystemExit:
        raise
    except Exception as err:
        if os.environ.get("LDNCOMPOUND_DEBUG"):
            raise
        sys.stderr.write(
            f"ldncompound: internal error ({type(err).__name__}: {err}); nothing was computed. "
            "Please report it with the command you ran.\n"
        )
        sys.exit(70)


def __getattr__(name: str) -> object:
    if name == "cli":
        from ._app import cli  # noqa: PLC0415

        return cli
    raise AttributeError(name)
