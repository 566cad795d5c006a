"""The AWS event-pattern grammar: EventBridge patterns, SNS filter policies, Lambda FilterCriteria.

A pattern is compiled once into a disjunction (one entry per `$or` branch combination) of
conjunctions of field rules. A field rule names a dotted path (`detail.state`; AWS joins nested
keys with dots, so `{"a.b": ...}` and `{"a": {"b": ...}}` address the same field, in patterns and in
events alike) and holds precompiled predicates over leaf values. Matching walks only the parts of
the event that the pattern names, collects their leaf values, and runs the predicates.

Leaves reached through arrays carry a trail of (array, index) pairs, and the fields of one
conjunction must agree on the element of every array they share, as EventBridge does: a pattern
on `{"a": {"x": [1], "y": [2]}}` does not match `{"a": [{"x": 1}, {"y": 2}]}`.

Compiled objects are immutable, so one instance can be shared between threads.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Final, NoReturn

from localcloud.routing.errors import (
    FilterPolicyInternalError,
    InvalidEventPatternError,
    InvalidFilterPolicyError,
    RoutingError,
)

Predicate = Callable[[Any], bool]
Trail = tuple[tuple[int, int], ...]
Found = dict[str, list[tuple[Any, Trail]]]

_NO_TRAIL: Final[Trail] = ()
_MAX_ALTERNATIVES: Final = 1024
# EventBridge rejects wildcard values whose matching automaton gets too complex; every `*` adds
# a state that stays live for the rest of the input. Five per value is accepted, six is not.
_MAX_WILDCARDS_PER_VALUE: Final = 5
_SNS_MAX_COMBINATIONS: Final = 150
_SNS_MAX_KEYS: Final = 5
_SNS_NUMERIC_LIMIT: Final = 1e9
# SNS compares numbers to a fixed number of decimal places: its documentation says five; what it
# does (moto's tests, checked against AWS: 100.123456789 matches 100.1234567) is six.
_SNS_NUMERIC_SCALE: Final = 1_000_000
_NUMERIC_OPERATORS: Final = frozenset({"=", "<", "<=", ">", ">="})
# How SNS words an error its JSON parser reports: this opening, the reason, then "\n at " and the
# position in the policy text, which the local cloud does not track ("...", as moto writes it).
_SNS_PARSE_PREFIX: Final = "Invalid parameter: Attributes Reason: FilterPolicy: "
_SNS_PARSE_SUFFIX: Final = "\n at ..."
_BOOL_TAG: Final = "\x00bool"

SCOPE_ATTRIBUTES: Final = "MessageAttributes"
SCOPE_BODY: Final = "MessageBody"


def _value_key(value: Any) -> Hashable:
    """Key for exact matching: numbers compare by value (5 == 5.0), booleans never equal 0/1."""
    if type(value) is bool:
        return (_BOOL_TAG, value)
    return value  # type: ignore[no-any-return]


def _is_number(value: Any) -> bool:
    return type(value) is int or type(value) is float


# --------------------------------------------------------------------------- compiled form


@dataclass(frozen=True, slots=True)
class _FieldRule:
    """All conditions a pattern puts on one field; any of them may hold (OR)."""

    path: str
    exact: frozenset[Hashable]
    predicates: tuple[Predicate, ...]
    exists_true: bool
    exists_false: bool

    def test(self, value: Any) -> bool:
        if self.exists_true:
            return True
        try:
            if _value_key(value) in self.exact:
                return True
        except TypeError:  # an unhashable leaf cannot equal a pattern scalar
            pass
        return any(predicate(value) for predicate in self.predicates)

    def matching_trails(self, found: list[tuple[Any, Trail]] | None) -> list[Trail]:
        """Trails of the values that satisfy the rule; `[()]` when no array constrains it."""
        if not found:
            return [_NO_TRAIL] if self.exists_false else []
        trails: list[Trail] = []
        for value, trail in found:
            if self.test(value):
                if not trail:
                    return [_NO_TRAIL]
                trails.append(trail)
        return trails


def _consistent(choices: list[list[Trail]], index: int, bound: dict[int, int]) -> bool:
    """Pick one trail per field so that no array is entered at two different elements."""
    if index == len(choices):
        return True
    for trail in choices[index]:
        if all(bound.get(array, element) == element for array, element in trail):
            added = [array for array, element in trail if array not in bound]
            for array, element in trail:
                bound.setdefault(array, element)
            if _consistent(choices, index + 1, bound):
                return True
            for array in added:
                del bound[array]
    return False


def _match_conjunction(rules: tuple[_FieldRule, ...], found: Found) -> bool:
    constrained: list[list[Trail]] = []
    for rule in rules:
        trails = rule.matching_trails(found.get(rule.path))
        if not trails:
            return False
        if trails[0]:
            constrained.append(trails)
    return len(constrained) < 2 or _consistent(constrained, 0, {})


def _collect(
    value: Any, path: str, trail: Trail, wanted: frozenset[str], out: Found, ids: list[int]
) -> None:
    """Gather the event's leaves under the paths in `wanted`, with their array trails."""
    if isinstance(value, dict):
        for key, child in value.items():
            child_path = f"{path}.{key}" if path else str(key)
            if child_path in wanted:
                _collect(child, child_path, trail, wanted, out, ids)
    elif isinstance(value, list):
        ids[0] += 1
        array = ids[0]
        for element, child in enumerate(value):
            _collect(child, path, (*trail, (array, element)), wanted, out, ids)
    else:
        bucket = out.get(path)
        if bucket is None:
            out[path] = [(value, trail)]
        else:
            bucket.append((value, trail))


