"""Reads a rule file into plain data, remembering the line of every value.

YAML floats become exact Decimals, duplicate keys and impossible dates are
errors, and every error names the file, line and dotted path.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

Path_ = tuple[str | int, ...]


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


def _build(node: yaml.Node, path: Path_, doc: Document, loader: _Constructor) -> object:
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
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
            result[key] = _build(value_node, child, doc, loader)
            doc.lines[child] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (i,), doc, loader) for i, item in enumerate(node.value)]
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
        text = Path(source).read_text(encoding="utf-8")
    loader = _Constructor(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise RuleFileError([RuleError(name, line, "", f"not valid YAML: {exc.problem}")]) from None
    finally:
        loader.dispose()
    doc = Document(name, None)
    if node is None:
        doc.errors.append(RuleError(name, 1, "", "expected a mapping of rules, got an empty file"))
        raise RuleFileError(doc.errors)
    doc.data = _build(node, (), doc, _Constructor(""))
    return doc
