"""Micro-credentials as verifiable evidence: Open Badges 2.0/3.0 and CLR 2.0, verified offline (no Flask here)."""

from credentials.catalog import CatalogEntry, CatalogMatch, TrustedIssuer, map_to_catalog
from credentials.reader import Credential, UnreadableCredential, read_credentials
from credentials.verify import Check, VerificationResult, load_documents, verify_credential

__all__ = [
    "CatalogEntry",
    "CatalogMatch",
    "Check",
    "Credential",
    "TrustedIssuer",
    "UnreadableCredential",
    "VerificationResult",
    "load_documents",
    "map_to_catalog",
    "read_credentials",
    "verify_credential",
]