class EventPattern:
    """A compiled EventBridge event pattern. Build it with `compile_event_pattern`."""

    __slots__ = ("_alternatives", "_match_all", "_wanted")

    def __init__(self, alternatives: list[list[_FieldRule]]) -> None:
        self._alternatives: tuple[tuple[_FieldRule, ...], ...] = tuple(
            tuple(rules) for rules in alternatives
        )
        self._match_all = any(not rules for rules in self._alternatives)
        wanted: set[str] = set()
        for rules in self._alternatives:
            for rule in rules:
                parts = rule.path.split(".")
                wanted.update(".".join(parts[: i + 1]) for i in range(len(parts)))
        self._wanted = frozenset(wanted)

    @property
    def field_count(self) -> int:
        """Largest number of fields any one alternative constrains."""
        return max((len(rules) for rules in self._alternatives), default=0)

    @property
    def matches_everything(self) -> bool:
        return self._match_all

    def matches(self, event: dict[str, Any]) -> bool:
        """Whether the event (a JSON object as a dict) satisfies the pattern."""
        if self._match_all:
            return True
        if not isinstance(event, dict):
            return False
        found: Found = {}
        _collect(event, "", _NO_TRAIL, self._wanted, found, [0])
        return any(_match_conjunction(rules, found) for rules in self._alternatives)

    def __repr__(self) -> str:
        paths = sorted({rule.path for rules in self._alternatives for rule in rules})
        return f"EventPattern(alternatives={len(self._alternatives)}, fields={paths})"


class _FilterCriteriaPattern(EventPattern):
    """A Lambda FilterCriteria pattern over an SQS record: a JSON-object body is matched as JSON."""

    __slots__ = ()

    def matches(self, event: dict[str, Any]) -> bool:
        body = event.get("body") if isinstance(event, dict) else None
        if isinstance(body, str):
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            if isinstance(parsed, dict):
                event = {**event, "body": parsed}
        return super().matches(event)


# --------------------------------------------------------------------------- compiler


@dataclass(frozen=True, slots=True)
class _Dialect:
    """What one service accepts and how it words its errors."""

    error: type[RoutingError]
    message_prefix: str
    operators: frozenset[str]
    anything_but_operators: frozenset[str]
    nesting: bool
    numeric_limit: float | None = None
    nesting_error: str = ""
    # Numbers are compared after scaling by this and rounding (SNS); None compares them exactly.
    numeric_scale: int | None = None
    # Whether an error names the field it is about (SNS's texts never do).
    names_field: bool = True
    # SNS parses a numeric match left to right and words what it trips on as its JSON parser
    # does ("Attributes Reason: ...", then the position, which is elided here).
    sns_numeric_grammar: bool = False


