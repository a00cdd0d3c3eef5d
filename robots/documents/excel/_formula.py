"""A small, safe evaluator for the formulas a form's value cells carry (``=SUM(E9:E14)``, ``=E15*1.1``,
``=ROUNDDOWN(F9*0.1,0)``, ``=IF(C5="","",D5-C5)``) when the file holds no cached value: a workbook written
by openpyxl itself, or by any program that does not calculate.

Why not pycel: pycel turns formula text into Python source and ``exec``s it with the builtins in reach, and
its string escaping is incomplete (a string ending in a backslash leaves its literal); for files that come
from outside that is a risk this reader does not take. It also brings numpy and networkx (about 120 MB).
This evaluator interprets openpyxl's tokens directly, never compiles anything, and supports a fixed list
of functions; anything else raises :class:`UnsupportedFormula`, which the reader reports as a finding.

Semantics follow Excel where forms depend on them: empty cells count as 0 (or ``""``), ``SUM`` over a range
ignores text and booleans, errors (``#DIV/0!`` …) are values that propagate, ``IF`` picks a branch without
failing on the other, unary minus binds tighter than ``^``, ``ROUND`` rounds half away from zero.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal

from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError
from openpyxl.utils.cell import column_index_from_string

__all__ = ["SUPPORTED_FUNCTIONS", "ExcelError", "Range", "UnsupportedFormula", "evaluate_formula"]


class UnsupportedFormula(Exception):
    """The formula uses something this evaluator does not do (a function, a name, another workbook)."""


@dataclass(frozen=True, slots=True)
class ExcelError:
    """An Excel error value (``#DIV/0!``, ``#VALUE!`` …); it propagates like in Excel."""

    code: str


@dataclass(frozen=True, slots=True)
class Range:
    """The values of a rectangular reference, row by row."""

    rows: tuple[tuple[object, ...], ...]

    def values(self) -> Iterator[object]:
        for row in self.rows:
            yield from row


Resolver = Callable[[str, int, int], object]
"""``(sheet title, row, column) -> value`` of a cell, itself evaluating an uncached formula."""
Bounds = Callable[[str], tuple[int, int]]
"""``sheet title -> (max row, max column)`` of its used range, to clip ``A:A`` and ``3:3``."""

_DIV0 = ExcelError("#DIV/0!")
_VALUE = ExcelError("#VALUE!")
_NUM = ExcelError("#NUM!")
_PRECEDENCE = {
    "=": 1,
    "<>": 1,
    "<": 1,
    ">": 1,
    "<=": 1,
    ">=": 1,
    "&": 2,
    "+": 3,
    "-": 3,
    "*": 4,
    "/": 4,
    "^": 5,
}
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
_AREA = re.compile(r"(?:\$?([A-Za-z]{1,3}))?(?:\$?(\d+))?:(?:\$?([A-Za-z]{1,3}))?(?:\$?(\d+))?")
_MAX_COLUMN = 16384
_MAX_ROW = 1048576


def _excel_serial(value: dt.date | dt.datetime | dt.time | dt.timedelta) -> float:
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, dt.datetime):
        delta = value - dt.datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400
    return float((value - dt.date(1899, 12, 30)).days)


