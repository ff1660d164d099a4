"""factory_boy factories for the whole suite."""

from __future__ import annotations

import datetime
import io
import uuid

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from enrollment import services
from enrollment.models import ConsentText
from programs.models import (
    Cohort,
    CohortQuota,
    Direction,
    EducationLevel,
    FundingSource,
    Program,
    ProgramKind,
    StudyForm,
    Venue,
)


class DirectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Direction
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Направление {n}")
    slug = factory.Sequence(lambda n: f"direction-{n}")
    description = "Описание направления"


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    direction = factory.SubFactory(DirectionFactory)
    title = factory.Sequence(lambda n: f"Программа обучения {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    kind = ProgramKind.PO_TRAINING
    study_form = StudyForm.FULL_TIME
    hours = 160
    price = 0
    min_age = 18
    required_education = EducationLevel.NONE
    summary = "Краткое описание программы"
    description = "Полное описание программы."
    outcomes = "Читать чертежи\nНастраивать станок"
    is_published = True


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Мастерская {n}")
    address = "г. Энск, ул. Заводская, д. 12"


class CohortFactory(factory.django.DjangoModelFactory):
    program = factory.SubFactory(ProgramFactory)
    code = factory.Sequence(lambda n: f"GR-{n:04d}")
    starts_on = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=20)
    )
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=60))
    application_deadline = factory.LazyAttribute(
        lambda o: o.starts_on - datetime.timedelta(days=3)
    )
    capacity = 12
    min_size = factory.LazyAttribute(lambda o: min(4, o.capacity))
    venue = factory.SubFactory(VenueFactory)
    schedule = "Пн, Ср, Пт 18:00–21:00"
    admission_mode = Cohort.AdmissionMode.REVIEW
    status = Cohort.Status.OPEN

    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    @factory.post_generation
    def quotas(obj, create, extracted, **kwargs):
        """Seats by stream code, e.g. ``quotas={"federal": 5, "personal": 3}``
        (the capacity becomes their sum); by default all seats are paid by the
        learner, the stream open to anyone the program admits."""
        if not create:
            return
        wanted = extracted or {"personal": obj.capacity}
        for code, seats in wanted.items():
            CohortQuota.objects.create(
                cohort=obj, stream=FundingSource.objects.get(code=code), seats=seats
            )
        total = sum(wanted.values())
        if total != obj.capacity:
            obj.capacity = total
            obj.min_size = min(obj.min_size, total)
            obj.save(update_fields=["capacity", "min_size"])


# --- Enrollment ---------------------------------------------------------------


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (11, 79, 138)).save(buffer, fmt)
    return buffer.getvalue()


PNG_BYTES = _image("PNG")
# A real one-page PDF, as a scanner makes it.
PDF_BYTES = _image("PDF")
JPEG_BYTES = _image("JPEG")


def pdf_file(name: str = "passport.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def png_file(name: str = "scan.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


_people = iter(range(1, 10**9))


def applicant_data(**overrides) -> services.ApplicantData:
    """Valid data of an adult; each call is another person."""
    n = next(_people)
    values = {
        "last_name": f"Иванов{n}",
        "first_name": "Пётр",
        "patronymic": "Сергеевич",
        "birth_date": datetime.date(1990, 5, 17),
        "sex": "male",
        "phone": "+79123456789",
        "email": f"person{n}@example.org",
        "municipality": "г. Энск",
        "education_level": "secondary_vocational",
        "snils": "",
    }
    values.update(overrides)
    return services.ApplicantData(**values)


def required_consents() -> list[int]:
    return list(
        ConsentText.objects.filter(is_required=True).values_list("pk", flat=True)
    )


def stream(code: str) -> FundingSource:
    return FundingSource.objects.get(code=code)


def submit(
    cohort,
    *,
    data=None,
    documents=(),
    key=None,
    consent_mailing=False,
    stream_code=None,
    accepts_other_streams=False,
    **overrides,
):
    """Submit an application through the service, as the public form does."""
    consents = required_consents()
    if consent_mailing:
        consents += list(
            ConsentText.objects.filter(kind=ConsentText.Kind.MAILING)
            .order_by("-version")
            .values_list("pk", flat=True)[:1]
        )
    return services.submit_application(
        cohort_id=cohort.pk,
        data=data or applicant_data(**overrides),
        submission_key=key or uuid.uuid4(),
        consent_text_ids=consents,
        documents=documents,
        evidence=services.Evidence(ip_address="203.0.113.7", user_agent="pytest"),
        stream_id=stream(stream_code).pk if stream_code else None,
        accepts_other_streams=accepts_other_streams,
    )
