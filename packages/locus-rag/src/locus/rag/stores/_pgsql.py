"""The SQL of :class:`PgVectorStore`: DDL, filters as JSONB predicates, search.

Pure functions returning ``(sql, params)`` so the statements can be checked
without a pgvector server, and the filter predicates run on any PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from locus.core.errors import ValidationError
from locus.rag.stores._filters import check_filter
from locus.rag.stores.base import Filter

__all__ = [
    "DISTANCE_OPS",
    "INDEX_OPS",
    "create_statements",
    "ident",
    "search_sql",
    "vector_literal",
    "where_sql",
]

DISTANCE_OPS = {"cosine": "<=>", "dot": "<#>", "l2": "<->"}
"""pgvector's distance operators (``<#>`` is the negated inner product)."""
INDEX_OPS = {"cosine": "vector_cosine_ops", "dot": "vector_ip_ops", "l2": "vector_l2_ops"}
_RANGE = {"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}


def ident(name: str) -> str:
    """A quoted SQL identifier, or :class:`ValidationError` for an unsafe name."""
    if not name or not name.replace("_", "").isalnum() or name[0].isdigit():
        raise ValidationError(f"names must be letters, digits and '_', got {name!r}")
    return f'"{name}"'


def vector_literal(vector: Sequence[float]) -> str:
    """pgvector's text form, ``[0.1,0.2]`` (sent as a parameter cast to ``vector``)."""
    return "[" + ",".join(repr(float(x)) for x in vector) + "]"


def create_statements(
    schema: str,
    table: str,
    dimension: int,
    metric: str,
    index_type: str = "hnsw",
    *,
    hnsw_m: int = 16,
    hnsw_ef_construction: int = 64,
    ivf_lists: int = 100,
) -> list[str]:
    """Extension, schema, table and ANN index, all idempotent."""
    t = f"{ident(schema)}.{ident(table)}"
    statements = [
        "CREATE EXTENSION IF NOT EXISTS vector",
        f"CREATE SCHEMA IF NOT EXISTS {ident(schema)}",
        f"CREATE TABLE IF NOT EXISTS {t} ("
        "id text PRIMARY KEY, content text NOT NULL, metadata jsonb NOT NULL, "
        f"embedding vector({int(dimension)}) NOT NULL, created_at double precision NOT NULL, "
        "content_type text NOT NULL)",
    ]
    ops = INDEX_OPS[metric]
    index = ident(f"{table}_embedding_idx")
    if index_type == "hnsw":
        statements.append(
            f"CREATE INDEX IF NOT EXISTS {index} ON {t} USING hnsw (embedding {ops}) "
            f"WITH (m = {int(hnsw_m)}, ef_construction = {int(hnsw_ef_construction)})"
        )
    elif index_type == "ivfflat":
        statements.append(
            f"CREATE INDEX IF NOT EXISTS {index} ON {t} USING ivfflat (embedding {ops}) "
            f"WITH (lists = {int(ivf_lists)})"
        )
    elif index_type != "flat":
        raise ValidationError(f"index_type must be hnsw, ivfflat or flat, got {index_type!r}")
    return statements


def _scalar(value: Any) -> str:
    return json.dumps(value, allow_nan=False)


def _condition(key: str, op: str, value: Any, params: list[Any]) -> str:
    field = "(metadata -> %s)"
    if op == "$eq":
        if value is None:
            params.append(key)
            return "jsonb_typeof(metadata -> %s) = 'null'"
        params += [key, _scalar(value)]
        return f"{field} = %s::jsonb"
    if op == "$ne":
        if value is None:
            params.append(key)
            return "jsonb_typeof(metadata -> %s) IS DISTINCT FROM 'null'"
        params += [key, _scalar(value)]
        return f"{field} IS DISTINCT FROM %s::jsonb"
    if op in ("$in", "$nin"):
        params += [key, [_scalar(v) for v in value]]
        test = f"coalesce({field} = ANY(%s::jsonb[]), false)"
        return test if op == "$in" else f"NOT {test}"
    sql_op = _RANGE[op]
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return "false"
    if isinstance(value, str):
        params += [key, key, value]
        return (
            "CASE WHEN jsonb_typeof(metadata -> %s) = 'string' "
            f'THEN (metadata ->> %s) COLLATE "C" {sql_op} %s ELSE false END'
        )
    params += [key, key, float(value)]
    return (
        "CASE WHEN jsonb_typeof(metadata -> %s) = 'number' "
        f"THEN (metadata ->> %s)::double precision {sql_op} %s ELSE false END"
    )


def where_sql(filter: Filter | None) -> tuple[str, list[Any]]:
    """A locus filter as a SQL predicate over the ``metadata`` jsonb column."""
    if not filter:
        return "true", []
    check_filter(filter)
    params: list[Any] = []
    return _where(filter, params), params


def _where(filter: Filter, params: list[Any]) -> str:
    parts: list[str] = []
    for key, cond in filter.items():
        if key in ("$and", "$or"):
            subs = [_where(sub, params) for sub in cond]
            joiner = " AND " if key == "$and" else " OR "
            parts.append("(" + joiner.join(subs) + ")")
        elif isinstance(cond, dict):
            parts.extend(_condition(key, op, value, params) for op, value in cond.items())
        else:
            parts.append(_condition(key, "$eq", cond, params))
    return "(" + " AND ".join(parts or ["true"]) + ")"


def search_sql(
    schema: str, table: str, metric: str, query: Sequence[float], limit: int, filter: Filter | None
) -> tuple[str, list[Any]]:
    """The nearest-neighbour query: ``ORDER BY embedding <op> query LIMIT n``."""
    where, params = where_sql(filter)
    op = DISTANCE_OPS[metric]
    vec = vector_literal(query)
    sql = (
        f"SELECT id, content, metadata, created_at, content_type, embedding {op} %s::vector "
        f"AS distance FROM {ident(schema)}.{ident(table)} WHERE {where} "
        f"ORDER BY embedding {op} %s::vector LIMIT %s"
    )
    return sql, [vec, *params, vec, int(limit)]
