"""Shared fixtures: the real corpus beside the project, and throwaway databases."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("STRIKES_CORPUS", PROJECT_ROOT.parent / "shared" / "corpus"))
RELEASES = CORPUS / "releases"
ARCHIVE = CORPUS / "archive" / "centcom_release_lines_2014-2015.csv"
CORPUS_MISSING = f"real corpus not found at {CORPUS} (clone without ../shared/corpus)"

needs_corpus = pytest.mark.skipif(not RELEASES.is_dir(), reason=CORPUS_MISSING)
