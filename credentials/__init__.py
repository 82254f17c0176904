"""Micro-credentials as verifiable evidence: Open Badges 2.0/3.0 and CLR 2.0, verified offline (no Flask here).

The names below are loaded when first used, so reading a rule file (which needs only
the catalog's models) does not import the signature and JSON-LD machinery.
"""

from importlib import import_module

_WHERE = {
    "CatalogEntry": "credentials.catalog",
    "CatalogMatch": "credentials.catalog",
    "TrustedIssuer": "credentials.catalog",
    "map_to_catalog": "credentials.catalog",
    "Credential": "credentials.reader",
    "UnreadableCredential": "credentials.reader",
    "read_credentials": "credentials.reader",
    "Check": "credentials.verify",
    "VerificationResult": "credentials.verify",
    "load_documents": "credentials.verify",
    "verify_credential": "credentials.verify",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'credentials' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
