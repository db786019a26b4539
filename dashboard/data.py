"""Cached access to the queries. The engine is a resource; query results are cached per
filters and per data version (read from the database on every run), so an import shows at
once in every app process."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db import queries
from db.queries import Filters
from db.schema import migrate


@st.cache_resource
def engine() -> Engine:
    """The configured database, brought up to date once per app process."""
    return migrate()


def session() -> Session:
    return Session(engine(), expire_on_commit=False)


def data_version() -> str:
    with session() as db:
        return queries.data_version(db)


@st.cache_data(max_entries=256, show_spinner=False)
def run(query_name: str, version: str, filters: Filters | None = None, **kwargs):
    """The result of db.queries.<query_name>(session, filters, **kwargs), cached per data version."""
    query = getattr(queries, query_name)
    with session() as db:
        return query(db, filters, **kwargs) if filters is not None else query(db, **kwargs)


def query(query_name: str, filters: Filters | None = None, **kwargs):
    return run(query_name, st.session_state.get("data_version") or data_version(), filters, **kwargs)
