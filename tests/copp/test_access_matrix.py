"""Who may open what: one matrix of every kind of URL against every kind of person.

Columns: an anonymous visitor, applicant A (who holds A's secret link),
applicant B (who holds B's), each staff role, and a superuser. Rows: public
pages, A's pages and files, the back office, reports and exports. Each cell is
"+" (allowed: the page, or a redirect that is not to the login page) or "-"
(denied: the login page, 403 or 404). Each column starts from the same data;
the few requests that change something come after those that read it.

Applicants have no accounts: the secret link is the key. In A's rows A uses
A's link and the others a made-up one; for A's file, B tries B's own link with
A's document id.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from copp import roles
from enrollment.models import CustomerDetails, StatusChange
from enrollment.services import Actor
from enrollment.services.contract_terms import Party, default_party
from enrollment.services.contracts import (
    prepare_contract,
    send_contract,
)
from enrollment.services.payments import issue_invoices
from partners.models import Agreement, Amendment, Partner
from programs.models import Cohort
from programs.services import update_centre
from tests.enrollment.test_contracts import CENTRE
from tests.factories import (
    PDF_BYTES,
    PNG_BYTES,
    CohortFactory,
    ProgramFactory,
    pdf_file,
    submit,
)

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "A", "B", "intake", "manager", "partners", "superuser"]
ROLE_OF = {
    "intake": roles.INTAKE,
    "manager": roles.MANAGERS,
    "partners": roles.PARTNER_RELATIONS,
}


@pytest.fixture
def world():
    call_command("setup_roles", verbosity=0)
    program = ProgramFactory(slug="cnc")
    cohort = CohortFactory(program=program, admission_mode=Cohort.AdmissionMode.REVIEW)
    a = submit(cohort, email="a@example.org", documents=[("passport", pdf_file())])
    b = submit(cohort, email="b@example.org", documents=[("passport", pdf_file())])
    partner = Partner.objects.create(
        kind=Partner.Kind.ORGANISATION,
        full_name="АО «Энский станкостроительный завод»",
        short_name="АО «ЭСЗ»",
        inn="7707083893",
        kpp="770701001",
        ogrn="1027700132195",
        is_public=True,
        logo=SimpleUploadedFile("logo.png", PNG_BYTES, "image/png"),
    )
    agreement = Agreement.objects.create(
        partner=partner,
        kind=Agreement.Kind.NETWORK,
        number="С-1/2026",
        subject="Практика",
        scan=SimpleUploadedFile("scan.pdf", PDF_BYTES, "application/pdf"),
    )
    amendment = Amendment.objects.create(
        agreement=agreement,
        number=1,
        signed_on=datetime.date(2026, 1, 15),
        text="Изменение",
        scan=SimpleUploadedFile("amend.pdf", PDF_BYTES, "application/pdf"),
    )
    admin = get_user_model().objects.create_superuser("centre", "c@example.org", "x")
    update_centre(user=admin, changes=CENTRE)
    party = Party(
        **{
            **default_party(a).__dict__,
            "address": "г. Энск, ул. Мира, д. 5",
            "identity_document": "паспорт 4510 123456",
        }
    )
    contract = prepare_contract(
        application=a, actor=Actor.staff(admin), party=party, price=Decimal("1000")
    )
    send_contract(contract=contract, actor=Actor.staff(admin))
    (invoice,) = issue_invoices(contract=contract, actor=Actor.staff(admin))
    return {
        "cohort": cohort,
        "contract": contract,
        "invoice": invoice,
        "A": a,
        "B": b,
        "partner": partner,
        "agreement": agreement,
        "amendment": amendment,
    }


def token_for(actor: str, world) -> str:
    """The link to A's application as an actor can try it: A holds it, everyone
    else can only make one up."""
    return world["A"].token if actor == "A" else secrets.token_urlsafe(32)


def own_token(actor: str, world) -> str:
    """An actor's own link (A's or B's), or a made-up one."""
    if actor in ("A", "B"):
        return world[actor].token
    return secrets.token_urlsafe(32)


def a_doc(world) -> int:
    return world["A"].documents.get().pk


def a_consent(world) -> int:
    return world["A"].applicant.consents.get().pk


