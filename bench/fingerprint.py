"""Fingerprint of the parser's output, to show that a change meant only for speed changes
nothing else: every field of every parsed release (reports, targets, totals, diagnostics,
spans) over the corpus copies and a slice of the synthetic releases, hashed per release.

    .venv/bin/python -m bench.fingerprint --save /tmp/before.json     # before the change
    .venv/bin/python -m bench.fingerprint --compare /tmp/before.json  # after: lists what differs

Without ../shared/corpus only the synthetic releases are read.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
from pathlib import Path

from bench import synthetic
from loaders import UnreadableFile, parse_document, read_bytes, read_path
from loaders.readers import iter_release_paths

_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
_SYNTHETIC_SEED = 2024
_SYNTHETIC_TOTAL = 38_900  # the 100x scale, so dates and shapes match the benchmark's


def _digest(releases) -> str:
    encoded = json.dumps([dataclasses.asdict(release) for release in releases], default=str, sort_keys=True)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def fingerprints(synthetic_count: int) -> dict[str, str]:
    """Return {source: hash of its parsed releases} over the corpus and synthetic releases."""
    out: dict[str, str] = {}
    folders = [_CORPUS / "releases", _CORPUS / "archive"]
    for path in iter_release_paths([folder for folder in folders if folder.is_dir()]):
        try:
            document = read_path(path)
        except UnreadableFile:
            continue  # a companion file (the archive's list of addresses), not releases
        out[str(path.relative_to(_CORPUS))] = _digest(parse_document(document))
    for item in synthetic.generate(_SYNTHETIC_TOTAL, seed=_SYNTHETIC_SEED, stop=synthetic_count):
        document = read_bytes(item.text.encode("utf-8"), item.source)
        out[item.source] = _digest(parse_document(document))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--synthetic", type=int, default=3000, help="synthetic releases to include")
    parser.add_argument("--save", type=Path, help="write the fingerprints to this file")
    parser.add_argument("--compare", type=Path, help="compare with fingerprints saved before")
    args = parser.parse_args()
    current = fingerprints(args.synthetic)
    overall = hashlib.sha256(json.dumps(current, sort_keys=True).encode()).hexdigest()
    print(f"{len(current)} sources, overall {overall[:16]}")
    if args.save:
        args.save.write_text(json.dumps(current, indent=0, sort_keys=True))
    if args.compare:
        before = json.loads(args.compare.read_text())
        differ = sorted(key for key in before.keys() | current.keys() if before.get(key) != current.get(key))
        for key in differ[:40]:
            print(f"differs: {key}")
        print(f"{len(differ)} of {len(before.keys() | current.keys())} sources differ")
        sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