_EVENTBRIDGE: Final = _Dialect(
    error=InvalidEventPatternError,
    message_prefix="Event pattern is not valid. Reason: ",
    operators=frozenset(
        {
            "prefix",
            "suffix",
            "equals-ignore-case",
            "wildcard",
            "anything-but",
            "numeric",
            "cidr",
            "exists",
        }
    ),
    anything_but_operators=frozenset({"prefix", "suffix", "equals-ignore-case", "wildcard"}),
    nesting=True,
)
_SNS_OPERATORS: Final = frozenset(
    {"prefix", "suffix", "equals-ignore-case", "anything-but", "numeric", "cidr", "exists"}
)
_SNS_ATTRIBUTES: Final = _Dialect(
    error=InvalidFilterPolicyError,
    message_prefix="Invalid parameter: FilterPolicy: ",
    operators=_SNS_OPERATORS,
    anything_but_operators=frozenset({"prefix", "suffix"}),
    nesting=False,
    numeric_limit=_SNS_NUMERIC_LIMIT,
    nesting_error="Filter policy scope MessageAttributes does not support nested filter policy",
    numeric_scale=_SNS_NUMERIC_SCALE,
    names_field=False,
    sns_numeric_grammar=True,
)
_SNS_BODY: Final = _Dialect(
    error=InvalidFilterPolicyError,
    message_prefix="Invalid parameter: FilterPolicy: ",
    operators=_SNS_OPERATORS,
    anything_but_operators=frozenset({"prefix", "suffix"}),
    nesting=True,
    numeric_limit=_SNS_NUMERIC_LIMIT,
    numeric_scale=_SNS_NUMERIC_SCALE,
    names_field=False,
    sns_numeric_grammar=True,
)


