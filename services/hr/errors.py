"""What HR's lane-change workflow refuses with: a stale request, an actor who may not act, an unacceptable upload."""

from __future__ import annotations


class StaleRequest(RuntimeError):
    """The request changed since it was read (another HR user acted on it first)."""


class NotAllowed(PermissionError):
    """The user may not act on this request."""


class EvidenceRefused(ValueError):
    """An upload that is too large, of a type not accepted, or not what its name says."""
