"""The details the applicant gives for their contract (on their page), and a
whole group's contracts prepared by a task: each person on their own, the
report saying who got which number and why the others did not."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enrollment import services
from enrollment.models import Contract, ContractBatch, ContractState, CustomerDetails
from enrollment.services.contract_batch import (
    give_customer_details,
    party_for,
    request_contract_batch,
)
from enrollment.services.contract_terms import Party
from programs.services import update_centre
from tests.enrollment.test_contracts import CENTRE, paid_group
from tests.factories import applicant_data, submit

pytestmark = pytest.mark.django_db

PASSPORT = "паспорт 4510 123456, выдан ГУ МВД России по г. Энску 01.02.2015"
ADDRESS = "600000, г. Энск, ул. Мира, д. 5, кв. 7"


@pytest.fixture
def centre(admin_user):
    return update_centre(user=admin_user, changes=CENTRE)


@pytest.fixture
def staff(admin_user):
    return services.Actor.staff(admin_user)


def minor_data():
    today = datetime.date.today()
    return applicant_data(
        last_name="Козлова",
        first_name="Мария",
        patronymic="Игоревна",
        sex="female",
        birth_date=today.replace(year=today.year - 16),
        representative_name="Козлов Игорь Олегович",
        representative_phone="+79001112233",
        representative_email="parent@example.org",
        representative_relation="parent",
        education_level="basic_general",
    )


def test_the_applicant_gives_what_their_contract_needs(centre):
    application = submit(paid_group(), stream_code="personal")
    with pytest.raises(ValidationError) as error:
        give_customer_details(
            application=application, party=Party(identity_document=PASSPORT)
        )
    assert set(error.value.error_dict) == {"address"}
    assert not CustomerDetails.objects.exists()
    give_customer_details(
        application=application,
        party=Party(identity_document=PASSPORT, address=ADDRESS, organisation="X"),
    )
    party = party_for(application)
    assert (party.last_name, party.address, party.identity_document) == (
        application.applicant.last_name,
        ADDRESS,
        PASSPORT,
    )
    assert party.organisation == ""  # only what an adult's contract asks is kept


def test_a_minors_representative_gives_theirs_and_the_learners_address(centre):
    cohort = paid_group(starts_on=datetime.date.today() + datetime.timedelta(days=30))
    cohort.program.min_age = 14
    cohort.program.save(update_fields=["min_age"])
    application = submit(cohort, stream_code="personal", data=minor_data())
    give_customer_details(
        application=application,
        party=Party(
            sex="male",
            identity_document=PASSPORT,
            address=ADDRESS,
            learner_address=ADDRESS,
        ),
    )
    party = party_for(application)
    assert (party.last_name, party.first_name, party.sex) == ("Козлов", "Игорь", "male")


def test_no_details_where_no_contract_is_the_applicants_to_sign(centre):
    cohort = paid_group()
    employer = submit(
        cohort,
        stream_code="employer",
        data=applicant_data(categories=[category("working_adult")]),
    )
    with pytest.raises(ValidationError) as error:
        give_customer_details(
            application=employer,
            party=Party(identity_document=PASSPORT, address=ADDRESS),
        )
    assert error.value.code == "not_wanted"


def category(code):
    from programs.models import LearnerCategory

    return LearnerCategory.objects.get(code=code)


def test_the_applicants_page_takes_the_details_and_keeps_them_on_an_error(
    client, centre
):
    application = submit(paid_group(), stream_code="personal")
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Данные для договора" in page
    url = reverse("enrollment:customer_details", args=[application.token])
    refused = client.post(url, {"identity_document": PASSPORT, "address": ""})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert PASSPORT in html  # what was typed stays
    assert 'aria-invalid="true"' in html or "is-invalid" in html
    done = client.post(url, {"identity_document": PASSPORT, "address": ADDRESS})
    assert done.status_code == 302
    assert CustomerDetails.objects.get(application=application).party == {
        "identity_document": PASSPORT,
        "address": ADDRESS,
    }
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Изменить данные" in page


def test_a_groups_contracts_are_prepared_by_a_task_each_on_their_own(
    centre, staff, run_tasks, mailoutbox
):
    cohort = paid_group()
    given = [submit(cohort, stream_code="personal") for _ in range(3)]
    for application in given:
        give_customer_details(
            application=application,
            party=Party(identity_document=PASSPORT, address=ADDRESS),
        )
    silent = submit(cohort, stream_code="personal")
    employer = submit(
        cohort,
        stream_code="employer",
        data=applicant_data(categories=[category("working_adult")]),
    )
    batch = request_contract_batch(cohort_id=cohort.pk, actor=staff, send=True)
    assert (batch.state, batch.total) == (ContractBatch.State.QUEUED, 5)
    with pytest.raises(ValidationError) as error:
        request_contract_batch(cohort_id=cohort.pk, actor=staff, send=False)
    assert error.value.code == "running"

    run_tasks()
    batch.refresh_from_db()
    assert (batch.state, batch.prepared) == (ContractBatch.State.DONE, 3)
    contracts = Contract.objects.filter(application__in=given)
    assert {c.state for c in contracts} == {ContractState.SENT}
    numbers = sorted(c.number for c in contracts)
    assert numbers == [1, 2, 3]
    refused = {row["application"]: row["text"] for row in batch.report if not row["ok"]}
    assert set(refused) == {silent.pk, employer.pk}
    assert "работодател" in refused[employer.pk]
    assert refused[silent.pk] == (
        "данные заказчика не указаны или неверны: адрес; документ, "
        "удостоверяющий личность"
    )
    assert not Contract.objects.filter(application=silent).exists()

    # Once it is done, another may be asked for: only the one left is listed.
    again = request_contract_batch(cohort_id=cohort.pk, actor=staff, send=False)
    assert again.total == 2


def test_a_batch_whose_worker_was_lost_goes_on_from_where_it_stopped(centre, staff):
    from enrollment.services.contract_batch import run_contract_batch

    cohort = paid_group()
    people = [submit(cohort, stream_code="personal") for _ in range(2)]
    for application in people:
        give_customer_details(
            application=application,
            party=Party(identity_document=PASSPORT, address=ADDRESS),
        )
    batch = request_contract_batch(cohort_id=cohort.pk, actor=staff, send=False)
    # The first person's row was written, then the worker was killed.
    first = run_contract_batch(batch.pk).report[0]
    ContractBatch.objects.filter(pk=batch.pk).update(
        state=ContractBatch.State.RUNNING, report=[first], prepared=1
    )
    Contract.objects.exclude(application_id=first["application"]).delete()
    batch = run_contract_batch(batch.pk)
    assert (batch.state, batch.prepared, len(batch.report)) == ("done", 2, 2)
    assert Contract.objects.count() == 2


def test_staff_ask_for_a_groups_contracts_from_its_page(
    admin_client, centre, run_tasks
):
    cohort = paid_group()
    application = submit(cohort, stream_code="personal")
    give_customer_details(
        application=application,
        party=Party(identity_document=PASSPORT, address=ADDRESS),
    )
    group_page = admin_client.get(
        reverse("admin:programs_cohort_change", args=[cohort.pk])
    ).content.decode()
    url = reverse("admin:enrollment_contractbatch_request", args=[cohort.pk])
    assert url in group_page
    page = admin_client.get(url).content.decode()
    assert "1" in page
    response = admin_client.post(url, {"send": ""})
    batch = ContractBatch.objects.get()
    change = reverse("admin:enrollment_contractbatch_change", args=[batch.pk])
    assert response["Location"] == change
    assert 'http-equiv="refresh"' in admin_client.get(change).content.decode()
    run_tasks()
    html = admin_client.get(change).content.decode()
    assert 'http-equiv="refresh"' not in html
    assert Contract.objects.get(application=application).display_number in html


def test_anonymising_the_person_removes_what_they_gave(centre, staff):
    from enrollment.services.privacy import anonymise

    application = submit(paid_group(), stream_code="personal")
    give_customer_details(
        application=application,
        party=Party(identity_document=PASSPORT, address=ADDRESS),
    )
    anonymise(applicant=application.applicant, actor=staff, reason="Заявление № 1")
    assert not CustomerDetails.objects.exists()
