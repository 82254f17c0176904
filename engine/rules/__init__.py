"""A district's rule file: the typed model (`model`), the YAML reader that keeps every value's
line (`reader`), and loading with located errors (`load`)."""
from engine.rules.model import *  # noqa: F401,F403  (the model's names are the package's)
from engine.rules.model import __all__  # noqa: F401
