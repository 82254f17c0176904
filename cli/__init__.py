"""Command-line tools: `flask rules ...`, `flask estimate ...`, `flask roster ...`, `flask project ...`.

`flask rules` and `flask estimate` are also `flask` plugin commands (pyproject's
`flask.commands` entry points): flask loads them without building the web app, so
this package imports nothing heavy until a command runs.
"""
from __future__ import annotations

import importlib

# Groups from other packages, added when they are present.
OPTIONAL_GROUPS = [("credentials.cli", "credentials"), ("cli.roster", "roster"), ("cli.roster", "huey_worker"),
                   ("cli.project", "project_command")]


def register_commands(app) -> None:
    """Adds Lanewise's command groups to `flask`."""
    from cli.estimate import estimate_command
    from cli.rules import rules

    app.cli.add_command(rules)
    app.cli.add_command(estimate_command)
    for module_name, attribute in OPTIONAL_GROUPS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        app.cli.add_command(getattr(module, attribute))
