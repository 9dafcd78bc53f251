"""Plain SQL helpers for the batch writers and readers of ingestion (thousands of rows a batch), where Django's
per-value expression building costs more than the query itself."""

from __future__ import annotations

from django.db import connection


def rows_where_in(model, columns: tuple[str, ...], column: str, values: list) -> list[tuple]:
    """``model.objects.filter(<column>__in=values).values_list(*columns)`` for the thousands of values of a batch:
    on PostgreSQL one ``= ANY(array)`` (the server parses a long IN list value by value), elsewhere IN lists of
    500."""
    if not values:
        return []
    qn = connection.ops.quote_name
    head = (f"SELECT {', '.join(qn(model._meta.get_field(c).column) for c in columns)} "
            f"FROM {qn(model._meta.db_table)} WHERE {qn(model._meta.get_field(column).column)}")
    out: list[tuple] = []
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"{head} = ANY(%s)", [list(values)])
            return cur.fetchall()
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            cur.execute(f"{head} IN ({', '.join(['%s'] * len(chunk))})", chunk)
            out.extend(cur.fetchall())
    return out


def chunks(values, size: int = 900):
    """``values`` sorted, in lists of at most ``size`` (SQLite binds at most 999 parameters a statement)."""
    values = sorted(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]
