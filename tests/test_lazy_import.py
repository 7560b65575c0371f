"""``import ldncompound`` imports none of its modules; names and preparations load on first use
(issue 15). No timings here: what is imported is checked, in fresh interpreters."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import orders

import ldncompound as lc
from ldncompound import _preparation, _registry

ROOT = Path(__file__).resolve().parent.parent


#: one order document per preparation, as JSON text (the fresh interpreters read them)
DOCUMENTS = {name: json.dumps(orders.document(name)) for name in orders.ORDERS}


def _fresh(code: str) -> list[str]:
    """The library modules a fresh interpreter has imported after running ``code`` (which
    finds the order documents in ``DOCUMENTS``)."""
    probe = (
        f"import sys, json\nDOCUMENTS = {DOCUMENTS!r}\n"
        + code
        + "\nprint(sorted(m for m in sys.modules if m.startswith('ldncompound.')))"
    )
    res = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return list(json.loads(res.stdout.strip().splitlines()[-1].replace("'", '"')))


def test_importing_the_package_imports_only_its_version():
    assert _fresh("import ldncompound") == ["ldncompound._version"]


def test_an_order_document_imports_its_own_preparation_only():
    loaded = _fresh("import ldncompound as lc\nlc.load_order(DOCUMENTS['liquid'])")
    assert "ldncompound._liquids" in loaded
    assert not {"ldncompound._troches", "ldncompound._capsules", "ldncompound._titration"} & set(
        loaded
    )
    assert not {"ldncompound._labels", "ldncompound._records", "ldncompound._worksheet"} & set(
        loaded
    )


def test_a_result_read_back_imports_its_preparation():
    data = json.dumps(lc.to_json(lc.run_order(orders.document("troches"))))
    loaded = _fresh(f"import ldncompound as lc\nr = lc.read_result({data!r})\nprint(r.schema)")
    assert "ldncompound._troches" in loaded
    assert "ldncompound._capsules" not in loaded


def test_a_record_read_back_in_a_fresh_interpreter_finds_its_result():
    result = lc.run_order(orders.document("capsules"))
    record = lc.make_record(result, record_id="R-1", compounded_by="A. Pharmacist")
    data = lc.dumps(record)
    loaded = _fresh(
        f"import ldncompound as lc\nr = lc.read_result({data!r})\nassert r.result.schema == "
        "'ldncompound/capsules/2'\nassert r.result.order.count == 30, r.result.order"
    )
    assert {"ldncompound._records", "ldncompound._capsules"} <= set(loaded)


def test_first_uses_from_many_threads_load_each_preparation_once():
    code = """
import threading, ldncompound as lc
docs = list(DOCUMENTS.values()) * 4
barrier = threading.Barrier(len(docs))
out, errors = [None] * len(docs), []
def run(i):
    barrier.wait()
    try:
        out[i] = lc.run_order(docs[i], today=__import__('datetime').date(2026, 11, 21)).schema
    except Exception as err:
        errors.append(repr(err))
threads = [threading.Thread(target=run, args=(i,)) for i in range(len(docs))]
for t in threads: t.start()
for t in threads: t.join()
assert not errors, errors
assert len(set(out)) == 4, out
from ldncompound import _preparation
assert [p.name for p in _preparation.registered()] == [
    'capsules', 'drops', 'liquid', 'troches'], _preparation.registered()
