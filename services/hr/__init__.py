"""HR's lane-change workflow in the database: filing, evidence, transitions with an optimistic
version check, approval (placement, retroactive pay), the queue, history and the payroll export.

Every function takes the session explicitly; the rules come from the caller. The engine
(`engine.hr.workflow`, `engine.hr.assess`, `engine.hr.retro`) decides; this module stores.

Callers write `from services import hr` and `hr.create_request(...)`; the names live in modules by what they
are about, and this package gives them all:

- `filing`: the credit a teacher declares, opening a draft request, linking the ledger items it rests on;
- `evidence`: which uploads are accepted, storing and finding evidence files;
- `badges`: verifying Open Badges among the evidence and putting the valid ones on the ledger;
- `assessment`: the facts the district's rules judge a request by, and what they say;
- `decisions`: transitions with the version check, approval, reviews, bulk approval;
- `review_queue`: HR's queue, a page of it and what it can be filtered by;
- `payroll`: the payroll export;
- `history`: a request's audit log, a teacher's requests, changes and placements;
- `errors`: what the workflow refuses with.

A test that replaces a name for the code that uses it patches the module that uses it (say
`services.hr.decisions.apply`), not this package: a name given here is a copy.
"""

from services.hr.assessment import (
    assess_request,
    current_placement,
    filed_on,
    preview_facts,
    request_facts,
    teacher_of,
)
from services.hr.badges import credential_key, record_verified_badges, teacher_identities, verify_badge
from services.hr.decisions import BulkResult, Decision, bulk_approve, reviews, transition
from services.hr.errors import EvidenceRefused, NotAllowed, StaleRequest
from services.hr.evidence import (
    BADGE_TYPES,
    EVIDENCE_TYPES,
    MAX_EVIDENCE_BYTES,
    add_evidence,
    check_evidence,
    credit_evidence,
    evidence_files,
    evidence_folder,
    evidence_path,
    record_credit_with_evidence,
)
from services.hr.filing import NewCredit, attach_credentials, create_request, open_credit, request_credentials
from services.hr.history import approved_changes, audit_log, requests_of_teacher, teacher_history
from services.hr.payroll import MONEY_COLUMNS, PAYROLL_COLUMNS, payroll_csv, payroll_rows, payroll_xlsx
from services.hr.review_queue import (
    CHOICES_SECONDS,
    OPEN_STATES,
    QUEUE_STATES,
    SORTS,
    QueuePage,
    queue,
    queue_choices,
)

__all__ = [
    "BADGE_TYPES",
    "CHOICES_SECONDS",
    "EVIDENCE_TYPES",
    "MAX_EVIDENCE_BYTES",
    "MONEY_COLUMNS",
    "OPEN_STATES",
    "PAYROLL_COLUMNS",
    "QUEUE_STATES",
    "SORTS",
    "BulkResult",
    "Decision",
    "EvidenceRefused",
    "NewCredit",
    "NotAllowed",
    "QueuePage",
    "StaleRequest",
    "add_evidence",
    "approved_changes",
    "assess_request",
    "attach_credentials",
    "audit_log",
    "bulk_approve",
    "check_evidence",
    "create_request",
    "credential_key",
    "credit_evidence",
    "current_placement",
    "evidence_files",
    "evidence_folder",
    "evidence_path",
    "filed_on",
    "open_credit",
    "payroll_csv",
    "payroll_rows",
    "payroll_xlsx",
    "preview_facts",
    "queue",
    "queue_choices",
    "record_credit_with_evidence",
    "record_verified_badges",
    "request_credentials",
    "request_facts",
    "requests_of_teacher",
    "reviews",
    "teacher_history",
    "teacher_identities",
    "teacher_of",
    "transition",
    "verify_badge",
]
