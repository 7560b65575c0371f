"""``python -m ldncompound``: the command line, when the ``ldncompound-cli`` distribution is
installed beside the library (the library itself never imports click)."""

from __future__ import annotations

import sys


def run() -> None:
    """Run the ``ldncompound`` command line, or say in one sentence how to install it."""
    try:
        from ldncompound_cli import main  # noqa: PLC0415
    except ImportError:
        sys.stderr.write(
            "ldncompound: the command line is not installed; install the ldncompound-cli "
            "distribution (from a clone: python -m pip install ./cli) and run this again.\n"
        )
        sys.exit(2)
    main()


if __name__ == "__main__":
    run()