class _Compiler:
    """Turns a parsed pattern into field rules, validating it the way the dialect's service does."""

    def __init__(self, dialect: _Dialect) -> None:
        self.dialect = dialect

    def fail(self, path: str, reason: str) -> NoReturn:
        where = f'"{path}": ' if path and self.dialect.names_field else ""
        raise self.dialect.error(f"{self.dialect.message_prefix}{where}{reason}")

    # -- structure

    def compile_object(self, node: Mapping[str, Any], prefix: str) -> list[list[_FieldRule]]:
        alternatives: list[list[_FieldRule]] = [[]]
        for key, value in node.items():
            if key == "$or":
                branch = self._compile_or(value, prefix)
            else:
                path = f"{prefix}.{key}" if prefix else key
                if isinstance(value, dict):
                    if not self.dialect.nesting:
                        # SNS words this one without the "FilterPolicy: " of the others
                        raise self.dialect.error(f"Invalid parameter: {self.dialect.nesting_error}")
                    branch = self.compile_object(value, path)
                elif isinstance(value, list):
                    branch = [[self._compile_field(value, path)]]
                else:
                    # worded as moto's suite holds AWS's: the key alone, quoted, at any depth
                    self.fail("", f"'{key}' must be an object or an array")
            alternatives = [head + tail for head in alternatives for tail in branch]
            if len(alternatives) > _MAX_ALTERNATIVES:
                self.fail(prefix, "Rule is too complex: too many $or combinations")
        return alternatives

    def _compile_or(self, value: Any, prefix: str) -> list[list[_FieldRule]]:
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.fail(prefix, "$or must be an array of objects")
        if len(value) < 2:
            self.fail(prefix, "Or relationship must have at least 2 items")
        branches: list[list[_FieldRule]] = []
        for item in value:
            if not item:
                self.fail(prefix, "Empty objects are not allowed in $or")
            branches.extend(self.compile_object(item, prefix))
        return branches

    def _compile_field(self, values: list[Any], path: str) -> _FieldRule:
        if not values:
            self.fail(path, "Empty arrays are not allowed")
        exact: set[Hashable] = set()
        predicates: list[Predicate] = []
        scaled: set[int] = set()
        exists_true = exists_false = False
        scale = self.dialect.numeric_scale
        for item in values:
            if scale is not None and _is_number(item):
                limit = self.dialect.numeric_limit
                if limit is not None and not -limit < item < limit:
                    # SNS answers this policy with a server error, not InvalidParameter
                    raise FilterPolicyInternalError("Unknown")
                scaled.add(_scaled(item, scale))
            elif item is None or isinstance(item, str | bool | int | float):
                exact.add(_value_key(item))
            elif isinstance(item, dict):
                if len(item) != 1:
                    self.fail(
                        path,
                        f"a match expression holds one operator, got {sorted(item) or 'none'}",
                    )
                ((operator, argument),) = item.items()
                if operator not in self.dialect.operators:
                    self.fail(path, f"Unrecognized match type {operator}")
                if operator == "exists":
                    if type(argument) is not bool:
                        self.fail(path, "exists match pattern must be either true or false.")
                    exists_true = exists_true or argument
                    exists_false = exists_false or not argument
                else:
                    predicates.append(self._operator(operator, argument, path))
            else:
                self.fail(path, "Match value must be String, number, true, false, or null")
        if scaled:
            predicates.append(_scaled_member(frozenset(scaled), scale or 1))
        return _FieldRule(path, frozenset(exact), tuple(predicates), exists_true, exists_false)

    # -- operators

    def _operator(self, operator: str, argument: Any, path: str) -> Predicate:
        if operator in ("prefix", "suffix"):
            return self._affix(operator, argument, path)
        if operator == "equals-ignore-case":
            if not isinstance(argument, str):
                self.fail(path, "equals-ignore-case match pattern must be a string")
            folded = argument.lower()
            return lambda value: type(value) is str and value.lower() == folded
        if operator == "wildcard":
            regex = self._wildcard(argument, path)
            return lambda value: type(value) is str and regex.fullmatch(value) is not None
        if operator == "anything-but":
            return self._anything_but(argument, path)
        if operator == "numeric":
            return self._numeric(argument, path)
        return self._cidr(argument, path)

    def _affix(self, operator: str, argument: Any, path: str) -> Predicate:
        starts = operator == "prefix"
        if isinstance(argument, str):
            text = argument
            if starts:
                return lambda value: type(value) is str and value.startswith(text)
            return lambda value: type(value) is str and value.endswith(text)
        if (
            isinstance(argument, dict)
            and list(argument) == ["equals-ignore-case"]
            and isinstance(argument["equals-ignore-case"], str)
        ):
            folded = argument["equals-ignore-case"].lower()
            if starts:
                return lambda value: type(value) is str and value.lower().startswith(folded)
            return lambda value: type(value) is str and value.lower().endswith(folded)
        self.fail(
            path,
            f"{operator} match pattern must be a string or an object "
            f'{{"equals-ignore-case": string}}, got {_describe(argument)}',
        )

    def _wildcard(self, argument: Any, path: str) -> re.Pattern[str]:
        if not isinstance(argument, str):
            self.fail(path, f"wildcard match pattern must be a string, got {_describe(argument)}")
        pieces: list[str] = []
        literal: list[str] = []
        stars = 0
        previous_star = False
        position = 0
        while position < len(argument):
            char = argument[position]
            if char == "\\":
                following = argument[position + 1 : position + 2]
                if following not in ("*", "\\"):
                    self.fail(path, f"Invalid escape character at pos {position}")
                literal.append(following)
                previous_star = False
                position += 2
                continue
            if char == "*":
                if previous_star:
                    self.fail(path, f"Consecutive wildcard characters at pos {position}")
                pieces.append(re.escape("".join(literal)))
                literal.clear()
                pieces.append(".*")
                stars += 1
                previous_star = True
            else:
                literal.append(char)
                previous_star = False
            position += 1
        if stars > _MAX_WILDCARDS_PER_VALUE:
            self.fail(
                path,
                "Rule is too complex - try using fewer wildcard characters or fewer repeated "
                f"character sequences after a wildcard character ({stars} wildcards, at most "
                f"{_MAX_WILDCARDS_PER_VALUE})",
            )
        pieces.append(re.escape("".join(literal)))
        return re.compile("".join(pieces), re.DOTALL)

    def _anything_but(self, argument: Any, path: str) -> Predicate:
        if isinstance(argument, dict):
            return self._anything_but_operator(argument, path)
        if isinstance(argument, list):
            if not argument:
                self.fail(path, "Empty arrays are not allowed in anything-but")
            if not all(isinstance(item, str) or _is_number(item) for item in argument):
                self.fail(path, "Inside anything but list, start|null|boolean is not supported.")
            excluded = frozenset(argument)
        elif isinstance(argument, str) or _is_number(argument):
            excluded = frozenset((argument,))
        else:
            self.fail(
                path,
                "Value of anything-but must be an array or single string/number value, "
                f"got {_describe(argument)}",
            )

        scale = self.dialect.numeric_scale
        if scale is not None:  # numbers excluded at the dialect's precision
            numbers = frozenset(_scaled(item, scale) for item in excluded if _is_number(item))
            excluded = frozenset(item for item in excluded if not _is_number(item))

            def not_excluded_scaled(value: Any) -> bool:
                if _is_number(value):
                    return _scaled(value, scale) not in numbers
                return not (isinstance(value, str) and value in excluded)

            return not_excluded_scaled

        def not_excluded(value: Any) -> bool:
            try:
                return _value_key(value) not in excluded
            except TypeError:
                return True

        return not_excluded

    def _anything_but_operator(self, argument: Mapping[str, Any], path: str) -> Predicate:
        allowed = self.dialect.anything_but_operators
        if len(argument) != 1 or next(iter(argument)) not in allowed:
            self.fail(
                path,
                f"anything-but takes one of {sorted(allowed)} as an object, got {sorted(argument)}",
            )
        ((operator, inner),) = argument.items()
        if operator == "wildcard":
            regexes = tuple(
                self._wildcard(item, path)
                for item in self._string_list(inner, path, operator, allow_empty=True)
            )
            return lambda value: (
                not (type(value) is str and any(regex.fullmatch(value) for regex in regexes))
            )
        texts = self._string_list(inner, path, operator, allow_empty=False)
        if operator == "equals-ignore-case":
            folded = frozenset(text.lower() for text in texts)
            return lambda value: not (type(value) is str and value.lower() in folded)
        affixes = tuple(texts)
        if operator == "prefix":
            return lambda value: not (type(value) is str and value.startswith(affixes))
        return lambda value: not (type(value) is str and value.endswith(affixes))

    def _string_list(self, inner: Any, path: str, operator: str, *, allow_empty: bool) -> list[str]:
        items = inner if isinstance(inner, list) else [inner]
        if not items or not all(isinstance(item, str) for item in items):
            self.fail(
                path,
                f"Value of {operator} inside anything-but must be a string or a non-empty array "
                f"of strings, got {_describe(inner)}",
            )
        if not allow_empty and "" in items:
            self.fail(path, f"Null {operator} not allowed inside anything-but")
        return items

    def _numeric(self, argument: Any, path: str) -> Predicate:
        if self.dialect.sns_numeric_grammar:
            self._check_sns_numeric(argument)
        if not isinstance(argument, list) or not argument:
            self.fail(
                path, f"Value of numeric must be a non-empty array, got {_describe(argument)}"
            )
        if len(argument) % 2:
            self.fail(path, f"numeric expects operator/value pairs, got {len(argument)} items")
        lower: tuple[float, bool] | None = None
        upper: tuple[float, bool] | None = None
        for position in range(0, len(argument), 2):
            operator, bound = argument[position], argument[position + 1]
            if not isinstance(operator, str) or operator not in _NUMERIC_OPERATORS:
                self.fail(path, f"Unrecognized numeric range operator: {operator!r}")
            if not _is_number(bound):
                self.fail(path, f"Value of {operator} must be numeric, got {_describe(bound)}")
            limit = self.dialect.numeric_limit
            if limit is not None and not -limit <= bound <= limit:
                self.fail(path, f"Numeric value {bound} is outside [-1.0E9, 1.0E9]")
            if operator == "=":
                if len(argument) != 2:
                    self.fail(path, "'=' cannot be combined with other numeric operators")
                if self.dialect.numeric_scale is not None:
                    scale = self.dialect.numeric_scale
                    return _scaled_member(frozenset({_scaled(bound, scale)}), scale)
                target = bound
                return lambda value: _is_number(value) and value == target
            if operator.startswith(">"):
                if lower is not None:
                    self.fail(path, "numeric has more than one lower bound ('>' or '>=')")
                lower = (bound, operator == ">=")
            else:
                if upper is not None:
                    self.fail(path, "numeric has more than one upper bound ('<' or '<=')")
                upper = (bound, operator == "<=")
        if lower is not None and upper is not None and not lower[0] < upper[0]:
            self.fail(path, "Bottom must be less than top")
        return _range_predicate(lower, upper, self.dialect.numeric_scale)

    def _check_sns_numeric(self, argument: Any) -> None:
        """SNS's grammar for a numeric match: ``[op, n]`` or ``[">"|">=", n, "<"|"<=", m]``,
        refused at the first element that does not fit, in SNS's words."""

        def fail(reason: str) -> NoReturn:
            raise self.dialect.error(f"{_SNS_PARSE_PREFIX}{reason}{_SNS_PARSE_SUFFIX}")

        items = list(argument) if isinstance(argument, list) else [argument]
        if not items:
            fail("Invalid member in numeric match: ]")
        first = items[0]
        if not isinstance(first, str):
            fail(f"Invalid member in numeric match: {_sns_text(first)}")
        if first not in _NUMERIC_OPERATORS:
            fail(f"Unrecognized numeric range operator: {first}")
        if len(items) < 2 or not _is_number(items[1]):
            fail(f"Value of {first} must be numeric")
        if len(items) == 2:
            return
        if first not in (">", ">="):
            fail("Too many elements in numeric expression")
        second = items[2]
        if second not in ("<", "<="):
            fail(f"Bad numeric range operator: {_sns_text(second)}")
        if len(items) < 4 or not _is_number(items[3]):
            fail(f"Value of {second} must be numeric")
        if len(items) > 4:
            fail("Too many elements in numeric expression")
        if not items[1] < items[3]:
            fail("Bottom must be less than top")

    def _cidr(self, argument: Any, path: str) -> Predicate:
        if not isinstance(argument, str):
            self.fail(path, f"cidr match pattern must be a string, got {_describe(argument)}")
        try:
            network = ipaddress.ip_network(argument.strip(), strict=False)
        except ValueError:
            self.fail(path, f"Nonstandard IP address or CIDR block: {argument}")

        def in_network(value: Any) -> bool:
            if type(value) is not str:
                return False
            try:
                return ipaddress.ip_address(value.strip()) in network
            except ValueError:
                return False

        return in_network


