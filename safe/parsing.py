"""Bounded readers of outside data: JSON with a depth cap, inflation with an output cap, ZIP with a size cap.

Each reader states its limit and raises `Refused`, a ValueError whose message says which limit was
reached, before doing the work that would exceed it.
"""

import io
import json
import re
import zipfile
import zlib

# A JSON string, escapes included: removed before counting brackets, so "[" inside a string is not nesting.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST = re.compile(r"\[\]|\{\}")


class Refused(ValueError):
    """Outside data that would exceed a bound (or cannot be read); the message says which."""


def check_json_depth(text: str, max_depth: int) -> None:
    """Refuse JSON text nested deeper than `max_depth` arrays and objects, without parsing it.

    Python's parser recurses once per level, so a deep enough document ends in RecursionError;
    this check removes the innermost pairs of brackets `max_depth` times, in C-speed passes.
    """
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    if brackets.count("[") != brackets.count("]") or brackets.count("{") != brackets.count("}"):
        raise Refused("not valid JSON: its brackets do not balance")
    for _ in range(max_depth):
        if not brackets:
            return
        brackets = _INNERMOST.sub("", brackets)
    if brackets:
        raise Refused(f"JSON nested deeper than {max_depth} levels")


def json_loads(data: str | bytes, *, max_depth: int) -> object:
    """Parse JSON text (bytes are UTF-8, a BOM allowed) nested at most `max_depth` levels deep.

    Raises Refused for text too deep or not UTF-8, and ValueError (json.JSONDecodeError) for text that is not JSON.
    """
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise Refused(f"not UTF-8 text: {error}") from None
    check_json_depth(data, max_depth)
    return json.loads(data)


def json_size(value: object, limit: int) -> int:
    """Count the values in parsed JSON (objects, arrays, keys' values, scalars), refusing more than `limit`."""
    count, stack = 0, [value]
    while stack:
        item = stack.pop()
        count += 1
        if count > limit:
            raise Refused(f"more than {limit} JSON values")
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def inflate(data: bytes, limit: int) -> bytes:
    """Decompress zlib data that inflates to at most `limit` bytes; refuse more before producing it."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as error:
        raise Refused(f"not valid compressed data: {error}") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise Refused(f"compressed data inflates to more than {limit:,} bytes")
    return out


def check_zip(data: bytes, *, max_total: int, max_members: int = 1000) -> None:
    """Refuse a ZIP archive (XLSX is one) whose members would inflate to more than `max_total` bytes.

    Python's zipfile never gives more than a member's declared size (a member that inflates
    further fails its CRC check), so checking the declared sizes bounds what reading it costs.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise Refused(f"not a readable ZIP archive: {error}") from None
    if len(members) > max_members:
        raise Refused(f"the archive holds {len(members):,} files; the limit is {max_members:,}")
    total = sum(member.file_size for member in members)
    if total > max_total:
        raise Refused(f"the archive inflates to {total / 1048576:,.1f} MB; the limit is {max_total / 1048576:,.0f} MB")