def _scalar(value: object) -> object:
    """A cell value as the evaluator sees it: numbers as float, dates and times as serials."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return _excel_serial(value)
    return value


def _to_number(value: object) -> float | ExcelError:
    """Coerce a scalar operand of arithmetic (Excel: empty is 0, numeric text converts, other text fails)."""
    if isinstance(value, ExcelError):
        return value
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if text == "":
            return 0.0 if value == "" else _VALUE
        try:
            return float(text)
        except ValueError:
            return _VALUE
    if isinstance(value, Range):
        return _VALUE
    return _VALUE


def _to_text(value: object) -> str | ExcelError:
    if isinstance(value, ExcelError):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value
    return _VALUE


def _to_bool(value: object) -> bool | ExcelError:
    if isinstance(value, ExcelError):
        return value
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, float):
        return value != 0
    if isinstance(value, str):
        if value.upper() in ("TRUE", "FALSE"):
            return value.upper() == "TRUE"
        return _VALUE
    return _VALUE


def _compare(op: str, a: object, b: object) -> bool | ExcelError:
    if isinstance(a, ExcelError):
        return a
    if isinstance(b, ExcelError):
        return b
    # An empty cell equals both 0 and "".
    if a is None:
        a = "" if isinstance(b, str) else (False if isinstance(b, bool) else 0.0)
    if b is None:
        b = "" if isinstance(a, str) else (False if isinstance(a, bool) else 0.0)

    def rank(v: object) -> int:  # Excel orders numbers < text < booleans
        return 2 if isinstance(v, bool) else 1 if isinstance(v, str) else 0

    ka: tuple[int, object] = (rank(a), a.lower() if isinstance(a, str) else a)
    kb: tuple[int, object] = (rank(b), b.lower() if isinstance(b, str) else b)
    if op == "=":
        return ka == kb
    if op == "<>":
        return ka != kb
    if ka[0] != kb[0]:
        less = ka[0] < kb[0]
        greater = not less
    else:
        less = ka[1] < kb[1]  # type: ignore[operator]
        greater = ka[1] > kb[1]  # type: ignore[operator]
    return {"<": less, ">": greater, "<=": not greater, ">=": not less}[op]


def _arith(op: str, a: object, b: object) -> object:
    x, y = _to_number(a), _to_number(b)
    if isinstance(x, ExcelError):
        return x
    if isinstance(y, ExcelError):
        return y
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "/":
        return _DIV0 if y == 0 else x / y
    try:
        result = x**y
    except (OverflowError, ZeroDivisionError):
        return _NUM
    return _NUM if isinstance(result, complex) else float(result)


# -- functions -----------------------------------------------------------------------------------
def _numbers(args: list[object]) -> list[float] | ExcelError:
    """Numbers of SUM-like arguments: in ranges only numbers count; direct arguments are coerced."""
    out: list[float] = []
    for arg in args:
        if isinstance(arg, Range):
            for v in arg.values():
                if isinstance(v, ExcelError):
                    return v
                if isinstance(v, float) and not isinstance(v, bool):
                    out.append(v)
        else:
            n = _to_number(arg)
            if isinstance(n, ExcelError):
                return n
            out.append(n)
    return out


def _round(args: list[object], mode: str) -> object:
    if len(args) not in (1, 2):
        raise UnsupportedFormula("ROUND takes 1 or 2 arguments")
    x = _to_number(args[0])
    n = _to_number(args[1]) if len(args) == 2 else 0.0
    if isinstance(x, ExcelError):
        return x
    if isinstance(n, ExcelError):
        return n
    places = int(n)
    exponent = Decimal(1).scaleb(-places)
    rounding = {"half": ROUND_HALF_UP, "down": ROUND_DOWN, "up": ROUND_UP}[mode]
    # repr() keeps what the user sees (0.1*3 prints 0.30000000000000004; Decimal(repr) rounds as Excel does
    # for the 15 significant digits it keeps).
    value = Decimal(repr(round(x, 10)))
    return float(value.quantize(exponent, rounding=rounding))


def _fn_sum(args: list[object]) -> object:
    nums = _numbers(args)
    return nums if isinstance(nums, ExcelError) else float(math.fsum(nums))


def _fn_min(args: list[object]) -> object:
    nums = _numbers(args)
    return nums if isinstance(nums, ExcelError) else (min(nums) if nums else 0.0)


def _fn_max(args: list[object]) -> object:
    nums = _numbers(args)
    return nums if isinstance(nums, ExcelError) else (max(nums) if nums else 0.0)


def _fn_average(args: list[object]) -> object:
    nums = _numbers(args)
    if isinstance(nums, ExcelError):
        return nums
    return math.fsum(nums) / len(nums) if nums else _DIV0


def _fn_count(args: list[object]) -> object:
    count = 0
    for arg in args:
        values = arg.values() if isinstance(arg, Range) else iter([arg])
        count += sum(1 for v in values if isinstance(v, float) and not isinstance(v, bool))
    return float(count)


def _fn_product(args: list[object]) -> object:
    nums = _numbers(args)
    return nums if isinstance(nums, ExcelError) else float(math.prod(nums)) if nums else 0.0


def _one_number(args: list[object], name: str) -> float | ExcelError:
    if len(args) != 1:
        raise UnsupportedFormula(f"{name} takes 1 argument")
    return _to_number(args[0])


def _fn_int(args: list[object]) -> object:
    x = _one_number(args, "INT")
    return x if isinstance(x, ExcelError) else float(math.floor(x))


def _fn_abs(args: list[object]) -> object:
    x = _one_number(args, "ABS")
    return x if isinstance(x, ExcelError) else abs(x)


def _fn_trunc(args: list[object]) -> object:
    return _round(args, "down")


def _fn_and(args: list[object]) -> object:
    values = [_to_bool(v) for arg in args for v in (arg.values() if isinstance(arg, Range) else [arg])]
    for v in values:
        if isinstance(v, ExcelError):
            return v
    return all(values)


def _fn_or(args: list[object]) -> object:
    values = [_to_bool(v) for arg in args for v in (arg.values() if isinstance(arg, Range) else [arg])]
    for v in values:
        if isinstance(v, ExcelError):
            return v
    return any(values)


def _fn_not(args: list[object]) -> object:
    if len(args) != 1:
        raise UnsupportedFormula("NOT takes 1 argument")
    b = _to_bool(args[0])
    return b if isinstance(b, ExcelError) else not b


_FUNCTIONS: dict[str, Callable[[list[object]], object]] = {
    "SUM": _fn_sum,
    "MIN": _fn_min,
    "MAX": _fn_max,
    "AVERAGE": _fn_average,
    "COUNT": _fn_count,
    "PRODUCT": _fn_product,
    "ROUND": lambda a: _round(a, "half"),
    "ROUNDDOWN": lambda a: _round(a, "down"),
    "ROUNDUP": lambda a: _round(a, "up"),
    "TRUNC": _fn_trunc,
    "INT": _fn_int,
    "ABS": _fn_abs,
    "AND": _fn_and,
    "OR": _fn_or,
    "NOT": _fn_not,
}
_LAZY = ("IF", "IFERROR")
SUPPORTED_FUNCTIONS: tuple[str, ...] = tuple(sorted([*_FUNCTIONS, *_LAZY]))


# -- parser / interpreter ------------------------------------------------------------------------
class _Interpreter:
    def __init__(self, formula: str, sheet: str, resolve: Resolver, bounds: Bounds) -> None:
        try:
            tokens = Tokenizer(formula).items
        except (TokenizerError, ValueError, IndexError) as exc:
            raise UnsupportedFormula(f"cannot parse the formula ({exc.__class__.__name__})") from exc
        self.tokens = [t for t in tokens if t.type != Token.WSPACE]
        self.pos = 0
        self.sheet = sheet
        self.resolve = resolve
        self.bounds = bounds

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise UnsupportedFormula("the formula ends early")
        self.pos += 1
        return token

    def run(self) -> object:
        value = self.expression(0)
        if self.peek() is not None:
            raise UnsupportedFormula(f"unexpected {self.peek().value!r}")  # type: ignore[union-attr]
        return value

    def expression(self, min_prec: int) -> object:
        left = self.unary()
        while True:
            token = self.peek()
            if token is None or token.type != Token.OP_IN or token.value not in _PRECEDENCE:
                if token is not None and token.type == Token.OP_IN:
                    raise UnsupportedFormula(f"operator {token.value!r}")
                return left
            prec = _PRECEDENCE[token.value]
            if prec <= min_prec:
                return left
            self.take()
            right = self.expression(prec)
            left = self.binary(token.value, left, right)

    def binary(self, op: str, a: object, b: object) -> object:
        if isinstance(a, Range) or isinstance(b, Range):
            raise UnsupportedFormula("arithmetic on a whole range (an array formula)")
        if op in ("+", "-", "*", "/", "^"):
            return _arith(op, a, b)
        if op == "&":
            x, y = _to_text(a), _to_text(b)
            if isinstance(x, ExcelError):
                return x
            if isinstance(y, ExcelError):
                return y
            return x + y
        return _compare(op, a, b)

    def unary(self) -> object:
        token = self.peek()
        if token is not None and token.type == Token.OP_PRE:
            self.take()
            value = self.unary()
            if token.value == "-":
                return _arith("*", value, -1.0)
            return value
        value = self.primary()
        while (token := self.peek()) is not None and token.type == Token.OP_POST:
            self.take()
            if token.value != "%":
                raise UnsupportedFormula(f"operator {token.value!r}")
            value = _arith("/", value, 100.0)
        return value

    def primary(self) -> object:
        token = self.take()
        if token.type == Token.PAREN and token.subtype == Token.OPEN:
            value = self.expression(0)
            close = self.take()
            if close.type != Token.PAREN:
                raise UnsupportedFormula("unbalanced parentheses")
            return value
        if token.type == Token.FUNC and token.subtype == Token.OPEN:
            return self.call(token.value[:-1].upper())
        if token.type == Token.OPERAND:
            return self.operand(token)
        raise UnsupportedFormula(f"unexpected {token.value!r}")

    def arguments(self) -> list[list[Token]]:
        """The raw token lists of the arguments up to the matching close (for the lazy IF)."""
        args: list[list[Token]] = [[]]
        depth = 0
        while True:
            token = self.take()
            if token.type in (Token.FUNC, Token.PAREN) and token.subtype == Token.OPEN:
                depth += 1
            elif token.type in (Token.FUNC, Token.PAREN) and token.subtype == Token.CLOSE:
                if depth == 0:
                    break
                depth -= 1
            elif token.type == Token.SEP and token.value == "," and depth == 0:
                args.append([])
                continue
            args[-1].append(token)
        return [] if args == [[]] else args

    def sub(self, tokens: list[Token]) -> object:
        if not tokens:
            return None
        inner = _Interpreter.__new__(_Interpreter)
        inner.tokens, inner.pos = tokens, 0
        inner.sheet, inner.resolve, inner.bounds = self.sheet, self.resolve, self.bounds
        return inner.run()

    def call(self, name: str) -> object:
        args = self.arguments()
        if name in _LAZY:
            if name == "IF":
                if len(args) not in (2, 3):
                    raise UnsupportedFormula("IF takes 2 or 3 arguments")
                condition = _to_bool(self.deref(self.sub(args[0])))
                if isinstance(condition, ExcelError):
                    return condition
                if condition:
                    return self.deref(self.sub(args[1]))
                return self.deref(self.sub(args[2])) if len(args) == 3 else False
            if len(args) != 2:
                raise UnsupportedFormula("IFERROR takes 2 arguments")
            value = self.deref(self.sub(args[0]))
            return self.deref(self.sub(args[1])) if isinstance(value, ExcelError) else value
        function = _FUNCTIONS.get(name)
        if function is None:
            raise UnsupportedFormula(f"function {name} is not supported")
        values = [self.sub(arg) for arg in args]
        if name not in ("SUM", "MIN", "MAX", "AVERAGE", "COUNT", "PRODUCT", "AND", "OR"):
            values = [self.deref(v) for v in values]
        return function(values)

    @staticmethod
    def deref(value: object) -> object:
        """A one-cell range as its value (``=IF(A1="",…)`` where A1 came back as a range)."""
        if isinstance(value, Range):
            if len(value.rows) == 1 and len(value.rows[0]) == 1:
                return value.rows[0][0]
            raise UnsupportedFormula("a range where one value is expected")
        return value

    def operand(self, token: Token) -> object:
        if token.subtype == Token.NUMBER:
            return float(token.value)
        if token.subtype == Token.TEXT:
            return token.value[1:-1].replace('""', '"')
        if token.subtype == Token.LOGICAL:
            return token.value.upper() == "TRUE"
        if token.subtype == Token.ERROR:
            return ExcelError(token.value)
        return self.reference(token.value)

    def reference(self, text: str) -> object:
        sheet = self.sheet
        ref = text
        if "!" in text:
            sheet_part, ref = text.rsplit("!", 1)
            if sheet_part.startswith("'") and sheet_part.endswith("'"):
                sheet_part = sheet_part[1:-1].replace("''", "'")
            if sheet_part.startswith("[") or "[" in sheet_part:
                raise UnsupportedFormula("a reference to another workbook")
            sheet = sheet_part
        cell = _CELL.fullmatch(ref)
        if cell:
            col = column_index_from_string(cell[1].upper())
            row = int(cell[2])
            if not (1 <= row <= _MAX_ROW and 1 <= col <= _MAX_COLUMN):
                return ExcelError("#REF!")
            return _scalar(self.resolve(sheet, row, col))
        area = _AREA.fullmatch(ref)
        if area is None or not (area[1] or area[2]) or not (area[3] or area[4]):
            raise UnsupportedFormula(f"the name {text!r} (defined names are not supported)")
        max_row, max_col = self.bounds(sheet)
        c1 = column_index_from_string(area[1].upper()) if area[1] else 1
        c2 = column_index_from_string(area[3].upper()) if area[3] else max(max_col, 1)
        r1 = int(area[2]) if area[2] else 1
        r2 = int(area[4]) if area[4] else max(max_row, 1)
        r1, r2 = sorted((r1, min(r2, max(max_row, r1))))
        c1, c2 = sorted((c1, min(c2, max(max_col, c1))))
        rows = tuple(
            tuple(_scalar(self.resolve(sheet, r, c)) for c in range(c1, c2 + 1)) for r in range(r1, r2 + 1)
        )
        return Range(rows)


def evaluate_formula(formula: str, *, sheet: str, resolve: Resolver, bounds: Bounds) -> object:
    """Evaluate ``formula`` (with its leading ``=``) on ``sheet``.

    Returns a float, str, bool, None or :class:`ExcelError`. Raises :class:`UnsupportedFormula` for what
    this evaluator does not do. ``resolve`` gives the value of any cell it references (evaluating that
    cell's own formula if needed); ``bounds`` the used range of a sheet.
    """
    if not formula.startswith("="):
        raise UnsupportedFormula("not a formula")
    value = _Interpreter(formula, sheet, resolve, bounds).run()
    if isinstance(value, Range):
        value = _Interpreter.deref(value)
    return value
