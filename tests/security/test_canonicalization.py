"""Item 1: a credential whose blank nodes all look alike is refused before canonicalization explodes.

Seven blank nodes each linked to all the others make RDF canonicalization (RDFC-1.0) try every
ordering of them: 6 s unbounded, 8 nodes 77 s, a worker killed by gunicorn. Bounded, the same
file is refused after a fixed amount of work, on the page, in the CLI and in the library.
"""

import json

from click.testing import CliRunner

from credentials import read_credentials, verify_credential
from credentials.cli import credentials as credentials_group
from credentials.limits import MAX_CANONICALIZATION_STEPS, budget
from credentials.reader import Credential
from models.hr import EvidenceFile
from tests.credentials.test_issue import credential, data_integrity
from tests.security.conftest import upload_evidence

DID_KEY = "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
LINKED = "https://example.org/linked"
REFUSED = f"canonicalization needs more than {MAX_CANONICALIZATION_STEPS:,} steps"


def linked_blank_nodes(count: int) -> dict:
    """An OB 3.0 credential with a junk eddsa-rdfc-2022 proof naming a did:key, whose subject links
    `count` blank nodes each to all the others (the attack as reported, 1.7 KB at 7 nodes)."""
    document = credential(issuer=DID_KEY)
    subject = document["credentialSubject"]
    subject.pop("id")
    subject[LINKED] = [{"@id": f"_:b{k}", LINKED: [{"@id": f"_:b{j}"} for j in range(count) if j != k]}
                       for k in range(count)]
    document["proof"] = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                         "verificationMethod": f"{DID_KEY}#{DID_KEY.removeprefix('did:key:')}",
                         "proofPurpose": "assertionMethod", "created": "2026-01-15T00:00:00Z",
                         "proofValue": "z" + "1" * 86}
    return document


def test_linked_blank_nodes_are_refused_within_the_bound():
    result = verify_credential(Credential(linked_blank_nodes(7), "attack.json"))
    signature = result.check("signature")
    assert signature.passed is False
    assert REFUSED in signature.message
    assert not result.valid


def test_a_credential_canonicalizes_within_the_bound(key):
    """The bound leaves real credentials alone: a freshly signed one still verifies."""
    (found,) = read_credentials(data_integrity(key))
    assert verify_credential(found).check("signature").passed is True


def test_verification_stops_when_its_time_is_spent(key):
    """Behind the counts, a whole verification has a deadline: with no time left, canonicalization is refused."""
    (found,) = read_credentials(data_integrity(key))
    with budget(seconds=0):
        signature = verify_credential(found).check("signature")
    assert signature.passed is False
    assert "took longer than 0 s" in signature.message


def test_the_cli_refuses_it_too(tmp_path):
    path = tmp_path / "attack.json"
    path.write_text(json.dumps(linked_blank_nodes(7)))
    result = CliRunner().invoke(credentials_group, ["verify", "--json", str(path)])
    assert result.exit_code == 1
    [report] = json.loads(result.output)
    assert REFUSED in next(c["message"] for c in report["checks"] if c["name"] == "signature")


def test_an_upload_is_verified_within_the_bound(teacher_request, client, session):
    _, _, change_request = teacher_request
    response = upload_evidence(client, change_request.id, "badge.json", json.dumps(linked_blank_nodes(7)).encode())
    assert response.status_code == 302
    [evidence] = session.exec(EvidenceFile.__table__.select().where(EvidenceFile.request_id == change_request.id)).all()
    assert REFUSED in evidence.verification
