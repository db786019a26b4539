"""What each page shows, loaded in plain functions of a database session: one module per page,
each with typed results (frozen dataclasses and DataFrames). Pages call them through
dashboard.data.load (cached per data version); tests and the benchmark call them directly.

A loader takes only what changes its result (filters and the page's own view), so a widget
that changes one part of a page reruns only that part's loader. Loaders call the queries as
``queries.name(db, ...)``: the benchmark times each query by wrapping db.queries."""
