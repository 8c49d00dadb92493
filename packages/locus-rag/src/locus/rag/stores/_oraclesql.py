"""The SQL of :class:`OracleVectorStore` (Oracle Database 23ai / 26ai AI Vector Search).

Pure functions returning ``(sql, binds)``; filters become SQL/JSON path
predicates (``JSON_EXISTS(metadata, '$?(@."year" >= $v)' PASSING :b0 AS "v")``),
so comparisons are typed the way JSON is.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from locus.core.errors import ValidationError
from locus.rag.stores._filters import check_filter
from locus.rag.stores.base import Filter

__all__ = ["DISTANCES", "create_statements", "search_sql", "table_name", "where_sql"]

DISTANCES = {"cosine": "COSINE", "dot": "DOT", "l2": "EUCLIDEAN"}
_PATH_OPS = {"$eq": "==", "$ne": "==", "$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}


def table_name(name: str) -> str:
    """An unquoted Oracle identifier (upper-cased), or :class:`ValidationError`."""
    if not name or not name.replace("_", "").isalnum() or name[0].isdigit() or len(name) > 100:
        raise ValidationError(f"table names are letters, digits and '_', got {name!r}")
    return name.upper()


def create_statements(
    table: str, dimension: int, metric: str, index_type: str, *, target_accuracy: int = 95
) -> list[str]:
    """Table and vector index, idempotent (``IF NOT EXISTS``, 23ai and later)."""
    t = table_name(table)
    statements = [
        f"CREATE TABLE IF NOT EXISTS {t} (id VARCHAR2(512) PRIMARY KEY, content CLOB NOT NULL, "
        f"metadata JSON NOT NULL, embedding VECTOR({int(dimension)}, FLOAT32) NOT NULL, "
        "created_at BINARY_DOUBLE NOT NULL, content_type VARCHAR2(64) NOT NULL)"
    ]
    organization = {
        "hnsw": "ORGANIZATION INMEMORY NEIGHBOR GRAPH",
        "ivf": "ORGANIZATION NEIGHBOR PARTITIONS",
    }
    if index_type in organization:
        statements.append(
            f"CREATE VECTOR INDEX IF NOT EXISTS {t}_VIDX ON {t} (embedding) "
            f"{organization[index_type]} DISTANCE {DISTANCES[metric]} "
            f"WITH TARGET ACCURACY {int(target_accuracy)}"
        )
    elif index_type != "flat":
        raise ValidationError(f"index_type must be hnsw, ivf or flat, got {index_type!r}")
    return statements


def _key(key: str) -> str:
    if '"' in key or "\\" in key or not key:
        raise ValidationError(f"metadata keys in Oracle filters cannot contain quotes: {key!r}")
    return f'"{key}"'


def _literal_or_bind(value: Any, binds: dict[str, Any], names: Iterator[str]) -> tuple[str, str]:
    """(path operand, PASSING clause)."""
    if value is None:
        return "null", ""
    if isinstance(value, bool):
        return ("true" if value else "false"), ""
    if not isinstance(value, int | float | str):
        raise ValidationError(
            f"Oracle filters compare strings, numbers, booleans and null: {value!r}"
        )
    name = next(names)
    binds[name] = value
    return "$v", f' PASSING :{name} AS "v"'


def _exists(key: str, op: str, value: Any, binds: dict[str, Any], names: Iterator[str]) -> str:
    operand, passing = _literal_or_bind(value, binds, names)
    return f"JSON_EXISTS(metadata, '$?(@.{_key(key)} {_PATH_OPS[op]} {operand})'{passing})"


def _condition(key: str, op: str, value: Any, binds: dict[str, Any], names: Iterator[str]) -> str:
    if op in ("$in", "$nin"):
        ors = " OR ".join(_exists(key, "$eq", v, binds, names) for v in value) or "1 = 0"
        return f"({ors})" if op == "$in" else f"NOT ({ors})"
    test = _exists(key, op, value, binds, names)
    return f"NOT {test}" if op == "$ne" else test


def where_sql(filter: Filter | None, *, start: int = 0) -> tuple[str, dict[str, Any]]:
    """A locus filter as a SQL predicate over the ``metadata`` JSON column."""
    if not filter:
        return "1 = 1", {}
    check_filter(filter)
    binds: dict[str, Any] = {}
    names = (f"f{i}" for i in itertools.count(start))
    return _where(filter, binds, names), binds


def _where(filter: Filter, binds: dict[str, Any], names: Iterator[str]) -> str:
    parts: list[str] = []
    for key, cond in filter.items():
        if key in ("$and", "$or"):
            joiner = " AND " if key == "$and" else " OR "
            parts.append("(" + joiner.join(_where(sub, binds, names) for sub in cond) + ")")
        elif isinstance(cond, dict):
            parts.extend(_condition(key, op, v, binds, names) for op, v in cond.items())
        else:
            parts.append(_condition(key, "$eq", cond, binds, names))
    return "(" + " AND ".join(parts or ["1 = 1"]) + ")"


def search_sql(
    table: str, metric: str, index_type: str, limit: int, filter: Filter | None
) -> tuple[str, dict[str, Any]]:
    """``ORDER BY VECTOR_DISTANCE(...) FETCH [APPROX] FIRST :k ROWS ONLY`` (``:query`` unbound)."""
    where, binds = where_sql(filter)
    approx = "" if index_type == "flat" else "APPROX "
    sql = (
        "SELECT id, content, metadata, created_at, content_type, "
        f"VECTOR_DISTANCE(embedding, :query, {DISTANCES[metric]}) AS distance "
        f"FROM {table_name(table)} WHERE {where} "
        f"ORDER BY distance FETCH {approx}FIRST :k ROWS ONLY"
    )
    binds["k"] = int(limit)
    return sql, binds
