"""Frozen JSON-LD contexts and RDFC-1.0 canonicalization, never touching the network."""

import json
import math
from functools import cache
from pathlib import Path

from pyld import jsonld
from pyld.canon import URDNA2015

from credentials.limits import (
    MAX_BLANK_NODES,
    MAX_JSON_VALUES,
    MAX_QUADS,
    TooComplex,
    current_budget,
)
from safe.parsing import Refused, json_size

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


class _BoundedURDNA2015(URDNA2015):
    """RDFC-1.0 that charges each N-degree hash to the verification's budget before doing it.

    Hash N-Degree Quads tries every ordering of each group of related blank nodes that look
    alike: a group of k costs k! tries, which is what makes a few linked blank nodes explode.
    """

    def __init__(self, budget):
        super().__init__()
        self.budget = budget

    def create_hash_to_related(self, id_, issuer):
        related = super().create_hash_to_related(id_, issuer)
        self.budget.spend(1 + sum(math.factorial(len(nodes)) for nodes in related.values()), "canonicalization")
        return related


def canonize(document: dict) -> str:
    """Canonical N-Quads of a JSON-LD document (RDFC-1.0 / URDNA2015), within the verification's budget.

    The document's size, its RDF statements and blank nodes are bounded before canonicalization
    starts, and its N-degree hashing while it runs; TooComplex says which bound was reached.
    """
    budget = current_budget()
    try:
        json_size(document, MAX_JSON_VALUES)
    except Refused as error:
        raise TooComplex(f"the document is too large to canonicalize: {error}") from None
    dataset = jsonld.to_rdf(document, {"documentLoader": frozen_loader, "produceGeneralizedRdf": False})
    quads = [quad for graph in dataset.values() for quad in graph]
    if len(quads) > MAX_QUADS:
        raise TooComplex(f"the document makes {len(quads):,} RDF statements; the limit is {MAX_QUADS:,}")
    blank_nodes = {part["value"] for quad in quads for key, part in quad.items()
                   if key != "predicate" and part.get("type") == "blank node"}
    if len(blank_nodes) > MAX_BLANK_NODES:
        raise TooComplex(f"the document has {len(blank_nodes):,} blank nodes; the limit is {MAX_BLANK_NODES:,}")
    budget.check_time("canonicalization")
    return _BoundedURDNA2015(budget).main(dataset, {"format": "application/n-quads"})
