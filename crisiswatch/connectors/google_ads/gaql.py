"""The small part of the Google Ads Query Language crisiswatch speaks: building and parsing it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crisiswatch.errors import RejectedInput

CAMPAIGN_FIELDS = ("campaign.id", "campaign.name", "campaign.status", "campaign.resource_name")

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
     |(?P<num>-?\d+(?:\.\d+)?(?![\w.]))
     |(?P<op>>=|<=|!=|=|<|>|\(|\)|,)
     |(?P<word>[A-Za-z_][\w.]*)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"SELECT", "FROM", "WHERE", "AND", "IN", "NOT", "LIMIT", "ORDER", "BY", "ASC", "DESC", "PARAMETERS"}


@dataclass(frozen=True, slots=True)
class Condition:
    field: str
    op: str  # = != < <= > >= IN NOT_IN
    value: Any  # str, int, float, or a tuple of them


@dataclass(frozen=True, slots=True)
class Query:
    fields: tuple[str, ...]
    resource: str
    conditions: tuple[Condition, ...] = ()
    limit: int | None = None
    order_by: tuple[str, ...] = field(default=())


def quote(value: str) -> str:
    """A GAQL string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _ids(ids: Sequence[str]) -> str:
    for i in ids:
        if not str(i).isdigit():
            raise RejectedInput(f"{i!r} is not a Google Ads id")
    return "(" + ", ".join(str(i) for i in ids) + ")"


def campaign_query(
    *, status: str | None = "ENABLED", campaign_ids: Sequence[str] | None = None, labels: Sequence[str] | None = None
) -> str:
    """GAQL listing campaigns: by status, by ids, and (through campaign_label) by label names."""
    conds: list[str] = []
    if status is not None:
        conds.append(f"campaign.status = '{status}'")
    else:
        conds.append("campaign.status IN ('ENABLED', 'PAUSED', 'REMOVED')")
    if campaign_ids:
        conds.append(f"campaign.id IN {_ids(campaign_ids)}")
    select = ", ".join(CAMPAIGN_FIELDS)
    if labels:
        conds.append("label.name IN (" + ", ".join(quote(x) for x in labels) + ")")
        return f"SELECT {select}, label.name FROM campaign_label WHERE " + " AND ".join(conds)
    return f"SELECT {select} FROM campaign WHERE " + " AND ".join(conds)


def change_status_query(customer_id: str, campaign_ids: Sequence[str], since: datetime, limit: int = 10000) -> str:
    """GAQL for the last change of each campaign since `since` (a time in the account's zone)."""
    names = ", ".join(quote(f"customers/{customer_id}/campaigns/{c}") for c in campaign_ids)
    _ids(campaign_ids)
    return (
        "SELECT change_status.campaign, change_status.last_change_date_time, change_status.resource_status "
        "FROM change_status WHERE change_status.resource_type = 'CAMPAIGN' "
        f"AND change_status.last_change_date_time >= '{since.strftime('%Y-%m-%d %H:%M:%S')}' "
        f"AND change_status.campaign IN ({names}) LIMIT {limit}"
    )


def _unquote(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s[1:-1])


def _tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise RejectedInput(f"unexpected input at position {pos}: {text[pos:pos + 20]!r}")
        pos = m.end()
        kind = m.lastgroup
        raw = m.group(kind)  # type: ignore[arg-type]
        if kind == "str":
            out.append(("value", _unquote(raw)))
        elif kind == "num":
            out.append(("value", float(raw) if "." in raw else int(raw)))
        elif kind == "op":
            out.append(("op", raw))
        elif raw.upper() in _KEYWORDS:
            out.append(("kw", raw.upper()))
        else:
            out.append(("word", raw))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, Any] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, kind: str, value: Any = None) -> Any:
        tok = self.peek()
        if tok is None or tok[0] != kind or (value is not None and tok[1] != value):
            want = value or kind
            raise RejectedInput(f"expected {want}, got {tok[1] if tok else 'end of query'!r}")
        self.i += 1
        return tok[1]

    def accept(self, kind: str, value: Any = None) -> bool:
        tok = self.peek()
        if tok is not None and tok[0] == kind and (value is None or tok[1] == value):
            self.i += 1
            return True
        return False

    def scalar(self) -> Any:
        tok = self.peek()
        if tok and tok[0] in ("value", "word"):  # enum constants may be bare words
            self.i += 1
            return tok[1]
        raise RejectedInput(f"expected a value, got {tok[1] if tok else 'end of query'!r}")

    def condition(self) -> Condition:
        name = self.take("word")
        if self.accept("kw", "NOT"):
            self.take("kw", "IN")
            return Condition(name, "NOT_IN", self.values())
        if self.accept("kw", "IN"):
            return Condition(name, "IN", self.values())
        op = self.take("op")
        if op not in ("=", "!=", "<", "<=", ">", ">="):
            raise RejectedInput(f"unsupported operator {op!r}")
        return Condition(name, op, self.scalar())

    def values(self) -> tuple[Any, ...]:
        self.take("op", "(")
        vals = [self.scalar()]
        while self.accept("op", ","):
            vals.append(self.scalar())
        self.take("op", ")")
        return tuple(vals)

    def query(self) -> Query:
        self.take("kw", "SELECT")
        fields = [self.take("word")]
        while self.accept("op", ","):
            fields.append(self.take("word"))
        self.take("kw", "FROM")
        resource = self.take("word")
        conds: list[Condition] = []
        if self.accept("kw", "WHERE"):
            conds.append(self.condition())
            while self.accept("kw", "AND"):
                conds.append(self.condition())
        order: list[str] = []
        if self.accept("kw", "ORDER"):
            self.take("kw", "BY")
            order.append(self.take("word"))
            self.accept("kw", "ASC") or self.accept("kw", "DESC")
            while self.accept("op", ","):
                order.append(self.take("word"))
                self.accept("kw", "ASC") or self.accept("kw", "DESC")
        limit = None
        if self.accept("kw", "LIMIT"):
            limit = self.take("value")
            if not isinstance(limit, int) or limit < 1:
                raise RejectedInput(f"LIMIT must be a positive integer, got {limit!r}")
        if self.peek() is not None:
            raise RejectedInput(f"unexpected {self.peek()[1]!r} after the query")  # type: ignore[index]
        return Query(tuple(fields), resource, tuple(conds), limit, tuple(order))


def parse(text: str) -> Query:
    """Parse a GAQL query of the supported subset; RejectedInput says where it went wrong."""
    if not text or not text.strip():
        raise RejectedInput("empty query")
    return _Parser(text).query()


def matches(cond: Condition, value: Any) -> bool:
    """Does a row's value satisfy one condition (ids compare as numbers or strings alike)?"""

    def norm(v: Any) -> Any:
        return str(v)

    if cond.op == "IN":
        return norm(value) in {norm(v) for v in cond.value}
    if cond.op == "NOT_IN":
        return norm(value) not in {norm(v) for v in cond.value}
    a, b = value, cond.value
    if isinstance(a, int) and isinstance(b, str) and b.isdigit():
        b = int(b)
    if cond.op == "=":
        return norm(a) == norm(b)
    if cond.op == "!=":
        return norm(a) != norm(b)
    if isinstance(a, str) and not isinstance(b, str):
        b = str(b)
    ops = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}
    return ops[cond.op]
