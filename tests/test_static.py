"""Static checks run as part of the suite: ruff (lint and format) and mypy --strict."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_PYTHON_DIRS = [
    d for d in ("ldncompound", "cli", "tests", "benchmarks", "tools", "docs") if (ROOT / d).is_dir()
]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_lint():
    res = _run("ruff", "check", *_PYTHON_DIRS)
    assert res.returncode == 0, res.stdout + res.stderr


def test_ruff_format():
    res = _run("ruff", "format", "--check", *_PYTHON_DIRS)
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.skipif(sys.version_info < (3, 11), reason="typing targets 3.11+")
def test_mypy_strict():
    res = _run("mypy")
    assert res.returncode == 0, res.stdout + res.stderr


def test_no_top_level_cli_package_is_installed():
    """The CLI distribution installs ``ldncompound_cli`` only, never a package named ``cli``."""
    assert importlib.util.find_spec("ldncompound_cli") is not None
    for dist in ("ldncompound", "ldncompound-cli"):
        files = importlib.metadata.files(dist) or []
        tops = {f.parts[0] for f in files if f.suffix == ".py" and len(f.parts) > 1}
        assert "cli" not in tops, (dist, tops)


def test_library_source_never_imports_click():
    for path in (ROOT / "ldncompound").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for tool in ("click", "jsonschema", "sphinx", "cattrs"):
            assert f"import {tool}" not in text and f"from {tool}" not in text, (path, tool)


def test_importing_the_library_imports_no_tool():
    code = (
        "import sys, ldncompound; "
        "print([m for m in ('click', 'jsonschema', 'sphinx', 'cattrs') if m in sys.modules])"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[]"


def test_tests_run_against_the_installed_package():
    """Unless the developer installed in editable mode, the suite imports the installed
    distribution, so packaging mistakes (a data file left out of the wheel) fail here."""
    import json  # noqa: PLC0415

    import ldncompound  # noqa: PLC0415

    origin = Path(ldncompound.__file__).resolve()
    direct = importlib.metadata.distribution("ldncompound").read_text("direct_url.json") or "{}"
    editable = json.loads(direct).get("dir_info", {}).get("editable", False)
    if not editable:
        assert "site-packages" in origin.parts, origin
    assert (origin.parent / "units.txt").is_file()
    shipped = {p.name for p in (origin.parent / "schemas").glob("*.schema.json")}
    assert "order-capsules-1.schema.json" in shipped, shipped
    assert (origin.parent / "py.typed").is_file()


def test_both_distributions_ship_the_full_licence():
    """The MIT text with its copyright line, in the wheel's metadata of both distributions."""
    import importlib.metadata  # noqa: PLC0415

    for dist in ("ldncompound", "ldncompound-cli"):
        files = [f for f in importlib.metadata.files(dist) or [] if f.name == "LICENSE"]
        assert len(files) == 1, (dist, files)
        text = files[0].read_text(encoding="utf-8")
        assert text.startswith("MIT License\n\nCopyright (c) ")
        assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text
        assert importlib.metadata.metadata(dist)["License-Expression"] == "MIT"
    assert (ROOT / "LICENSE").read_bytes() == (ROOT / "cli" / "LICENSE").read_bytes()


def _import_graph() -> dict[str, set[str]]:
    """Every ``from .x import`` of every library module, at the top, deferred inside a
    function or for type checking only, and the modules the registry imports on first use
    (``_registry.BUILTIN``) as imports of ``_registry``, and the module of a worksheet a
    preparation names (``"._worksheet:_capsules"``) as an import of the preparation's."""
    import ast  # noqa: PLC0415

    from ldncompound._preparation import Named  # noqa: PLC0415
    from ldncompound._registry import BUILTIN, preparations  # noqa: PLC0415

    graph: dict[str, set[str]] = {}
    for path in sorted((ROOT / "ldncompound").glob("*.py")):
        uses = graph.setdefault(path.stem, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                uses.update([node.module] if node.module else [a.name for a in node.names])
    graph["_registry"].update(BUILTIN.values())
    for prep in preparations():
        if isinstance(prep.worksheet, Named) and prep.worksheet.ref.startswith("."):
            module = prep.formulate.__module__.rpartition(".")[2]
            graph.setdefault(module, set()).add(prep.worksheet.ref[1:].partition(":")[0])
    return graph


def _reached(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    pending = [start]
    while pending:
        for used in graph.get(pending.pop(), ()):
            if used not in seen:
                seen.add(used)
                pending.append(used)
    return seen


def test_the_library_modules_import_each_other_without_a_cycle():
    """The graph of imports (deferred ones and the registry's lazy table included) has no
    cycle (``_units`` and ``_parse`` had one, hidden by a deferred import), so each module can
    be read and tested after the ones it uses."""
    import graphlib  # noqa: PLC0415

    graph = _import_graph()
    assert graph["_parse"] >= {"_units", "_numbers"}
    assert graph["_registry"] >= {"_capsules", "_troches", "_liquids", "_drops", "_titration"}
    order = list(graphlib.TopologicalSorter(graph).static_order())  # raises CycleError
    assert order.index("_numbers") < order.index("_units") < order.index("_parse")


def test_preparations_never_import_the_labels_module():
    """A preparation describes its label in the shared vocabulary (``_vocabulary``); neither
    it nor anything it imports (deferred imports included) imports the labels, the records,
    or the registry that loads the preparations (issue 16, section 6)."""
    from ldncompound._registry import BUILTIN  # noqa: PLC0415

    graph = _import_graph()
    for module in sorted(set(BUILTIN.values())):
        reached = _reached(graph, module)
        assert not reached & {"_labels", "_records", "_registry", "_orders", "_json"}, (
            module,
            sorted(reached),
        )
    assert "_labels" in _reached(graph, "_reading")  # the check can see an import of it
