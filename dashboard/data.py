"""Cached access to the database for the pages. The engine is a resource; what a page loader
returns is cached per loader, arguments and data version (read from the database on every
run), so an import shows at once in every app process.

A page calls ``load(load_timeline, filters, view)``: the loader is a plain function of a
session (dashboard/page_data/), typed end to end, and tests and the benchmark call the same
function with their own session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from dashboard.page_data.upload import StaffDesk
from db import queries
from db.engine import session_factory
from db.schema import migrate

Args = ParamSpec("Args")
Result = TypeVar("Result")


@st.cache_resource
def engine() -> Engine:
    """The configured database, brought up to date once per app process."""
    return migrate()


@st.cache_resource
def staff_desk() -> StaffDesk:
    """The Upload page's way to the database: sign-in, preview, import and undo."""
    return StaffDesk(session_factory(engine()))


def session() -> Session:
    return Session(engine(), expire_on_commit=False)


def data_version() -> str:
    with session() as db:
        return queries.data_version(db)


@st.cache_data(max_entries=256, show_spinner=False)
def _cached(_loader: Callable, name: str, version: str, args: tuple, kwargs: dict):
    # the loader itself is not hashed (leading underscore): its qualified name stands for it
    with session() as db:
        return _loader(db, *args, **kwargs)


def load(loader: Callable[Concatenate[Session, Args], Result], *args: Args.args, **kwargs: Args.kwargs) -> Result:
    """loader(session, *args, **kwargs), served from the cache while the data are unchanged."""
    version = st.session_state.get("data_version") or data_version()
    return _cached(loader, f"{loader.__module__}.{loader.__qualname__}", version, args, kwargs)


def fresh(loader: Callable[Concatenate[Session, Args], Result], *args: Args.args, **kwargs: Args.kwargs) -> Result:
    """loader(session, *args, **kwargs), never from the cache: what staff act on must be as it is now."""
    with session() as db:
        return loader(db, *args, **kwargs)