# (name, method, url(actor, world), expected for ACTORS in order)
ROWS = [
    # Public pages: everyone.
    ("home", "GET", lambda x, w: "/", "+++++++"),
    ("catalog", "GET", lambda x, w: "/programs/?q=сварка", "+++++++"),
    ("program", "GET", lambda x, w: "/programs/cnc/", "+++++++"),
    ("partners page", "GET", lambda x, w: "/partners/", "+++++++"),
    ("application form", "GET", lambda x, w: f"/apply/{w['cohort'].pk}/", "+++++++"),
    ("lost link", "GET", lambda x, w: "/applications/lost-link/", "+++++++"),
    ("consent text", "GET", lambda x, w: "/consent/processing/", "+++++++"),
    ("english home", "GET", lambda x, w: "/en/", "+++++++"),
    ("sitemap", "GET", lambda x, w: "/sitemap.xml", "+++++++"),
    ("robots", "GET", lambda x, w: "/robots.txt", "+++++++"),
    ("health", "GET", lambda x, w: "/healthz", "+++++++"),
    # A's application: only with A's link.
    (
        "A's page",
        "GET",
        lambda x, w: f"/applications/{token_for(x, w)}/",
        "-+-----",
    ),
    (
        "A's file",
        "GET",
        lambda x, w: f"/applications/{own_token(x, w)}/documents/{a_doc(w)}/",
        "-+-----",
    ),
    (
        "upload to A's",
        "POST",
        lambda x, w: f"/applications/{token_for(x, w)}/upload/",
        "-+-----",
    ),
    (
        "withdraw A's",
        "POST",
        lambda x, w: f"/applications/{token_for(x, w)}/withdraw/",
        "-+-----",
    ),
    (
        "withdraw A's consent",
        "POST",
        lambda x, w: (
            f"/applications/{token_for(x, w)}/consents/{a_consent(w)}/withdraw/"
        ),
        "-+-----",
    ),
    (
        "decline for A",
        "POST",
        lambda x, w: f"/applications/{token_for(x, w)}/decline/",
        "-+-----",
    ),
    # A's contract: with A's link; B with B's own link and A's contract id.
    (
        "A's contract",
        "GET",
        lambda x, w: f"/applications/{own_token(x, w)}/contracts/{w['contract'].pk}/",
        "-+-----",
    ),
    (
        "A's invoice",
        "GET",
        lambda x, w: f"/applications/{own_token(x, w)}/invoices/{w['invoice'].pk}/",
        "-+-----",
    ),
    # Staff's copy of A's file.
    (
        "staff file download",
        "GET",
        lambda x, w: reverse("staff:staff_document", args=[a_doc(w)]),
        "---++-+",
    ),
    (
        "staff picture of a file's page",
        "GET",
        lambda x, w: reverse("staff:staff_document_page", args=[a_doc(w), 0]),
        "---++-+",
    ),
    (
        "staff contract download",
        "GET",
        lambda x, w: reverse(
            "admin:enrollment_contract_file", args=[w["contract"].pk, "pdf"]
        ),
        "---++-+",
    ),
    (
        "staff invoice download",
        "GET",
        lambda x, w: reverse(
            "admin:enrollment_contract_invoice", args=[w["invoice"].pk]
        ),
        "---++-+",
    ),
    (
        "contracts",
        "GET",
        lambda x, w: reverse("admin:enrollment_contract_changelist"),
        "---++-+",
    ),
    (
        "prepare a contract for B",
        "GET",
        lambda x, w: reverse("admin:enrollment_contract_prepare", args=[w["B"].pk]),
        "---+--+",
    ),
    # The back office.
    ("admin home", "GET", lambda x, w: reverse("admin:index"), "---++++"),
    (
        "applications",
        "GET",
        lambda x, w: reverse("admin:enrollment_application_changelist"),
        "---++-+",
    ),
    (
        "A in the admin",
        "GET",
        lambda x, w: reverse("admin:enrollment_application_change", args=[w["A"].pk]),
        "---++-+",
    ),
    (
        "A's history",
        "GET",
        lambda x, w: reverse("admin:enrollment_application_history", args=[w["A"].pk]),
        "---++-+",
    ),
    (
        "take A into review",
        "POST",
        lambda x, w: reverse(
            "admin:enrollment_application_act", args=[w["A"].pk, "take_into_review"]
        ),
        "---+--+",
    ),
    (
        "check A's file",
        "GET",
        lambda x, w: reverse(
            "admin:enrollment_application_review_document", args=[w["A"].pk, a_doc(w)]
        ),
        "---+--+",
    ),
    (
        "export CSV",
        "GET",
        lambda x, w: reverse("admin:enrollment_application_export", args=["csv"]),
        "---++-+",
    ),
    (
        "export XLSX",
        "GET",
        lambda x, w: reverse("admin:enrollment_application_export", args=["xlsx"]),
        "---++-+",
    ),
    (
        "applicants",
        "GET",
        lambda x, w: reverse("admin:enrollment_applicant_changelist"),
        "---++-+",
    ),
    (
        "duplicates",
        "GET",
        lambda x, w: reverse("admin:enrollment_applicant_duplicates"),
        "---++-+",
    ),
    (
        "A's personal data (JSON)",
        "GET",
        lambda x, w: reverse(
            "admin:enrollment_applicant_personal_data", args=[w["A"].applicant_id]
        ),
        "---+--+",
    ),
    (
        "anonymise A",
        "GET",
        lambda x, w: reverse(
            "admin:enrollment_applicant_anonymise", args=[w["A"].applicant_id]
        ),
        "---+--+",
    ),
    (
        "delete A",
        "POST",
        lambda x, w: reverse("admin:enrollment_application_delete", args=[w["A"].pk]),
        "-------",
    ),
    (
        "cohorts",
        "GET",
        lambda x, w: reverse("admin:programs_cohort_changelist"),
        "---++++",
    ),
    (
        "cohort",
        "GET",
        lambda x, w: reverse("admin:programs_cohort_change", args=[w["cohort"].pk]),
        "---++++",
    ),
    (
        "programs",
        "GET",
        lambda x, w: reverse("admin:programs_program_changelist"),
        "---++++",
    ),
    # A roster names people: viewing the cohort is not enough.
    (
        "roster",
        "GET",
        lambda x, w: reverse("admin:programs_cohort_roster", args=[w["cohort"].pk]),
        "---++-+",
    ),
    (
        "add program",
        "GET",
        lambda x, w: reverse("admin:programs_program_add"),
        "------+",
    ),
    (
        "consent texts",
        "GET",
        lambda x, w: reverse("admin:enrollment_consenttext_changelist"),
        "---++-+",
    ),
    (
        "add consent text",
        "GET",
        lambda x, w: reverse("admin:enrollment_consenttext_add"),
        "------+",
    ),
    (
        "issued documents",
        "GET",
        lambda x, w: reverse("admin:enrollment_completion_changelist"),
        "---++-+",
    ),
    ("users", "GET", lambda x, w: reverse("admin:auth_user_changelist"), "------+"),
    (
        "background tasks (e-mails with links)",
        "GET",
        lambda x, w: reverse("admin:django_tasks_database_dbtaskresult_changelist"),
        "------+",
    ),
    (
        "partners",
        "GET",
        lambda x, w: reverse("admin:partners_partner_changelist"),
        "----+++",
    ),
    (
        "add partner",
        "GET",
        lambda x, w: reverse("admin:partners_partner_add"),
        "-----++",
    ),
    (
        "import partners",
        "GET",
        lambda x, w: reverse("admin:partners_partner_import"),
        "-----++",
    ),
    (
        "add agreement",
        "GET",
        lambda x, w: reverse("admin:partners_agreement_add"),
        "-----++",
    ),
    (
        "agreement scan",
        "GET",
        lambda x, w: reverse("admin:partners_agreement_scan", args=[w["agreement"].pk]),
        "----+++",
    ),
    (
        "amendment scan",
        "GET",
        lambda x, w: (
            reverse("admin:partners_agreement_scan", args=[w["agreement"].pk])
            + f"?amendment={w['amendment'].pk}"
        ),
        "----+++",
    ),
    (
        "public partner's logo",
        "GET",
        lambda x, w: reverse("partners:logo", args=[w["partner"].pk]),
        "+++++++",
    ),
    # Reports and their downloads.
    ("reports", "GET", lambda x, w: "/reports/", "----+-+"),
    ("report XLSX", "GET", lambda x, w: "/reports/?format=xlsx", "----+-+"),
    ("FRDO register", "GET", lambda x, w: "/reports/?format=register", "----+-+"),
]


