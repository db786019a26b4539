"""Database command line.

    python -m db users add NAME      create a staff account (password asked twice, or read
                                     from standard input with --password-stdin)
    python -m db users list          list staff accounts
    python -m db upgrade             migrate the schema to the latest revision
"""

from __future__ import annotations

import argparse
import getpass
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    users = commands.add_parser("users", help="staff accounts")
    user_commands = users.add_subparsers(dest="action", required=True)
    add = user_commands.add_parser("add", help="create a staff account or reset its password")
    add.add_argument("name")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    user_commands.add_parser("list", help="list staff accounts")
    commands.add_parser("upgrade", help="migrate the schema")
    args = parser.parse_args(argv)

    from db.accounts import add_user, list_users
    from db.engine import session_factory

    if args.command == "upgrade":
        session_factory()
        print("schema is at the latest revision")
        return 0
    factory = session_factory()
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


if __name__ == "__main__":
    sys.exit(main())
