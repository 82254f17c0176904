"""The JSON API under property-based fuzzing (schemathesis, from /api/v1/openapi.json).

For every operation, schema-valid and schema-invalid requests are generated and each is sent twice,
anonymous and with a teacher's bearer token. Every answer must be a non-5xx that the document
describes (status, content type, headers, body); valid data must be accepted and invalid data refused.
A bounded number of examples keeps the run to seconds per operation.
"""

from decimal import Decimal

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from sqlmodel import Session, SQLModel

from app import create_app
from models import PlacementCreate, Role, TeacherCreate, UserCreate
from services import accounts, teachers
from tests.conftest import PASSWORD
from web.api.openapi import openapi_document
from web.extensions import make_engine

EXAMPLES = 40
DOCUMENT = openapi_document()
# Invalid requests can be made only where the document constrains something: a body, or a typed query parameter.
RUNS = [(method.upper(), path, mode) for path, methods in DOCUMENT["paths"].items() for method, spec in methods.items()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if mode is GenerationMode.POSITIVE or "requestBody" in spec
        or any(p["in"] == "query" for p in spec.get("parameters", []))]


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    """An app on its own SQLite database with a placed Dysart teacher and the teacher's bearer token (in FUZZ_TOKEN)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'lanewise.db'}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    app = create_app({"TESTING": True, "ENV_NAME": "testing", "SECRET_KEY": "fuzz-" + "x" * 40, "DATABASE_URL": url})
    with Session(app.extensions["lanewise_engine"], expire_on_commit=False) as session:
        user = accounts.create_user(session=session, user=UserCreate(username="fuzzer", display_name="Fuzzer",
                                                                    role=Role.teacher, password=PASSWORD))
        teacher = teachers.create_teacher(session=session, teacher=TeacherCreate(
            district_id="dysart", employee_id="F1", name="Fuzz Teacher", user_id=user.id))
        teachers.set_placement(session=session, placement=PlacementCreate(
            teacher_id=teacher.id, school_year="2026-27", step=3, lane="BA", fte=Decimal(1)))
        _, app.config["FUZZ_TOKEN"] = accounts.create_api_token(session=session, user=user, name="fuzz")
    yield app
    app.extensions["lanewise_engine"].dispose()


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)


@pytest.mark.parametrize(("method", "path", "mode"), RUNS, ids=[f"{m} {p} {mode}" for m, p, mode in RUNS])
def test_the_api_answers_as_its_document_says(api_schema, fuzz_app, method, path, mode):
    operation = api_schema[path][method]
    bearer = {"Authorization": f"Bearer {fuzz_app.config['FUZZ_TOKEN']}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def answers_as_documented(case):
        case.call_and_validate()
        case.call_and_validate(headers=bearer)

    answers_as_documented()
