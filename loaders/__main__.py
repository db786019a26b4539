"""The loaders' command line: what needs no database (the data verbs are in `python -m db`;
`python3 manage.py <verb>` runs either).

    parse PATH... [--json]     parse release files and folders, print what was read
    measure [CORPUS]           measure the parser on the corpus (Markdown)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


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
    measure = commands.add_parser("measure", help="measure the parser on a corpus folder (Markdown report)")
    measure.add_argument("corpus", nargs="?", default=str(Path(__file__).resolve().parents[2] / "shared" / "corpus"))
    measure.set_defaults(run=command_measure)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
