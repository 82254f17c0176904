"""What the commands share: the folder of rule files, and reading one district's file without the others."""
from __future__ import annotations

import re
from pathlib import Path

_DISTRICT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def rules_folder() -> Path:
    """The rule files' folder: the app's DISTRICT_RULES inside an app, else LANEWISE_DISTRICT_RULES or district_rules/."""
    from flask import current_app, has_app_context

    from engine.rules.folder import rules_dir

    if has_app_context():
        return Path(current_app.config["DISTRICT_RULES"])
    return rules_dir()


class DistrictFiles:
    """A folder's rule files, each read only when a command asks for its district."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._loaded: dict[str, object] = {}

    @classmethod
    def for_command(cls) -> "DistrictFiles":
        return cls(rules_folder())

    def ids(self) -> list[str]:
        """The district ids that have a rule file."""
        return sorted(path.stem for path in self.folder.glob("*.yaml"))

    def rules(self, district_id: str):
        """One district's rules; KeyError when it has no file, RuleFileError when the file is broken."""
        from engine.rules.folder import read_rule_file

        if district_id not in self._loaded:
            path = self.folder / f"{district_id}.yaml"
            if not _DISTRICT_ID.match(district_id) or not path.is_file():
                raise KeyError(district_id)
            try:
                self._loaded[district_id] = read_rule_file(path)
            except Exception as exc:  # kept, so a batch reads a broken file once
                self._loaded[district_id] = exc
        found = self._loaded[district_id]
        if isinstance(found, Exception):
            raise found
        return found
