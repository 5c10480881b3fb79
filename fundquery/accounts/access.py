"""Who may use which endpoint: the one table every route must appear in.

``tests/web/test_route_access.py`` walks ``app.url_map`` and fails for any
endpoint that is in neither table, then checks each staff endpoint refuses
anonymous users and every role not listed.  Adding a route means adding one
line here: in PUBLIC_ENDPOINTS, or in ROLE_ENDPOINTS with the roles that may
use it.  This is the only place roles are stated: the app enforces the table
before every request, the view's ``@roles_required()`` reads it again (and
refuses an endpoint it does not list), and the staff start page shows each
task to the roles listed here.
"""

from __future__ import annotations

from fundquery.accounts.accounts import ROLES

FINANCE, REVIEWER, INSPECTOR, ADMIN = ROLES
ANY_STAFF = frozenset(ROLES)  # any signed-in user, whatever their role
UPLOADERS = frozenset({FINANCE, INSPECTOR, ADMIN})

# Open to everyone, signed in or not.
PUBLIC_ENDPOINTS: frozenset[str] = frozenset(
    {
        "static",
        "assets.plotly_js",
        "public.home",
        "public.healthz",
        "auth.login",
        "publication.index",
        # residents and the public (issue 3)
        "public.query",
        "public.kiosk",
        "public.funds",
        "public.fund",
        "public.projects",
        "public.notices",
        "public.notice",
        "public.notice_print",
        "public.budgets",
        "public.staffing",
        "public.agency",
        "public.opendata",
        "public.download",
        "api.index",
        "api.rows",
        # the published 整改公示 (issue 5)
        "rectification.public_notices",
        # consultations and complaints (issue 6)
        "public.messages",
        "public.message_new",
        "public.message_receipt",
        "public.message_status",
        # the search box, and the yearly openness report (issue 17)
        "public.search",
        "public.annual",
        "public.annual_latest",
    }
)

# endpoint -> roles allowed (a user needs at least one of them).
ROLE_ENDPOINTS: dict[str, frozenset[str]] = {
    # accounts (issue 4)
    "auth.logout": ANY_STAFF,
    "auth.password": ANY_STAFF,
    "staff.home": ANY_STAFF,
    # Finance staff upload the county's own kinds; inspectors and administrators the registers of
    # other departments (issue 16): which kinds a role may upload is the spec's (Spec.uploaders).
    "upload.form": UPLOADERS,
    "upload.preview": UPLOADERS,
    "upload.load": UPLOADERS,
    "upload.annotated": UPLOADERS,
    "upload.mapping": frozenset({FINANCE}),
    "upload.template": UPLOADERS,
    "batches.index": UPLOADERS,
    "batches.retract": UPLOADERS,
    "review.index": frozenset({REVIEWER}),
    "review.batch": frozenset({REVIEWER}),
    "review.publish": frozenset({REVIEWER}),
    "review.withdraw": frozenset({REVIEWER}),
    "review.reject": frozenset({REVIEWER}),
    "review.timeliness": frozenset({REVIEWER, INSPECTOR}),
    "admin.users": frozenset({ADMIN}),
    "admin.user": frozenset({ADMIN}),
    "admin.audit_log": frozenset({ADMIN}),
    "admin.calendar": frozenset({ADMIN}),
    # rectification reaches the office that must act (issue 17)
    "staff.office_flags": frozenset({FINANCE}),
    "staff.office_flag": frozenset({FINANCE}),
    "inspect.flag_accept": frozenset({INSPECTOR}),
    "inspect.flag_send_back": frozenset({INSPECTOR}),
    "inspect.flag_evidence": frozenset({INSPECTOR}),
    "inspect.flag_letter": frozenset({INSPECTOR}),
    "inspect.office_letter": frozenset({INSPECTOR}),
    # usage counted without personal data (issue 17)
    "staff.usage": frozenset({ADMIN, REVIEWER, INSPECTOR}),
    "staff.usage_xlsx": frozenset({ADMIN, REVIEWER, INSPECTOR}),
    # inspectors (issue 5)
    "inspect.index": frozenset({INSPECTOR}),
    "inspect.check": frozenset({INSPECTOR}),
    "inspect.check_csv": frozenset({INSPECTOR}),
    "inspect.export_xlsx": frozenset({INSPECTOR}),
    "inspect.delays": frozenset({INSPECTOR}),
    "inspect.flag_new": frozenset({INSPECTOR}),
    "inspect.flag_list": frozenset({INSPECTOR}),
    "inspect.flag": frozenset({INSPECTOR}),
    "inspect.flag_move": frozenset({INSPECTOR}),
    "inspect.summary": frozenset({INSPECTOR, REVIEWER}),
    "inspect.notice_create": frozenset({INSPECTOR}),
    "inspect.notice": frozenset({INSPECTOR, REVIEWER}),
    "inspect.notice_publish": frozenset({REVIEWER}),
    "inspect.person": frozenset({INSPECTOR}),
    "inspect.person_reveal": frozenset({INSPECTOR}),
    # field checks (明查暗访, issue 16): samples, the visit list, visits
    "inspect.samples_index": frozenset({INSPECTOR}),
    "inspect.sample": frozenset({INSPECTOR}),
    "inspect.sample_print": frozenset({INSPECTOR}),
    "inspect.sample_reveal": frozenset({INSPECTOR}),
    "inspect.sample_visit": frozenset({INSPECTOR}),
    # the consultation and complaint desk (issue 6): the 公开办 (reviewer) registers, routes,
    # reviews and publishes; the department in charge (finance, by office) answers;
    # inspectors read, escalate and see the metrics.
    "desk.index": frozenset({FINANCE, REVIEWER, INSPECTOR}),
    "desk.message": frozenset({FINANCE, REVIEWER, INSPECTOR}),
    "desk.register": frozenset({REVIEWER}),
    "desk.route": frozenset({REVIEWER}),
    "desk.answer": frozenset({FINANCE}),
    "desk.review": frozenset({REVIEWER}),
    "desk.publish": frozenset({REVIEWER}),
    "desk.send_back": frozenset({REVIEWER}),
    "desk.link": frozenset({FINANCE, REVIEWER}),
    "desk.escalate": frozenset({REVIEWER, INSPECTOR}),
    "desk.metrics": frozenset({REVIEWER, INSPECTOR}),
    # backups made by the running server (issue 8)
    "backup.index": frozenset({ADMIN}),
}


def roles_for(endpoint: str | None) -> frozenset[str] | None:
    """The roles that may use ``endpoint``; None when it is public or not in the table."""
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return None
    return ROLE_ENDPOINTS.get(endpoint)
