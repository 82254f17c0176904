"""Frozen JSON-LD contexts and RDFC-1.0 canonicalization, never touching the network."""

import json
from functools import cache
from pathlib import Path

from pyld import jsonld

CONTEXTS_DIR = Path(__file__).parent / "contexts"


class UnknownContext(Exception):
    """A JSON-LD context URL that is not among the frozen contexts."""


@cache
def _url_map() -> dict[str, str]:
    """Context URL -> file name in credentials/contexts."""
    return json.loads((CONTEXTS_DIR / "url-map.json").read_text(encoding="utf-8"))


@cache
def _context_document(url: str) -> str:
    """The raw text of one frozen context."""
    return (CONTEXTS_DIR / _url_map()[url]).read_text(encoding="utf-8")


def frozen_loader(url: str, options: dict | None = None) -> dict:
    """PyLD document loader that serves only the shipped contexts and refuses any other URL."""
    if url not in _url_map():
        raise UnknownContext(f"context {url} is not frozen in credentials/contexts (no network)")
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(_context_document(url)),
    }


def unknown_contexts(document: dict) -> list[str]:
    """Context URLs of a document that the frozen loader would refuse."""
    contexts = document.get("@context", [])
    contexts = contexts if isinstance(contexts, list) else [contexts]
    return [c for c in contexts if isinstance(c, str) and c not in _url_map()]


def canonize(document: dict) -> str:
    """Canonical N-Quads of a JSON-LD document (RDFC-1.0 / URDNA2015)."""
    return jsonld.normalize(
        document,
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": frozen_loader},
    )