def _scaled(number: float, scale: int) -> int:
    return round(number * scale)


def _scaled_member(numbers: frozenset[int], scale: int) -> Predicate:
    """Whether a value is one of ``numbers`` (already scaled) at the dialect's precision."""
    return lambda value: _is_number(value) and _scaled(value, scale) in numbers


def _range_predicate(
    lower: tuple[float, bool] | None, upper: tuple[float, bool] | None, scale: int | None = None
) -> Predicate:
    low, low_inclusive = lower if lower is not None else (float("-inf"), True)
    high, high_inclusive = upper if upper is not None else (float("inf"), True)
    if scale is not None:  # compared at the dialect's precision, bounds and values alike
        low = low if lower is None else _scaled(low, scale)
        high = high if upper is None else _scaled(high, scale)

    def in_range(value: Any) -> bool:
        if type(value) is not int and type(value) is not float:
            return False
        if scale is not None:
            value = _scaled(value, scale)
        if value < low or (value == low and not low_inclusive):
            return False
        return value < high or (value == high and high_inclusive)

    return in_range


def _sns_text(value: Any) -> str:
    """A policy value as SNS's messages print it (numbers bare, strings unquoted)."""
    return value if isinstance(value, str) else json.dumps(value)


def _describe(value: Any) -> str:
    text = json.dumps(value) if _is_jsonable(value) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def _load(
    source: str | Mapping[str, Any], fail: Callable[[str, str], NoReturn], what: str
) -> Mapping[str, Any]:
    if isinstance(source, str | bytes):
        try:
            source = json.loads(source)
        except ValueError:
            fail("", "Invalid JSON")  # worded as moto's suite holds AWS's
    if not isinstance(source, Mapping):
        fail("", f"{what} must be a JSON object, got {_describe(source)}")
    return source


