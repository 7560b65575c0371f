"""The ``order`` command: the order document a preparation command's options describe.

``ldncompound order capsules [the capsules options]`` prints, on one line, the order document
(``ldncompound/order/capsules/1``) that ``ldncompound capsules`` with the same options
computes: what ``ldncompound batch`` (one document a line) and ``ldncompound.run_order``
accept unchanged. Values left out are written ``"default"``; values the pharmacy profile
fills are written out and listed in ``from_profile``.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

import click

import ldncompound as lc
from ldncompound_cli._common import library_errors
from ldncompound_cli._profile import profiled

#: the preparation commands whose options describe an order
PREPARATIONS = ("capsules", "drops", "liquid", "troches")
#: options of a preparation command that choose how a result is printed, not the order
_PRINTING = frozenset({"fmt", "output", "paper", "brief"})


def _order_command(name: str) -> click.Command:
    module = importlib.import_module(f"ldncompound_cli._commands.{name}")
    command: click.Command = getattr(module, name)

    @library_errors
    def callback(**o: Any) -> None:
        document = lc.order_document(profiled(name, o, module.build_order))
        click.echo(json.dumps(document, ensure_ascii=False))

    return click.Command(
        name,
        params=[p for p in command.params if p.name not in _PRINTING],
        callback=callback,
        help=f"The {name} order document (one JSON line) these options describe.",
    )


@click.group()
def order() -> None:
    """The order document (JSON) a preparation command's options describe.

    Takes a preparation's options and prints, on one line, its order document, which
    `ldncompound batch` and `ldncompound.run_order` accept unchanged (for pharmacy software
    and for templates). Options left out are written "default".
    """


for _name in PREPARATIONS:
    order.add_command(_order_command(_name))
