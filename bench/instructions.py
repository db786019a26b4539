"""Instructions the parser executes per release, counted by valgrind: a measure that does not move
with the machine's load, for comparing two versions of the parser where timings vary by a third
between runs. Needs valgrind (`apt-get install valgrind`); about two minutes a version.

    .venv/bin/python -m bench.instructions                 # this checkout's loaders
    .venv/bin/python -m bench.instructions --against HEAD~3  # and another commit's, side by side

Each version runs twice under callgrind on the same synthetic releases: once parsing the warm-up
releases only, once parsing the measured ones after them; the difference over the number of
measured releases is the count per release (start-up, reading the gazetteer and generating the
texts cancel out). The warm-up fills the parser's caches as a long import does.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
_SEED = 2024
_TOTAL = 38_900  # the 100x scale: the dates and shapes of the benchmark's releases


def _child(root: str, warm: int, measured: int, parse_measured: bool) -> None:
    """Parse warm-up releases, then (if asked) the measured ones, with the loaders under root."""
    sys.path.insert(0, root)
    from bench import synthetic  # the generator of this checkout, whatever the loaders' version
    from loaders import parse_document, read_bytes

    items = list(synthetic.generate(_TOTAL, seed=_SEED, stop=warm + measured))
    documents = [read_bytes(item.text.encode("utf-8"), item.source) for item in items]
    for document in documents[:warm]:
        parse_document(document)
    if parse_measured:
        for document in documents[warm:]:
            parse_document(document)


def _collected(root: Path, warm: int, measured: int, parse_measured: bool) -> int:
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, "-m", "bench.instructions", "--child", str(root),
        "--warm", str(warm), "--releases", str(measured), *(["--parse-measured"] if parse_measured else []),
    ]
    # one hash seed for both runs, so that their start-ups (sets, dict orders) cost the same
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, cwd=_ROOT, env=environment, capture_output=True, text=True, check=True)
    match = re.search(r"Collected : (\d+)", done.stderr)
    if not match:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(match[1])


def per_release(root: Path, warm: int, measured: int) -> float:
    """Instructions per parsed release for the loaders package under root."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        base, total = pool.map(lambda parse: _collected(root, warm, measured, parse), (False, True))
    return (total - base) / measured


def _checkout_of(ref: str, into: Path) -> Path:
    archive = subprocess.run(["git", "archive", ref, "loaders"], cwd=_ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", metavar="REF", help="also measure the loaders of this git commit")
    parser.add_argument("--warm", type=int, default=300, help="releases parsed before the measured ones")
    parser.add_argument("--releases", type=int, default=200, help="releases measured")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--parse-measured", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.warm, args.releases, args.parse_measured)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    versions = {"this checkout": _ROOT}
    with tempfile.TemporaryDirectory() as scratch:
        if args.against:
            versions[args.against] = _checkout_of(args.against, Path(scratch))
        counts = {name: per_release(root, args.warm, args.releases) for name, root in versions.items()}
    for name, count in counts.items():
        print(f"{name}: {count / 1e6:.3f} M instructions per release")
    if args.against:
        print(f"ratio: {counts['this checkout'] / counts[args.against]:.3f}")


if __name__ == "__main__":
    main()
