"""A new intake staff member takes ten applications from submission to completion."""

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpRequest
from django.urls import reverse

from copp import roles
from core.identifiers import snils_check_digits
from enrollment import services
from enrollment.models import Applicant, Application, Completion, Document, Order
from programs.models import Cohort
from programs.services import update_centre
from tests.enrollment.test_contracts import CENTRE
from tests.factories import CohortFactory, pdf_file, submit

pytestmark = pytest.mark.django_db


def test_ten_applications_from_submission_to_completion(client, settings):
    settings.DEBUG = True
    call_command("create_demo_accounts", stdout=io.StringIO())
    user = get_user_model().objects.get(username="intake")
    # The centre's details, filled in once by an administrator, sign orders.
    update_centre(
        user=get_user_model().objects.create_superuser("boss", "boss@example.org"),
        changes=CENTRE,
    )
    assert user.groups.filter(name=roles.INTAKE).exists()
    # django-axes checks every login against the request it came with.
    assert client.login(
        request=HttpRequest(), username="intake", password="demo-copp-2026"
    )

    # Seats paid by the regional budget: no contract to sign before the order.
    cohort = CohortFactory(
        admission_mode=Cohort.AdmissionMode.REVIEW, quotas={"regional": 10}
    )
    applications = [
        submit(
            cohort,
            snils=snils,
            documents=[("passport", pdf_file())],
            stream_code="regional",
        )
        for snils in [
            f"{n:09d}{snils_check_digits(f'{n:09d}')}"
            for n in range(123456001, 123456011)
        ]
    ]
    duplicate = submit(CohortFactory(), email=applications[0].applicant.email)
    changelist = reverse("admin:enrollment_application_changelist")
    selected = [a.pk for a in applications]

    def bulk(action, **data):
        response = client.post(
            changelist,
            {"action": action, "_selected_action": selected, **data},
            follow=True,
        )
        assert response.status_code == 200
        errors = [
            str(m) for m in response.context["messages"] if m.level_tag == "error"
        ]
        assert errors == [], errors

    bulk("take_into_review")
    bulk("accept")
    # Each applicant accepts the seat on their own page.
    for application in applications:
        services.accept_offer(application=application)
    for application in applications:
        document = application.documents.get()
        client.post(
            reverse(
                "admin:enrollment_application_review_document",
                args=[application.pk, document.pk],
            ),
            {"decision": "verify"},
        )
    assert Document.objects.filter(status=Document.Status.VERIFIED).count() == 10

    def by_order(action, dated, **data):
        # The action opens the group's order with everyone ticked; signing it
        # moves them all.
        opened = client.post(
            changelist, {"action": action, "_selected_action": selected}
        )
        draft = opened["Location"]
        ticked = client.get(draft).context["form"]["applications"].initial
        assert sorted(ticked) == sorted(selected)
        client.post(draft, {"dated": dated, "applications": ticked, **data})
        order = Order.objects.latest("pk")
        client.post(reverse("admin:enrollment_order_step", args=[order.pk, "sign"]))
        order.refresh_from_db()
        assert order.state == Order.State.SIGNED

    by_order("enrol", cohort.starts_on.isoformat())
    bulk("start_studies")
    by_order(
        "complete",
        cohort.ends_on.isoformat(),
        first_registration_number="1",
        registration_prefix="ЦОПП-2027-",
        blank_series="77",
        first_blank_number="1001",
    )
    assert set(
        Application.objects.filter(pk__in=selected).values_list("status", flat=True)
    ) == {"completed"}
    assert Completion.objects.count() == 10

    client.post(
        reverse("admin:enrollment_applicant_duplicates"),
        {"keep": applications[0].applicant_id, "merge": duplicate.applicant_id},
    )
    assert not Applicant.objects.filter(pk=duplicate.applicant_id).exists()

    roster = client.get(reverse("admin:programs_cohort_roster", args=[cohort.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(roster.streaming_content)))
    names = {c for row in book.active.iter_rows(values_only=True) for c in row if c}
    assert {a.applicant.full_name for a in applications} <= names
