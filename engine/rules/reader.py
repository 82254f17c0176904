"""Reads a rule file into plain data, remembering the line of every value.

YAML floats become exact Decimals, duplicate keys and impossible dates are
errors, and every error names the file, line and dotted path. Reading is
bounded: the file's size, its nesting, and how far aliases (`*name`) may expand;
an alias that refers to itself is an error, never a hang or a crash.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

Path_ = tuple[str | int, ...]

MAX_BYTES = 2 * 1024 * 1024  # a rule file is a few kilobytes; a schedule of 60 steps x 40 lanes is ~30 KB
MAX_VALUES = 200_000  # values after aliases expand (the shipped files hold under 2,000)
MAX_DEPTH = 40  # nesting of mappings and lists (the format needs under 10)


class _TooBig(Exception):
    """Reading stopped at a bound; the message says which."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class RuleError:
    """One problem in a rule file: where it is and what was expected."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path or '(top)'}: {self.message}"


class RuleFileError(Exception):
    """A rule file that cannot be used, with every problem found in it."""

    def __init__(self, errors: list[RuleError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def dotted(path: Path_) -> str:
    """A path such as ('schedules', '2026-07-01', 'rows', 2) as 'schedules.2026-07-01.rows[2]'."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


@dataclass
class Document:
    """A rule file's data and the line of each dotted path in it."""

    file: str
    data: object
    lines: dict[Path_, int] = field(default_factory=dict)
    errors: list[RuleError] = field(default_factory=list)
    values: int = 0

    def line_of(self, path: Path_) -> int | None:
        """The line of the value at `path`, or of its nearest parent."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


class _Constructor(yaml.SafeLoader):
    """A safe loader whose floats are exact Decimals."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise yaml.constructor.ConstructorError(None, None, f"not a number: {text!r}", node.start_mark)


_Constructor.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _key_text(value: object) -> str | int:
    return value if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _build(node: yaml.Node, path: Path_, doc: Document, loader: _Constructor, within: frozenset = frozenset()) -> object:
    doc.values += 1
    line = node.start_mark.line + 1
    if doc.values > MAX_VALUES:
        raise _TooBig(line, f"aliases expand to more than {MAX_VALUES:,} values; write the values out instead")
    if id(node) in within:
        raise _TooBig(line, "an alias refers to the mapping or list that holds it, so it never ends")
    if len(within) >= MAX_DEPTH:
        raise _TooBig(line, f"nested more than {MAX_DEPTH} levels deep")
    doc.lines.setdefault(path, line)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        within = within | {id(node)}
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                doc.errors.append(RuleError(doc.file, key_node.start_mark.line + 1, dotted(path),
                                            "expected a plain key (a name, number or date), got a mapping or list"))
                continue
            try:
                key = loader.construct_object(key_node, deep=True)
            except (yaml.YAMLError, ValueError) as exc:
                doc.errors.append(RuleError(doc.file, key_node.start_mark.line + 1, dotted(path),
                                            f"expected a valid key, got {key_node.value!r} ({_reason(exc)})"))
                continue
            if key in result:
                doc.errors.append(RuleError(doc.file, key_node.start_mark.line + 1, dotted(path + (_key_text(key),)),
                                            f"duplicate key {key_node.value!r} (first given on line "
                                            f"{doc.lines[path + (_key_text(key),)]})"))
                continue
            child = path + (_key_text(key),)
            doc.lines[child] = key_node.start_mark.line + 1
            result[key] = _build(value_node, child, doc, loader, within)
            doc.lines[child] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (i,), doc, loader, within) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError) as exc:
        doc.errors.append(RuleError(doc.file, node.start_mark.line + 1, dotted(path),
                                    f"expected a valid value, got {node.value!r} ({_reason(exc)})"))
        return None


def _reason(exc: Exception) -> str:
    return getattr(exc, "problem", None) or str(exc)


def read_document(source: str | Path, text: str | None = None) -> Document:
    """The data of a YAML rule file with a line for every path; syntax errors are RuleFileError."""
    name = str(source)
    if text is None:
        text = _read_bounded(Path(source), name)
    if len(text) > MAX_BYTES:
        raise RuleFileError([RuleError(name, None, "", f"the file is larger than {MAX_BYTES // 1024} KB; a rule file is a few KB")])
    loader = _Constructor(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise RuleFileError([RuleError(name, line, "", f"not valid YAML: {exc.problem}")]) from None
    except yaml.YAMLError as exc:
        raise RuleFileError([RuleError(name, None, "", f"not valid YAML: {exc}")]) from None
    except RecursionError:
        raise RuleFileError([RuleError(name, None, "", f"nested more than {MAX_DEPTH} levels deep")]) from None
    finally:
        loader.dispose()
    doc = Document(name, None)
    if node is None:
        doc.errors.append(RuleError(name, 1, "", "expected a mapping of rules, got an empty file"))
        raise RuleFileError(doc.errors)
    try:
        doc.data = _build(node, (), doc, _Constructor(""))
    except _TooBig as exc:
        raise RuleFileError([RuleError(name, exc.line, "", exc.message)]) from None
    return doc


def _read_bounded(path: Path, name: str) -> str:
    """A rule file's text, refused past MAX_BYTES or when it is not UTF-8."""
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise RuleFileError([RuleError(name, None, "", f"the file is larger than {MAX_BYTES // 1024} KB; a rule file is a few KB")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RuleFileError([RuleError(name, None, "", f"expected UTF-8 text: {exc.reason} at byte {exc.start}")]) from None
