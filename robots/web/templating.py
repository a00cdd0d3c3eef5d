"""Templates in recipes: ``{field}``, ``{lines[0].amount}``, ``{n}``, filters ``{issue_date|date:%Y/%m/%d}``.

A template is text with expressions in braces; ``{{`` and ``}}`` are literal braces. An expression is a path
(names joined by ``.``, list indexes in ``[]``) followed by filters, each ``|name`` or ``|name:argument``.
A template that is exactly one expression keeps the value's type (a list for ``for_each``, a date, an int);
anything else renders to text. ``None`` renders as the empty string and passes through every filter but
``default``.

Filters (see ``FILTERS``): dates ``date:%Y/%m/%d`` and ``wareki`` (令和6年4月1日); amounts ``yen`` (12080) and
``comma`` (12,080); kana ``zenkaku_kana``, ``hankaku_kana``, ``katakana``, ``hiragana``; text ``upper``,
``lower``, ``strip``, ``nfkc``, ``digits``, ``zfill:7``, ``join:、``, ``url``, ``match:REGEX`` (the first
group, or the whole match); ``default:value``; ``table:NAME`` looks the value up in the recipe's ``tables``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

__all__ = [
    "FILTERS",
    "Condition",
    "Expr",
    "Scope",
    "Template",
    "TemplateError",
    "hankaku_kana",
    "parse_template",
    "zenkaku_kana",
]


class TemplateError(ValueError):
    """A template that cannot be parsed or rendered; the message names the template, never a value."""


# -- kana ----------------------------------------------------------------------------------------------
_HALF_KANA = re.compile(r"[\uFF61-\uFF9F]+")


def zenkaku_kana(text: str) -> str:
    """Half-width katakana (ｶﾞ) → full-width (ガ), voiced marks composed; nothing else changes."""
    return _HALF_KANA.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def _build_hankaku() -> dict[str, str]:
    full_to_half: dict[str, str] = {}
    for cp in range(0xFF61, 0xFFA0):
        half = chr(cp)
        full = unicodedata.normalize("NFKC", half)
        if len(full) == 1 and full not in full_to_half:
            full_to_half[full] = half
    table: dict[str, str] = dict(full_to_half)
    for cp in range(0x30A1, 0x30FF):
        ch = chr(cp)
        if ch in table:
            continue
        base, *marks = unicodedata.normalize("NFD", ch)
        if base in full_to_half and marks in (["\u3099"], ["\u309a"]):
            table[ch] = full_to_half[base] + ("\uff9e" if marks == ["\u3099"] else "\uff9f")
    table["\u3000"] = " "  # ideographic space
    return table


_HANKAKU = _build_hankaku()


def katakana(text: str) -> str:
    """Hiragana → katakana (やまだ → ヤマダ)."""
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


def hiragana(text: str) -> str:
    """Katakana → hiragana (ヤマダ → やまだ); half-width katakana is made full-width first."""
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in zenkaku_kana(text))


def hankaku_kana(text: str) -> str:
    """Kana → half-width katakana (やまだ たろう → ﾔﾏﾀﾞ ﾀﾛｳ), as bank-account holder fields want it; full-width
    letters and digits become ASCII. Kana without a half-width form (ヵ, ヶ, ヮ) stay as they are."""
    text = katakana(text)
    text = "".join(
        unicodedata.normalize("NFKC", c) if "\uff01" <= c <= "\uff5e" else c for c in text
    )  # full-width ASCII
    return "".join(_HANKAKU.get(c, c) for c in text)


# -- dates and amounts -------------------------------------------------------------------------------
_ERAS = (
    (dt.date(2019, 5, 1), "令和"),
    (dt.date(1989, 1, 8), "平成"),
    (dt.date(1926, 12, 25), "昭和"),
    (dt.date(1912, 7, 30), "大正"),
)


def _as_date(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise TemplateError(f"{what}: expects a date (or YYYY-MM-DD), got a {type(value).__name__}")


def _wareki(value: Any, _arg: str | None) -> str:
    d = _as_date(value, "|wareki")
    for start, era in _ERAS:
        if d >= start:
            year = d.year - start.year + 1
            return f"{era}{'元' if year == 1 else year}年{d.month}月{d.day}日"
    raise TemplateError("|wareki: dates before 大正 are not supported")


def _as_int(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise TemplateError(f"{what}: expects an amount, got a bool")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        from robots.jp.amounts import AmountParseError, parse_amount

        try:
            return parse_amount(value).value
        except AmountParseError as exc:
            raise TemplateError(f"{what}: expects an amount, got text that is not one") from exc
    raise TemplateError(f"{what}: expects an amount, got a {type(value).__name__}")


# -- filters -------------------------------------------------------------------------------------------
Filter = Callable[[Any, str | None], Any]


def _text(fn: Callable[[str], str]) -> Filter:
    return lambda value, _arg: fn(str(value))


def _need_arg(name: str, arg: str | None) -> str:
    if arg is None:
        raise TemplateError(f"|{name} needs an argument ({name}:…)")
    return arg


def _zfill(value: Any, arg: str | None) -> str:
    width = _need_arg("zfill", arg)
    if not width.isdigit():
        raise TemplateError("|zfill: the argument is a width (zfill:7)")
    return str(value).zfill(int(width))


def _join(value: Any, arg: str | None) -> str:
    if not isinstance(value, list | tuple):
        raise TemplateError("|join: expects a list")
    return (arg if arg is not None else ",").join(str(v) for v in value)


def _match(value: Any, arg: str | None) -> str:
    pattern = _need_arg("match", arg)
    try:
        m = re.search(pattern, str(value))
    except re.error as exc:
        raise TemplateError(f"|match:{pattern}: not a regular expression ({exc})") from exc
    if m is None:
        raise TemplateError(f"|match:{pattern}: the text does not match")
    return m.group(1) if m.groups() else m.group(0)


FILTERS: dict[str, Filter] = {
    "date": lambda v, arg: _as_date(v, "|date").strftime(arg or "%Y-%m-%d"),
    "wareki": _wareki,
    "yen": lambda v, _arg: str(_as_int(v, "|yen")),
    "comma": lambda v, _arg: f"{_as_int(v, '|comma'):,}",
    "zenkaku_kana": _text(zenkaku_kana),
    "hankaku_kana": _text(hankaku_kana),
    "katakana": _text(katakana),
    "hiragana": _text(hiragana),
    "upper": _text(str.upper),
    "lower": _text(str.lower),
    "strip": _text(str.strip),
    "nfkc": _text(lambda s: unicodedata.normalize("NFKC", s)),
    "digits": _text(lambda s: re.sub(r"\D", "", unicodedata.normalize("NFKC", s))),
    "zfill": _zfill,
    "join": _join,
    "url": _text(lambda s: quote(s, safe="")),
    "match": _match,
}
# Filters that need the recipe (``table``) or see None (``default``) are handled in Expr.apply.
_SPECIAL = {"default", "table"}


# -- parsing -------------------------------------------------------------------------------------------
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_PATH = re.compile(rf"^{_NAME}(?:\.{_NAME}|\[\d+\])*$")
_SEGMENT = re.compile(rf"\.?({_NAME})|\[(\d+)\]")


@dataclass(frozen=True)
class Expr:
    """One ``{path|filter:arg}`` expression."""

    source: str
    path: tuple[str | int, ...]
    filters: tuple[tuple[str, str | None], ...]

    @property
    def root(self) -> str:
        return str(self.path[0])

    def names(self) -> set[str]:
        return {p for p in self.path if isinstance(p, str)}

    def evaluate(self, scope: Scope) -> Any:
        value = scope.lookup(self.path, self.source)
        for name, arg in self.filters:
            if name == "default":
                value = (arg or "") if value in (None, "") else value
            elif value is None:
                continue
            elif name == "table":
                value = scope.table(_need_arg("table", arg), value)
            else:
                value = FILTERS[name](value, arg)
        return value


def _parse_expr(text: str) -> Expr:
    path_text, *filter_texts = (part.strip() for part in text.split("|"))
    if not _PATH.match(path_text):
        raise TemplateError(f"{{{text}}}: {path_text!r} is not a field path (like name, lines[0].amount)")
    path: list[str | int] = []
    for m in _SEGMENT.finditer(path_text):
        path.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
    filters: list[tuple[str, str | None]] = []
    for f in filter_texts:
        name, sep, arg = f.partition(":")
        name = name.strip()
        if name not in FILTERS and name not in _SPECIAL:
            raise TemplateError(
                f"{{{text}}}: unknown filter {name!r} (filters: {', '.join(sorted(FILTERS))}, default, table)"
            )
        filters.append((name, arg if sep else None))
    return Expr(text, tuple(path), tuple(filters))


@dataclass(frozen=True)
class Template:
    source: str
    parts: tuple[str | Expr, ...]

    @property
    def exprs(self) -> list[Expr]:
        return [p for p in self.parts if isinstance(p, Expr)]

    @property
    def is_single(self) -> bool:
        return len(self.parts) == 1 and isinstance(self.parts[0], Expr)

    def names(self) -> set[str]:
        """Every name on every path (``item.bank_account`` → {item, bank_account})."""
        out: set[str] = set()
        for e in self.exprs:
            out |= e.names()
        return out

    def value(self, scope: Scope) -> Any:
        """The value: typed for a single expression, text otherwise."""
        if self.is_single:
            return self.parts[0].evaluate(scope)  # type: ignore[union-attr]
        return self.render(scope)

    def render(self, scope: Scope, *, escape: Callable[[str], str] | None = None) -> str:
        """Text; ``escape`` (e.g. URL quoting) applies to what each expression produces."""
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            value = part.evaluate(scope)
            text = "" if value is None else _to_text(value)
            out.append(escape(text) if escape else text)
        return "".join(out)


def _to_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@functools.lru_cache(maxsize=4096)
def parse_template(source: str) -> Template:
    """Parse once (cached); TemplateError names the template."""
    parts: list[str | Expr] = []
    buf: list[str] = []
    i = 0
    while i < len(source):
        c = source[i]
        if c == "{" and source.startswith("{{", i):
            buf.append("{")
            i += 2
        elif c == "}" and source.startswith("}}", i):
            buf.append("}")
            i += 2
        elif c == "{":
            end = source.find("}", i)
            if end < 0:
                raise TemplateError(f"template {source!r}: '{{' without a closing '}}'")
            if buf:
                parts.append("".join(buf))
                buf = []
            parts.append(_parse_expr(source[i + 1 : end]))
            i = end + 1
        elif c == "}":
            raise TemplateError(
                f"template {source!r}: '}}' without an opening '{{' (write '}}}}' for a brace)"
            )
        else:
            buf.append(c)
            i += 1
    if buf:
        parts.append("".join(buf))
    return Template(source, tuple(parts))


# -- conditions ----------------------------------------------------------------------------------------
_COND = re.compile(r"^\s*(not\s+)?([^\s=!]+)\s*(?:(==|!=)\s*(.*?))?\s*$")


@dataclass(frozen=True)
class Condition:
    """``when:`` — ``path`` (true when the value is not empty/None/false/0), ``not path``, ``path == text``,
    ``path != text`` (text may be quoted). The path may carry filters: ``kind|upper == EXPENSE``."""

    source: str
    negate: bool
    expr: Expr
    op: str | None
    literal: str | None

    @staticmethod
    def parse(source: str) -> Condition:
        m = _COND.match(source)
        if not m:
            raise TemplateError(f"when {source!r}: expected 'path', 'not path', 'path == x' or 'path != x'")
        negate, path, op, literal = m.groups()
        if negate and op:
            raise TemplateError(f"when {source!r}: 'not' cannot be combined with == or !=")
        if literal is not None and len(literal) >= 2 and literal[0] == literal[-1] and literal[0] in "'\"":
            literal = literal[1:-1]
        return Condition(source, bool(negate), _parse_expr(path), op, literal)

    def holds(self, scope: Scope) -> bool:
        value = self.expr.evaluate(scope)
        if self.op is not None:
            equal = ("" if value is None else _to_text(value)) == self.literal
            return equal if self.op == "==" else not equal
        truthy = value not in (None, "", False, 0, [], {}) and value not in ("false", "0")
        return not truthy if self.negate else truthy


# -- scope ---------------------------------------------------------------------------------------------
class Scope:
    """Names a template can see: locals (n, item, …) over variables over the record's fields.

    Values may be mappings, lists, objects with attributes, or objects with a ``lookup(name)`` method
    (credentials, computed when asked for)."""

    def __init__(
        self,
        *layers: Mapping[str, Any],
        tables: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.layers = layers
        self.tables = tables or {}

    def child(self, **values: Any) -> Scope:
        return Scope(values, *self.layers, tables=self.tables)

    def table(self, name: str, value: Any) -> str:
        if name not in self.tables:
            raise TemplateError(f"|table:{name}: the recipe has no table {name!r}")
        key = _to_text(value)
        try:
            return self.tables[name][key]
        except KeyError:
            raise TemplateError(
                f"|table:{name}: no entry for {key!r} (entries: {', '.join(self.tables[name])})"
            ) from None

    def has(self, name: str) -> bool:
        return any(name in layer for layer in self.layers)

    def lookup(self, path: tuple[str | int, ...], source: str) -> Any:
        root = path[0]
        for layer in self.layers:
            if root in layer:
                value = layer[root]  # type: ignore[index]
                break
        else:
            raise TemplateError(f"{{{source}}}: nothing named {root!r} here")
        for i, key in enumerate(path[1:], start=1):
            value = _step(value, key, source, path[:i])
        return value


def _step(value: Any, key: str | int, source: str, where: tuple[str | int, ...]) -> Any:
    shown = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(where))
    if value is None:
        return None  # an optional part that is absent: the whole path is absent
    if isinstance(key, int):
        if isinstance(value, list | tuple):
            if key < len(value):
                return value[key]
            raise TemplateError(f"{{{source}}}: {shown} has {len(value)} item(s), no [{key}]")
        raise TemplateError(f"{{{source}}}: {shown} is not a list")
    if isinstance(value, Mapping):
        if key in value:
            return value[key]
        raise TemplateError(f"{{{source}}}: {shown} has no {key!r}")
    lookup = getattr(value, "lookup", None)
    if callable(lookup):
        return lookup(key)
    if hasattr(value, key) and not key.startswith("_"):
        return getattr(value, key)
    raise TemplateError(f"{{{source}}}: {shown} has no {key!r}")
