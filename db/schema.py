"""The database brought up to date at every start (the app once per process, each command-line
verb): the schema by its Alembic migrations, the summaries by their definition, and the import
log by marking the imports whose process ended before they finished."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from db.engine import default_engine, session_factory
from db.ingest import close_stopped_imports
from db.summaries import ensure_built

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def migrate(engine: Engine | None = None) -> Engine:
    """Bring the database (default: the configured one) up to date; returns its engine. Reads
    only, when it is up to date already."""
    engine = engine or default_engine()
    upgrade(engine)
    close_stopped_imports(session_factory(engine))
    return engine


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the latest revision (a no-op when it is there already), then
    the summaries to their current definition (db.summaries)."""
    migrator = engine
    if engine.dialect.name == "sqlite":
        # A plain connection, foreign keys off: SQLite alters a table by copying and dropping
        # it, and with foreign keys on that drop would cascade into every child row.
        migrator = create_engine(engine.url, poolclass=NullPool)
    try:
        with migrator.begin() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        if migrator is not engine:
            migrator.dispose()
    ensure_built(engine)
