"""The documentation builds with Sphinx from a clean tree, with warnings as errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_sphinx_builds_the_docs_without_warnings(tmp_path):
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-n",
            "-E",
            "-q",
            "-b",
            "html",
            "-d",
            str(tmp_path / "doctrees"),
            str(ROOT / "docs"),
            str(tmp_path / "html"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    html = (tmp_path / "html" / "cli.html").read_text(encoding="utf-8")
    assert "tablet-weight" in html
    assert "input-format" in html
    assert ".. option::" not in html  # sphinx-click's reST must be parsed as reST, not Markdown
    interface = (tmp_path / "html" / "interface.html").read_text(encoding="utf-8")
    assert "<table" in interface