def log_in(client, actor: str) -> None:
    if actor not in ROLE_OF and actor != "superuser":
        return
    User = get_user_model()
    if actor == "superuser":
        user = User.objects.create_superuser("root", "root@example.org", "x")
    else:
        user = User.objects.create_user(actor, password="x", is_staff=True)
        user.groups.add(Group.objects.get(name=ROLE_OF[actor]))
    client.force_login(user)


def allowed(response) -> bool:
    if response.status_code in (403, 404, 405):
        return False
    if response.status_code == 302:
        return "/login/" not in response["Location"]
    assert response.status_code == 200, response.status_code
    return True


@pytest.mark.parametrize("actor", ACTORS)
def test_access_matrix(client, world, actor):
    log_in(client, actor)
    column = ACTORS.index(actor)
    wrong = {}
    for name, method, url, expected in ROWS:
        target = url(actor, world)
        response = getattr(client, method.lower())(target)
        got = allowed(response)
        if got != (expected[column] == "+"):
            wrong[name] = f"{method} {target}: {response.status_code}"
    assert wrong == {}


def test_a_can_never_reach_b_whatever_ids_or_tokens_are_tried(client, world):
    a, b = world["A"], world["B"]
    b_doc = b.documents.get().pk
    attempts = [
        f"/applications/{a.token}/documents/{b_doc}/",
        f"/applications/{a.token[:-1]}/",
        f"/applications/{a.token.upper()}/",
        f"/applications/{a.token}%00/",
        f"/applications/{b.pk}/",
        f"/applications/{b.submission_key}/",
        f"/applications/{a.token}/documents/{b_doc}/?token={b.token}",
    ]
    for url in attempts:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b.applicant.last_name.encode() not in response.content
    # Acting through A's link never touches B.
    for action in ("withdraw", "decline", "accept"):
        client.post(f"/applications/{a.token}/{action}/", {"application": b.pk})
    b.refresh_from_db()
    assert b.status == "submitted"
    assert b.history.count() == 1


