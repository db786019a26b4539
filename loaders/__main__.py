"""Command line: parse, ingest, reparse, undo, imports, starter.

    python -m loaders parse PATH... --json     parse without touching the database
    python -m loaders ingest PATH...           store releases (files and folders)
    python -m loaders reparse                  rebuild derived rows from stored raw text
    python -m loaders imports                  list imports
    python -m loaders undo IMPORT_ID           undo one import
    python -m loaders starter                  rebuild the bundled starter data from the corpus
    python -m loaders measure [CORPUS]         measure the parser on the corpus (Markdown)
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path


def _source_urls(paths: list[Path]) -> dict[str, str]:
    """A folder's index.csv (columns file, source) gives each release file its source URL."""
    urls: dict[str, str] = {}
    for folder in {path if path.is_dir() else path.parent for path in paths}:
        index = folder / "index.csv"
        if not index.is_file():
            continue
        with index.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row.get("file") and row.get("source"):
                    urls[str(folder / row["file"])] = row["source"].split(" ")[0]
    return urls


def command_parse(args: argparse.Namespace) -> int:
    from loaders import UnreadableFile, archive_as_one, parse_document, read_path
    from loaders.export import release_to_dict
    from loaders.readers import iter_release_paths

    output, failed = [], 0
    for path in iter_release_paths([Path(p) for p in args.paths]):
        try:
            document = read_path(path)
            parsed = [archive_as_one(document)] if document.format == "archive" else parse_document(document)
        except (UnreadableFile, OSError) as error:
            print(f"{path}: {error}", file=sys.stderr)
            failed += 1
            continue
        output.extend(release_to_dict(release) for release in parsed)
    if args.json:
        json.dump(output, sys.stdout, indent=1 if args.pretty else None, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for item in output:
            print(f"{item['source']}: {item['published']}, {len(item['strikes'])} strike reports, "
                  f"{len(item['diagnostics'])} diagnostics")
    return 1 if failed else 0


def _print_table(rows: list[list[str]], header: list[str]) -> None:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)))


def command_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from db.engine import session_factory
    from db.ingest import ingest_files
    from loaders.readers import iter_release_paths

    paths = iter_release_paths([Path(p) for p in args.paths])
    if not paths:
        print("no release files found", file=sys.stderr)
        return 1
    urls = _source_urls([Path(p) for p in args.paths])
    factory = session_factory()
    bar = tqdm(total=len(paths), unit="file", disable=args.quiet, file=sys.stderr)

    def files():
        for path in paths:
            try:
                data = path.read_bytes()
            except OSError as error:
                data = b""
                print(f"{path}: {error}", file=sys.stderr)
            yield str(path), data

    def progress(_outcome):
        bar.update(1)

    result = ingest_files(factory, files(), user_name=args.user, origin="cli", source_urls=urls, on_progress=progress)
    bar.close()
    totals: dict[str, int] = {"new": 0, "duplicate": 0, "revision": 0, "failed": 0}
    strikes = targets = warnings = 0
    for item in result.files:
        totals[item.outcome] += 1
        if item.outcome in ("new", "revision"):
            strikes, targets, warnings = strikes + item.strikes, targets + item.targets, warnings + item.warnings
        if item.outcome == "failed":
            print(f"failed: {item.source}: {item.reason}", file=sys.stderr)
    print(f"import {result.import_id}")
    _print_table(
        [[totals["new"], totals["revision"], totals["duplicate"], totals["failed"], strikes, targets, warnings]],
        ["new", "revision", "duplicate", "failed", "strikes", "targets", "warnings"],
    )
    return 1 if result.failed else 0


def command_reparse(args: argparse.Namespace) -> int:
    from db.engine import session_factory
    from db.maintenance import reparse_all

    count = reparse_all(session_factory())
    print(f"reparsed {count} releases")
    return 0


def command_imports(args: argparse.Namespace) -> int:
    from db.engine import session_factory
    from db.maintenance import list_imports

    rows = [
        [item.id, item.created_at.strftime("%Y-%m-%d %H:%M"), item.user_name, item.origin,
         len(item.summary.get("files", [])), item.undone_at.strftime("%Y-%m-%d %H:%M") if item.undone_at else ""]
        for item in list_imports(session_factory())
    ]
    _print_table(rows, ["id", "when", "who", "origin", "files", "undone"])
    return 0


def command_undo(args: argparse.Namespace) -> int:
    from db.engine import session_factory
    from db.maintenance import undo_import

    result = undo_import(session_factory(), args.import_id, user_name=args.user)
    print(f"undid import {args.import_id}: removed {result.removed} releases, restored {result.restored}")
    return 0


def command_starter(args: argparse.Namespace) -> int:
    from db.starter import build_starter_data

    summary = build_starter_data(Path(args.corpus), Path(args.output) if args.output else None)
    print(summary)
    return 0


def command_measure(args: argparse.Namespace) -> int:
    from loaders.measure import as_markdown, measure_corpus

    print(as_markdown(measure_corpus(Path(args.corpus))), end="")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loaders", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    parse = commands.add_parser("parse", help="parse files without touching the database")
    parse.add_argument("paths", nargs="+")
    parse.add_argument("--json", action="store_true", help="print a JSON array, one object per release")
    parse.add_argument("--pretty", action="store_true")
    parse.set_defaults(run=command_parse)
    ingest = commands.add_parser("ingest", help="store release files and folders in the database")
    ingest.add_argument("paths", nargs="+")
    ingest.add_argument("--user", default="cli")
    ingest.add_argument("--quiet", action="store_true")
    ingest.set_defaults(run=command_ingest)
    reparse = commands.add_parser("reparse", help="rebuild derived rows from the stored raw text")
    reparse.set_defaults(run=command_reparse)
    imports = commands.add_parser("imports", help="list imports")
    imports.set_defaults(run=command_imports)
    undo = commands.add_parser("undo", help="undo one import")
    undo.add_argument("import_id", type=int)
    undo.add_argument("--user", default="cli")
    undo.set_defaults(run=command_undo)
    starter = commands.add_parser("starter", help="rebuild the bundled starter data from the corpus")
    starter.add_argument("--corpus", default=str(Path(__file__).resolve().parents[2] / "shared" / "corpus"))
    starter.add_argument("--output")
    starter.set_defaults(run=command_starter)
    measure = commands.add_parser("measure", help="measure the parser on a corpus folder (Markdown report)")
    measure.add_argument("corpus", nargs="?", default=str(Path(__file__).resolve().parents[2] / "shared" / "corpus"))
    measure.set_defaults(run=command_measure)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
