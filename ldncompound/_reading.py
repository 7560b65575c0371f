"""Reading back any document the library writes: results, labels, records, verify reports.

A preparation's result is found through the registry (its module is imported when its schema
id is first met); labels and records are registered by their own modules, imported here, so
``ldncompound.from_json`` reads every document without ``import ldncompound`` importing them.
"""

from __future__ import annotations

from . import _labels, _records
from ._json import from_json, read_result

__all__ = ["from_json", "read_result"]

#: the modules that register the label, record and verify-report documents
DOCUMENT_MODULES = (_labels, _records)
