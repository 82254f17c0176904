"""SQLModel tables and their input/output shapes; importing this package registers every table.

Every module in this package is imported here, so an engineer adding `models/<area>.py`
gets its tables into `SQLModel.metadata` (and so into Alembic and the test schema)
without editing this file.
"""

import importlib
import pkgutil

from sqlmodel import SQLModel

from models.accounts import (
    ApiToken,
    ApiTokenPublic,
    LoginAttempt,
    Role,
    SignIn,
    User,
    UserCreate,
    UserDistrict,
    UserPublic,
)
from models.teachers import (
    CredentialKind,
    CredentialStatus,
    EarnedCredential,
    EarnedCredentialCreate,
    EarnedCredentialPublic,
    Evaluation,
    Placement,
    PlacementCreate,
    PlacementPublic,
    Teacher,
    TeacherCreate,
    TeacherPublic,
)
from models.types import Money

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

metadata = SQLModel.metadata

__all__ = [
    "ApiToken",
    "ApiTokenPublic",
    "CredentialKind",
    "CredentialStatus",
    "EarnedCredential",
    "EarnedCredentialCreate",
    "EarnedCredentialPublic",
    "Evaluation",
    "LoginAttempt",
    "Money",
    "Placement",
    "PlacementCreate",
    "PlacementPublic",
    "Role",
    "SignIn",
    "Teacher",
    "TeacherCreate",
    "TeacherPublic",
    "User",
    "UserCreate",
    "UserDistrict",
    "UserPublic",
    "metadata",
]
