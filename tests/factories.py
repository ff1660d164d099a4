"""factory_boy factories for the whole suite."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from programs.models import (
    Cohort,
    Direction,
    EducationLevel,
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
    class Meta:
        model = Cohort

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
    min_size = 4
    venue = factory.SubFactory(VenueFactory)
    schedule = "Пн, Ср, Пт 18:00–21:00"
    admission_mode = Cohort.AdmissionMode.REVIEW
    status = Cohort.Status.OPEN