@pytest.mark.parametrize("actor", ["intake", "manager", "partners", "superuser"])
@pytest.mark.parametrize(
    "action",
    ["withdraw", "decline", "accept", "upload", "consent", "contract_details"],
)
def test_staff_holding_a_secret_link_never_act_as_the_applicant(
    client, world, actor, action
):
    """A link seen in the back office opens the applicant's page, but what is
    done there is the applicant's: staff are refused and nothing changes."""
    log_in(client, actor)
    a = world["A"]
    url = {
        "withdraw": f"/applications/{a.token}/withdraw/",
        "decline": f"/applications/{a.token}/decline/",
        "accept": f"/applications/{a.token}/accept/",
        "upload": f"/applications/{a.token}/upload/",
        "consent": f"/applications/{a.token}/consents/{a_consent(world)}/withdraw/",
        "contract_details": f"/applications/{a.token}/contract-details/",
    }[action]
    data = {
        "upload": {"kind": "other", "file": pdf_file()},
        "contract_details": {"identity_document": "паспорт 4510 123456"},
    }.get(action, {})
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    [message] = list(response.context["messages"])
    assert message.level_tag == "error"
    a.refresh_from_db()
    assert a.status == "submitted"
    assert a.documents.count() == 1
    assert a.applicant.consents.filter(withdrawn_at__isnull=True).count() == 1
    assert StatusChange.objects.filter(application=a).count() == 1
    assert not CustomerDetails.objects.exists()


@pytest.mark.parametrize(
    ("actor", "sees_link"),
    [("intake", True), ("manager", False), ("superuser", True)],
)
def test_only_staff_who_may_change_applications_see_the_secret_link(
    client, world, actor, sees_link
):
    log_in(client, actor)
    a = world["A"]
    page = client.get(
        reverse("admin:enrollment_application_change", args=[a.pk])
    ).content.decode()
    assert (a.token in page) is sees_link