"""
    loaded = _fresh(code)
    assert "ldncompound._titration" not in loaded


def test_every_public_name_resolves_and_dir_lists_it():
    names = dir(lc)
    for name in lc.__all__:
        assert name in names
        assert getattr(lc, name) is not None
    assert lc._sources.allergens_in("lactose") == ("lactose",)


def test_an_unknown_name_is_an_attribute_error():
    for name in ("formulate_pills", "_no_such_module", "__wrapped__"):
        try:
            getattr(lc, name)
        except AttributeError as err:
            assert name in str(err)
        else:  # pragma: no cover - the assertion explains
            raise AssertionError(name)


def test_the_lazy_table_and_the_typed_imports_name_the_same_things():
    """``__init__`` lists each public name twice: imported for type checkers, and in the table
    ``__getattr__`` reads at run time; both, and ``__all__``, must agree."""
    tree = ast.parse((ROOT / "ldncompound" / "__init__.py").read_text(encoding="utf-8"))
    typed: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom)
                typed.update({a.name: str(imp.module) for a in imp.names})
    runtime = {name: module for module, names in lc._MODULES.items() for name in names}
    assert typed == runtime
    assert set(lc.__all__) == {*runtime, "__version__"}


def _declared(module: str) -> tuple[set[str], set[str]]:
    """The names ``ldncompound.<module>`` defines at its top level, and those it re-exports
    explicitly (``from ._x import name as name``); and whether it has an ``__all__``."""
    tree = ast.parse((ROOT / "ldncompound" / f"{module}.py").read_text(encoding="utf-8"))
    defined: set[str] = set()
    reexported: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign):
            defined.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            defined.add(node.target.id)
        elif isinstance(node, ast.ImportFrom):
            reexported.update(a.name for a in node.names if a.asname == a.name)
    return defined, reexported


def test_the_public_surface_is_declared_once_in_the_package():
    """The private modules have no ``__all__`` of their own (``__init__`` is the one
    declaration), and each public name comes from the module that defines it, not from one
    that merely imports it (``_reading`` re-exports ``_json``'s readers explicitly: importing
    it registers the label and record documents)."""
    for module, names in lc._MODULES.items():
        defined, reexported = _declared(module)
        assert "__all__" not in defined, module
        assert set(names) <= defined | reexported, (module, set(names) - defined - reexported)
    for path in (ROOT / "ldncompound").glob("_[a-z]*.py"):
        assert "__all__" not in _declared(path.stem)[0], path.name


def test_the_lazy_table_names_the_module_that_registers_each_schema():
    for schema, module in _registry.BUILTIN.items():
        prep = _registry.for_order(schema) or _registry.for_result(schema)
        if prep is None:  # a document of a preparation's module that is no result of it
            _registry.load(schema)
            assert _preparation.DOCUMENTS[schema].__module__ == f"ldncompound.{module}", schema
            continue
        assert prep.formulate.__module__ in {f"ldncompound.{module}", "conftest"}, schema
        assert schema in {prep.order_schema, prep.result_schema}
    names = {p.name for p in _registry.preparations()}
    assert names >= {"capsules", "liquid", "drops", "troches", "titration"}
    assert _registry.for_order("ldncompound/order/pills/1") is None
    assert _registry.for_result(["not", "a", "schema"]) is None
    assert _preparation.by_name("capsules") is _registry.for_result(lc.CAPSULES_SCHEMA)


def test_a_lookup_loads_the_built_in_module_once_and_asks_again(monkeypatch):
    """A schema id of the table whose preparation is not registered yet is loaded, then
    looked up again (here the import is stood in for: the suite has imported everything)."""
    prep = _registry.for_result(lc.TROCHES_SCHEMA)
    assert prep is not None and prep.order_schema is not None
    monkeypatch.delitem(_preparation._BY_RESULT, prep.result_schema)
    monkeypatch.delitem(_preparation._BY_ORDER, prep.order_schema)
    loaded: list[object] = []

    def load(schema: object) -> None:
        loaded.append(schema)
        _preparation._BY_RESULT[prep.result_schema] = prep
        _preparation._BY_ORDER[str(prep.order_schema)] = prep

    monkeypatch.setattr(_registry, "load", load)
    assert _registry.for_order(prep.order_schema) is prep
    assert _registry.for_result(prep.result_schema) is prep
    assert loaded == [prep.order_schema]


def test_something_that_is_not_a_result_has_no_worksheet():
    try:
        lc.render_worksheet(object())
    except TypeError as err:
        assert "no worksheet for object" in str(err)
    else:  # pragma: no cover - the assertion explains
        raise AssertionError("a worksheet for an object")
