"""Reading back any document the library writes: results, labels, records, verify reports.

A preparation's result is found through the registry (its module is imported when its schema
id is first met); labels and records are registered by their own modules, imported here, so
``ldncompound.from_json`` reads every document without ``import ldncompound`` importing them.
"""

from __future__ import annotations

from . import _labels, _records

# from_json and read_result are _json's, the public names taken from here: their first use has
# imported the modules that register the label and record documents
from ._json import from_json as from_json  # noqa: PLC0414
from ._json import read_result as read_result  # noqa: PLC0414

#: the modules that register the label, record and verify-report documents
DOCUMENT_MODULES = (_labels, _records)
