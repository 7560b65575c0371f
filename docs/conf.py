"""Sphinx configuration: MyST Markdown pages, the CLI reference from the click commands.

Built by the test suite (tests/test_docs_build.py) with warnings as errors.
"""

from __future__ import annotations

import ldncompound

project = "ldncompound"
author = "ldncompound maintainers"
copyright = "ldncompound maintainers"
version = release = ldncompound.__version__

extensions = ["myst_parser", "sphinx_click"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
myst_heading_anchors = 3
html_theme = "alabaster"
html_title = f"ldncompound {release}"
