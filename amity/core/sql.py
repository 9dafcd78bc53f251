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
            f"FROM {qn(model._meta.db_table)} WHERE {qn(model._meta.get_field(column).column)} ")
    size = len(values) if connection.vendor == "postgresql" else 500
    out: list[tuple] = []
    with connection.cursor() as cur:
        for start in range(0, len(values), size):
            condition, params = in_values(values[start:start + size])
            cur.execute(head + condition, params)
            out.extend(cur.fetchall())
    return out


def in_values(values: list) -> tuple[str, list]:
    """(SQL, parameters) of "column is one of ``values``", to follow the column: ``= ANY(%s)`` with one array on
    PostgreSQL (the server parses a long IN list value by value), ``IN (%s, ...)`` elsewhere."""
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [list(values)]
    return f"IN ({', '.join(['%s'] * len(values))})", list(values)


def update_rows(model, objs: list, names: list[str]) -> int:
    """Write the fields ``names`` of ``objs`` (saved instances) by primary key; the number of rows updated.
    PostgreSQL: one ``UPDATE ... FROM (VALUES ...)`` (psycopg's executemany sends, and the server parses and plans,
    each row); elsewhere one prepared UPDATE through executemany (Django's bulk_update builds CASE expressions:
    ~10x slower here)."""
    if not objs:
        return 0
    fields = [model._meta.get_field(n) for n in names]
    qn = connection.ops.quote_name
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    rows = [[f.get_db_prep_save(getattr(o, f.attname), connection) for f in fields] + [o.pk] for o in objs]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            columns = ", ".join(f"{qn(f.column)} = v.{qn(f.column)}::{f.db_type(connection)}" for f in fields)
            names_sql = ", ".join([*(qn(f.column) for f in fields), "pk__"])
            values = ", ".join([f"({', '.join(['%s'] * (len(fields) + 1))})"] * len(rows))
            cur.execute(f"UPDATE {table} AS t SET {columns} FROM (VALUES {values}) AS v({names_sql}) "
                        f"WHERE t.{pk} = v.pk__::{model._meta.pk.db_type(connection)}",
                        [value for row in rows for value in row])
        else:
            columns = ", ".join(f"{qn(f.column)} = %s" for f in fields)
            cur.executemany(f"UPDATE {table} SET {columns} WHERE {pk} = %s", rows)
        return cur.rowcount


def chunks(values, size: int = 900):
    """``values`` sorted, in lists of at most ``size`` (SQLite binds at most 999 parameters a statement)."""
    values = sorted(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]
