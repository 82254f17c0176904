"""A folder of rule files: each read on its own, a broken one reported and skipped, re-read only when it changes.

Pages, the API, the CLI and `/admin/districts` all read districts this way, so one
broken file (a typo, an empty `schedules:`, an alias bomb) costs only its own
district: every other district keeps working, and the broken file's errors are
there to show.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from engine.rules.load import parse_rules
from engine.rules.model import DistrictRules
from engine.rules.reader import RuleError, RuleFileError

log = logging.getLogger("lanewise.rules")

ENVIRONMENT_VARIABLE = "LANEWISE_DISTRICT_RULES"


def rules_dir() -> Path:
    """The folder of rule files: LANEWISE_DISTRICT_RULES, or the shipped district_rules/."""
    from engine.rules.load import RULES_DIR

    return Path(os.environ.get(ENVIRONMENT_VARIABLE) or RULES_DIR)


@dataclass
class RuleFolder:
    """The districts whose files load, and the errors of those that do not, by file name."""

    districts: dict[str, DistrictRules] = field(default_factory=dict)
    broken: dict[str, list[RuleError]] = field(default_factory=dict)


def read_rule_file(path: Path) -> DistrictRules:
    """One rule file's rules; any problem (unreadable included) is a RuleFileError."""
    try:
        return parse_rules(path)
    except OSError as exc:
        raise RuleFileError([RuleError(str(path), None, "", f"cannot be read: {exc.strerror or exc}")]) from None


def read_folder(path: str | Path) -> RuleFolder:
    """Every rule file in a folder, each on its own."""
    return FolderCache(Path(path)).read()


class FolderCache:
    """A folder's rule files, each parsed again only when its size or modification time changes."""

    def __init__(self, path: Path):
        self.path = path
        self._files: dict[str, tuple[tuple[int, int], DistrictRules | list[RuleError]]] = {}
        self._folder: RuleFolder | None = None
        self._lock = threading.Lock()
        self.checked: float | None = None
        self.latest: RuleFolder | None = None

    def read(self) -> RuleFolder:
        with self._lock:
            seen = {}
            try:
                entries = sorted((e for e in os.scandir(self.path) if e.name.endswith(".yaml") and e.is_file()),
                                 key=lambda e: e.name)
            except OSError as exc:
                log.error("the rule folder %s cannot be read: %s", self.path, exc)
                entries = []
            for entry in entries:
                try:
                    stat = entry.stat()
                    signature = (stat.st_mtime_ns, stat.st_size)
                except OSError:
                    signature = (0, -1)
                known = self._files.get(entry.name)
                if known is None or known[0] != signature:
                    try:
                        value: DistrictRules | list[RuleError] = read_rule_file(Path(entry.path))
                    except RuleFileError as exc:
                        value = exc.errors
                        log.error("rule file %s is skipped:\n%s", entry.path, exc)
                    known = (signature, value)
                seen[entry.name] = known
            if self._folder is not None and seen.keys() == self._files.keys() and all(
                    seen[name] is self._files[name] for name in seen):
                return self._folder
            self._files = seen
            folder = self._folder = RuleFolder()
            for name, (_, value) in seen.items():
                if isinstance(value, list):
                    folder.broken[name] = value
                else:
                    folder.districts[value.id] = value
            return folder


_CACHES: dict[str, FolderCache] = {}
_CACHES_LOCK = threading.Lock()


RECHECK_SECONDS = 1.0  # how often a process looks for changed rule files (a stat per file)


def cached_folder(path: str | Path, fresh: bool = False) -> RuleFolder:
    """A folder's districts, kept between calls in this process and re-read file by file as files change.

    The files are looked at again at most every RECHECK_SECONDS, or now when `fresh`
    (after this process wrote one).
    """
    key = str(path)
    with _CACHES_LOCK:
        cache = _CACHES.get(key)
        if cache is None:
            cache = _CACHES[key] = FolderCache(Path(path))
    now = time.monotonic()
    if fresh or cache.checked is None or now - cache.checked >= RECHECK_SECONDS:
        cache.latest = cache.read()
        cache.checked = now
    return cache.latest