# --------------------------------------------------------------------------- public API


def compile_event_pattern(pattern: str | dict[str, Any]) -> EventPattern:
    """Compile an EventBridge event pattern (JSON text or parsed) once, for many `matches` calls.

    Raises InvalidEventPatternError, naming the field and the reason, for any pattern EventBridge
    would reject with InvalidEventPatternException.
    """
    compiler = _Compiler(_EVENTBRIDGE)
    return EventPattern(compiler.compile_object(_load(pattern, compiler.fail, "Event pattern"), ""))


def compile_filter_criteria(pattern: str | dict[str, Any]) -> EventPattern:
    """Compile a Lambda event source mapping FilterCriteria pattern for SQS records.

    The grammar is EventBridge's. A record whose `body` is a JSON object is matched with the body
    parsed, so `{"body": {"kind": ["x"]}}` works; any other body stays a string, which exact and
    prefix patterns on `body` can still match.
    """
    compiler = _Compiler(_EVENTBRIDGE)
    document = _load(pattern, compiler.fail, "Filter pattern")
    return _FilterCriteriaPattern(compiler.compile_object(document, ""))


class FilterPolicy:
    """A compiled SNS subscription filter policy. Build it with `compile_filter_policy`."""

    __slots__ = ("_pattern", "_scope")

    def __init__(self, pattern: EventPattern, scope: str) -> None:
        self._pattern = pattern
        self._scope = scope

    @property
    def scope(self) -> str:
        return self._scope

    def matches(self, message_attributes: dict[str, Any] | None, body: str) -> bool:
        """Whether a published message passes the policy.

        `message_attributes` is in Publish shape (`DataType`/`StringValue`) or in the shape of an
        SNS notification (`Type`/`Value`).
        """
        if self._pattern.matches_everything:
            return True
        if self._scope == SCOPE_BODY:
            try:
                document = json.loads(body)
            except (TypeError, ValueError):
                return False
            return isinstance(document, dict) and self._pattern.matches(document)
        return self._pattern.matches(_attributes_document(message_attributes))

    def __repr__(self) -> str:
        return f"FilterPolicy(scope={self._scope!r}, {self._pattern!r})"


