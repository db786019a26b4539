"""The data command line (`python3 manage.py <verb>` runs it in the project's environment).
Every verb first brings the configured database (DATABASE_URL, else data/strikes.db) up to date.

    ingest PATH... [--user NAME]   store release files and folders (and published-totals CSVs)
    imports                        the import log
    undo IMPORT_ID [--user NAME]   undo one import
    reparse                        rebuild derived rows from the stored release texts
    starter [--corpus DIR] [--output FILE [--force]]
                                   rebuild the starter data from the corpus: rewrites the tracked
                                   data/starter.json.gz unless --output names another file
    users add NAME                 create a staff account or reset its password (asked twice, or
                                   read from standard input with --password-stdin)
    users list                     list staff accounts
    migrate                        bring the database up to date, and nothing else
    audit [--all]                  check that every strike is counted once, on its days, in its
                                   country (db/audit.py); exits 1 on a violation without a reason
    export --format csv|xlsx|geojson|parquet [--from DATE --to DATE --country NAME ...] [--force] OUT
                                   the filtered data as open-data files (docs/DATA.md)

A relative path is the caller's (manage.py runs this in the folder it was called from). A verb
that writes a file replaces an existing one only with --force; a file it cannot write is told in
one line, exit 2.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from sqlalchemy.orm import Session, sessionmaker

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _database() -> sessionmaker[Session]:
    from db.engine import session_factory
    from db.schema import migrate

    return session_factory(migrate())


def _data_to_read() -> sessionmaker[Session]:
    """The database for a verb that reads its data: one that has never had an import gets the
    starter data first, as `serve` gives it (said on stderr), never an empty file unexplained."""
    from db.starter import load_starter_data, never_imported

    factory = _database()
    if never_imported(factory) and (loaded := load_starter_data(factory)):
        print(f"a database without any import: loaded {loaded:,} releases of starter data first, as serve does",
              file=sys.stderr)
    return factory


def _print_table(rows: list[list], header: list[str]) -> None:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)))


def command_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from db.ingest import ingest_files
    from loaders.readers import iter_release_paths, source_notes

    paths = iter_release_paths([Path(p) for p in args.paths])
    if not paths:
        print("no release files found", file=sys.stderr)
        return 1
    factory = _database()
    bar = tqdm(total=len(paths), unit="file", disable=args.quiet, file=sys.stderr)

    def files():
        for path in paths:
            try:
                data = path.read_bytes()
            except OSError as error:
                data = b""
                print(f"{path}: {error}", file=sys.stderr)
            yield str(path), data

    result = ingest_files(factory, files(), user_name=args.user, origin="cli",
                          source_notes=source_notes([Path(p) for p in args.paths]), on_progress=lambda _: bar.update(1))
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


def command_imports(args: argparse.Namespace) -> int:
    import pandas as pd

    from db.queries import imports_log

    with _database()() as session:
        log = imports_log(session, limit=200)  # the Upload page's import log
    minute = "%Y-%m-%d %H:%M"
    rows = [[row.id, row.when.strftime(minute), row.who, row.origin, row.state, row.files,
             row.undone.strftime(minute) if pd.notna(row.undone) else ""]
            for row in log.itertuples()]
    _print_table(rows, list(log.columns))
    return 0


def command_undo(args: argparse.Namespace) -> int:
    from db.maintenance import UndoError, undo_import

    try:
        result = undo_import(_database(), args.import_id, user_name=args.user)
    except UndoError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"undid import {args.import_id}: removed {result.removed} releases, restored {result.restored}")
    return 0


def command_reparse(args: argparse.Namespace) -> int:
    from db.maintenance import reparse_all

    print(f"reparsed {reparse_all(_database())} releases")
    return 0


def command_starter(args: argparse.Namespace) -> int:
    from db.starter import build_starter_data

    output = Path(args.output) if args.output else None  # None: the bundled file, which it rebuilds
    if output is not None:
        try:
            _may_write(output, args.force)
        except OutputError as error:
            print(error, file=sys.stderr)
            return 2
    print(build_starter_data(Path(args.corpus), output))
    return 0


def command_users(args: argparse.Namespace) -> int:
    from db.accounts import add_user, list_users

    factory = _database()
    if args.action == "list":
        for name in list_users(factory):
            print(name)
        return 0
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password: ")
        if password != getpass.getpass("again: "):
            print("the passwords differ", file=sys.stderr)
            return 1
    try:
        add_user(factory, args.name, password)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"staff account {args.name!r} saved")
    return 0


def command_migrate(args: argparse.Namespace) -> int:
    _database()
    print("the database is up to date")
    return 0


class OutputError(Exception):
    """A file the command line will not or cannot write, said in words."""


def _may_write(out: Path, force: bool) -> None:
    """Refuse a folder, and an existing file (or link) unless force."""
    if out.is_dir():
        raise OutputError(f"{out} is a folder: name a file to write")
    if not force and (out.exists() or out.is_symlink()):
        raise OutputError(f"{out} exists already: add --force to replace it")


@contextmanager
def _new_file(out: Path, force: bool) -> Iterator[IO[bytes]]:
    """A stream to a new file beside out that becomes out when the block completes; on any
    error it is removed and out is left as it was. The file is created exclusively under a new
    name (tempfile.mkstemp: O_CREAT | O_EXCL | O_NOFOLLOW), never an existing file or a link
    someone left there; out is replaced (a link at out itself, not what it points to) only with
    force, and without force a file that appeared meanwhile is kept (a hard link never replaces)."""
    _may_write(out, force)
    try:
        handle, name = tempfile.mkstemp(dir=out.parent, prefix=f"{out.name}.", suffix=".part")
    except FileNotFoundError:
        raise OutputError(f"{out}: no folder {out.parent}") from None
    except OSError as error:
        raise OutputError(f"{out}: {error.strerror or error}") from None
    partial = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            if hasattr(os, "fchmod"):  # the permissions of any new file (mkstemp makes it private)
                mask = os.umask(0)
                os.umask(mask)
                os.fchmod(stream.fileno(), 0o666 & ~mask)
            yield stream
        if force:
            os.replace(partial, out)
        else:
            try:
                os.link(partial, out)
            except FileExistsError:
                raise OutputError(f"{out} exists already: add --force to replace it") from None
            except OSError:  # a file system without hard links
                _may_write(out, force)
                os.replace(partial, out)
    except OSError as error:
        raise OutputError(f"{out}: {error.strerror or error}") from None
    finally:
        partial.unlink(missing_ok=True)


def command_export(args: argparse.Namespace) -> int:
    from db.open_data import export, table_rows, workbook_warning
    from db.queries import Filters

    def names(values: list[str] | None) -> tuple[str, ...]:
        return tuple(sorted({name.strip() for value in values or [] for name in value.split(",") if name.strip()}))

    filters = Filters(start=args.start, end=args.end, countries=names(args.country), provinces=names(args.province),
                      places=names(args.place), categories=names(args.category), types=names(args.type),
                      actions=names(args.action))
    out = Path(args.out)
    try:
        _may_write(out, args.force)  # before the database is opened
        with _new_file(out, args.force) as stream, _data_to_read()() as session:  # a failed export leaves no file
            if args.format == "xlsx":
                rows = table_rows(session, filters)
                wanted = {name: rows[name] for name in ([args.table] if args.table else rows)}
                if warning := workbook_warning(wanted, faster="--format csv or parquet"):
                    print(warning, file=sys.stderr)
            counts = export(session, args.format, filters, stream, table=args.table)
    except OutputError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"{out}: " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))
    return 0


def _day(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def command_audit(args: argparse.Namespace) -> int:
    from db.audit import audit

    with _data_to_read()() as session:
        report = audit(session)
    for check in report.checks:
        explained = len(check.findings) - len(check.violations)
        state = "holds" if check.holds else f"{len(check.violations)} violations"
        print(f"{check.name}: {state}" + (f" ({explained} explained)" if explained else "") + f" - {check.rule}")
        shown = check.findings if args.all else check.violations
        for finding in shown:
            print(f"  {finding.subject}: {finding.figures}" + (f" [{finding.reason}]" if finding.reason else ""))
            if finding.sentence:
                print(f"    \"{finding.sentence[:200]}\"")
    violations = report.violations
    print(f"{len(violations)} violations, {len(report.explained)} explained")
    return 1 if violations else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 manage.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    ingest = commands.add_parser("ingest", help="store release files and folders in the database")
    ingest.add_argument("paths", nargs="+")
    ingest.add_argument("--user", default="cli")
    ingest.add_argument("--quiet", action="store_true")
    ingest.set_defaults(run=command_ingest)
    commands.add_parser("imports", help="the import log").set_defaults(run=command_imports)
    undo = commands.add_parser("undo", help="undo one import")
    undo.add_argument("import_id", type=int)
    undo.add_argument("--user", default="cli")
    undo.set_defaults(run=command_undo)
    commands.add_parser("reparse", help="rebuild derived rows from the stored texts").set_defaults(run=command_reparse)
    starter = commands.add_parser("starter", help="rebuild the bundled starter data from the corpus")
    starter.add_argument("--corpus", default=str(CORPUS))
    starter.add_argument("--output", help="the file to write (default: the bundled data/starter.json.gz)")
    starter.add_argument("--force", action="store_true", help="replace --output if it exists")
    starter.set_defaults(run=command_starter)
    users = commands.add_parser("users", help="staff accounts")
    users.set_defaults(run=command_users)
    user_commands = users.add_subparsers(dest="action", required=True)
    add = user_commands.add_parser("add", help="create a staff account or reset its password")
    add.add_argument("name")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    user_commands.add_parser("list", help="list staff accounts")
    commands.add_parser("migrate", help="bring the database up to date").set_defaults(run=command_migrate)
    audit = commands.add_parser("audit", help="check every strike is counted once, on its days, in its country")
    audit.add_argument("--all", action="store_true", help="list the explained findings too")
    audit.set_defaults(run=command_audit)
    from db.data_dictionary import FORMATS, TABLES

    export = commands.add_parser("export", help="the filtered data as open-data files (docs/DATA.md)")
    export.add_argument("out", help="the file to write (a .zip for csv and parquet, unless --table is given)")
    export.add_argument("--format", choices=list(FORMATS), default="csv")
    export.add_argument("--table", choices=list(TABLES), help="one table alone, as a .csv, .parquet or .xlsx")
    export.add_argument("--force", action="store_true", help="replace OUT if it exists")
    export.add_argument("--from", dest="start", type=_day, help="first strike day, YYYY-MM-DD")
    export.add_argument("--to", dest="end", type=_day, help="last strike day, YYYY-MM-DD")
    for name in ("country", "province", "place", "category", "type", "action"):
        export.add_argument(f"--{name}", action="append", help=f"a {name} (repeat it, or separate names by commas)")
    export.set_defaults(run=command_export)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
