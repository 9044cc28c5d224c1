"""Model instances read by one plain SQL statement, without the ORM's query compiler.

For the few reads on the hottest path (the near-me search: every request loads a page of
practitioners, their locations, credentials and prices), compiling each queryset cost more
than the database took to answer it (~1–2 ms a query on these machines, against ~0.3 ms of
SQLite). `instances` writes the SELECT itself and builds the instances the way the ORM does
(each column through the backend's and the field's converters, then `Model.from_db`), so what
comes back is an ordinary instance with the other fields deferred."""

from collections.abc import Sequence
from typing import Any, TypeVar, cast

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


def placeholders(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def instances(
    model: type[M],
    fields: Sequence[str],
    where: str,
    params: Sequence[Any],
    *,
    order_by: str = "",
) -> list[M]:
    """`SELECT fields FROM model's table WHERE where [ORDER BY order_by]` as instances of
    `model` (the primary key is always read). `where` and `order_by` are SQL over the table's
    column names, with %s placeholders for `params`."""
    opts = model._meta
    names = [opts.pk.name, *(name for name in fields if name != opts.pk.name)]
    columns = [cast("models.Field[Any, Any]", opts.get_field(name)) for name in names]
    expressions = [field.get_col(opts.db_table) for field in columns]
    converters = [
        connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        for col in expressions
    ]
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {', '.join(quote(f.column) for f in columns)} "
        f"FROM {quote(opts.db_table)} WHERE {where}"
    )
    if order_by:
        sql += f" ORDER BY {order_by}"
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    attnames = [field.attname for field in columns]
    found = []
    for row in rows:
        values = []
        for value, col, chain in zip(row, expressions, converters, strict=True):
            for convert in chain:
                value = convert(value, col, connection)
            values.append(value)
        found.append(model.from_db(connection.alias, attnames, values))
    return found