def compile_filter_policy(
    policy: str | dict[str, Any], scope: str = SCOPE_ATTRIBUTES
) -> FilterPolicy:
    """Compile an SNS filter policy for the given FilterPolicyScope.

    Raises InvalidFilterPolicyError (`Invalid parameter: FilterPolicy: ...`) for a policy SNS would
    refuse: non-array leaves, unknown operators, nesting in attribute scope, more than 5 keys or
    more than 150 value combinations.
    """
    if scope not in (SCOPE_ATTRIBUTES, SCOPE_BODY):
        raise InvalidFilterPolicyError(
            f"Invalid parameter: FilterPolicyScope: must be {SCOPE_ATTRIBUTES} or {SCOPE_BODY}, "
            f"got {scope!r}"
        )
    compiler = _Compiler(_SNS_BODY if scope == SCOPE_BODY else _SNS_ATTRIBUTES)
    document = _load(policy, compiler.fail, "Filter policy")
    pattern = EventPattern(compiler.compile_object(document, ""))
    # AWS's texts, word for word: clients match on them (neither names the count it found).
    if _combinations(document) > _SNS_MAX_COMBINATIONS:
        compiler.fail("", "Filter policy is too complex")
    if pattern.field_count > _SNS_MAX_KEYS:
        compiler.fail("", f"Filter policy can not have more than {_SNS_MAX_KEYS} keys")
    return FilterPolicy(pattern, scope)


def _combinations(node: Mapping[str, Any], depth: int = 1) -> int:
    """AWS's complexity measure: each array's size times the depth of its key, multiplied
    together (the SNS guide's example: four values three levels deep and three values two levels
    deep make 3 x 4 x 2 x 3 = 72); `$or` branches add up."""
    total = 1
    for key, value in node.items():
        if key == "$or":
            total *= sum(_combinations(branch, depth) for branch in value)
        elif isinstance(value, dict):
            total *= _combinations(value, depth + 1)
        else:
            total *= len(value) * depth
    return total


_NUMBER_TEXT: Final = re.compile(r"-?\d+")


def _attribute_number(text: Any) -> int | float | None:
    if _is_number(text):
        return text  # type: ignore[no-any-return]
    if not isinstance(text, str):
        return None
    text = text.strip()
    if _NUMBER_TEXT.fullmatch(text):
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number not in (float("inf"), float("-inf")) and number == number else None


def _attributes_document(attributes: Mapping[str, Any] | None) -> dict[str, Any]:
    """SNS message attributes as the JSON document a policy is matched against.

    SNS compares policies only with String, String.Array and Number attributes; Binary ones (and
    malformed values) are left out, as if absent.
    """
    document: dict[str, Any] = {}
    for name, attribute in (attributes or {}).items():
        if not isinstance(attribute, Mapping):
            continue
        data_type = attribute.get("DataType") or attribute.get("Type") or ""
        raw = attribute.get("StringValue", attribute.get("Value"))
        base = data_type.split(".", 1)[0]
        if data_type == "String.Array":
            try:
                parsed = raw if isinstance(raw, list) else json.loads(raw)
            except (TypeError, ValueError):
                parsed = raw
            if isinstance(parsed, list):
                document[name] = [item for item in parsed if not isinstance(item, dict | list)]
            elif parsed is not raw and not isinstance(parsed, dict):
                document[name] = parsed  # one JSON value, "100" say: SNS matches it as is
            elif isinstance(raw, str):
                document[name] = raw
        elif base == "String":
            if isinstance(raw, str):
                document[name] = raw
        elif base == "Number":
            number = _attribute_number(raw)
            if number is not None:
                document[name] = number
    return document
