"""Industry partners of the centre and their contact people."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from core.identifiers import digits, validate_inn, validate_kpp, validate_ogrn
from programs.models import Cohort, Program


def private_storage():
    """Agreement scans: outside the public media root, served only to staff."""
    return storages["private"]


def scan_path(instance, filename: str) -> str:
    return f"agreements/{uuid.uuid4().hex}"


class Partner(models.Model):
    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        ENTREPRENEUR = "entrepreneur", _("Individual entrepreneur")

    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind, default=Kind.ORGANISATION
    )
    full_name = models.CharField(_("full name"), max_length=500)
    short_name = models.CharField(_("short name"), max_length=200)
    inn = models.CharField(_("ИНН"), max_length=12, unique=True)
    kpp = models.CharField(_("КПП"), max_length=9, blank=True)
    ogrn = models.CharField(_("ОГРН / ОГРНИП"), max_length=15)
    industry = models.CharField(_("industry"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="partners/logos/", blank=True)
    description = models.TextField(_("description"), blank=True)
    programs = models.ManyToManyField(
        Program,
        blank=True,
        related_name="partners",
        verbose_name=_("programs it takes part in"),
    )
    is_public = models.BooleanField(
        _("shown on the site"),
        default=False,
        help_text=_("Only partners who agreed are listed on the public page."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="organisation",
                        inn__regex=r"^[0-9]{10}$",
                        ogrn__regex=r"^[15][0-9]{12}$",
                    )
                    | Q(
                        kind="entrepreneur",
                        inn__regex=r"^[0-9]{12}$",
                        ogrn__regex=r"^3[0-9]{14}$",
                        kpp="",
                    )
                ),
                name="partner_numbers_fit_the_kind",
            )
        ]

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return f"{reverse('partners:list')}#partner-{self.pk}"

    def clean(self) -> None:
        """Put a clear message on each number that does not fit the rules."""
        errors: dict[str, ValidationError] = {}
        entrepreneur = self.kind == self.Kind.ENTREPRENEUR
        # Stored as the bare digits the database's check expects, so that a
        # number typed with spaces gets its field's message, not the constraint's.
        self.inn = digits(self.inn)
        self.kpp = digits(self.kpp).upper()
        self.ogrn = digits(self.ogrn)
        checks = [
            ("inn", lambda: validate_inn(self.inn, length=12 if entrepreneur else 10)),
            ("ogrn", lambda: validate_ogrn(self.ogrn, entrepreneur=entrepreneur)),
        ]
        if entrepreneur:
            if self.kpp:
                errors["kpp"] = ValidationError(
                    _("An individual entrepreneur has no КПП."), code="kpp_entrepreneur"
                )
        elif not self.kpp:
            errors["kpp"] = ValidationError(
                _("An organisation has a КПП."), code="kpp_required"
            )
        else:
            checks.append(("kpp", lambda: validate_kpp(self.kpp)))
        for field, check in checks:
            try:
                check()
            except ValidationError as error:
                errors[field] = error
        if errors:
            raise ValidationError(errors)


class Contact(models.Model):
    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("partner"),
    )
    name = models.CharField(_("name"), max_length=300)
    position = models.CharField(_("job title"), max_length=200, blank=True)
    phone = PhoneNumberField(_("phone"), region="RU", blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")

    def __str__(self) -> str:
        return self.name


class AgreementQuerySet(models.QuerySet):
    def in_force(self, today: datetime.date | None = None) -> AgreementQuerySet:
        """Signed, started, not terminated and not past their term: active now."""
        today = today or timezone.localdate()
        return self.filter(signed_on__isnull=False, terminated_on__isnull=True).filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=today),
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        )

    def expiring_within(self, days: int, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.in_force(today).filter(
            valid_until__lte=today + datetime.timedelta(days=days)
        )

    def with_status(self, today: datetime.date | None = None) -> AgreementQuerySet:
        """Annotate ``status`` computed in SQL from the dates, never stored."""
        today = today or timezone.localdate()
        return self.annotate(
            status=Case(
                When(
                    terminated_on__isnull=False, then=Value(Agreement.Status.TERMINATED)
                ),
                When(signed_on__isnull=True, then=Value(Agreement.Status.DRAFT)),
                When(valid_until__lt=today, then=Value(Agreement.Status.EXPIRED)),
                default=Value(Agreement.Status.ACTIVE),
                output_field=models.CharField(),
            )
        )


class Agreement(models.Model):
    """An agreement with a partner. Once signed it is amended or terminated, not edited."""

    class Kind(models.TextChoices):
        COOPERATION = "cooperation", _("Cooperation")
        NETWORK = "network", _("Network form of delivering programs")
        PRACTICE = "practice", _("Practical training and internships")
        TARGETED = "targeted", _("Targeted training")
        THREE_PARTY = "three_party", _("Three-party (centre, employer, learner)")
        EQUIPMENT = "equipment", _("Equipment")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("partner"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    number = models.CharField(_("number"), max_length=50, unique=True)
    subject = models.TextField(_("subject"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: open-ended.")
    )
    scan = models.FileField(
        _("scan"),
        storage=private_storage,
        upload_to=scan_path,
        blank=True,
        max_length=200,
    )
    programs = models.ManyToManyField(
        Program, blank=True, related_name="agreements", verbose_name=_("programs")
    )
    cohorts = models.ManyToManyField(
        Cohort, blank=True, related_name="agreements", verbose_name=_("cohorts")
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible staff member"),
    )
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "number"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_from__lte=F("valid_until")),
                name="agreement_term_in_order",
            ),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True)
                | (Q(signed_on__isnull=False) & ~Q(termination_reason="")),
                name="agreement_termination_is_explained",
            ),
        ]
        indexes = [models.Index(fields=["valid_until"])]

    def __str__(self) -> str:
        return f"№ {self.number} · {self.partner}"

    def status_on(self, today: datetime.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.terminated_on:
            return self.Status.TERMINATED
        if not self.signed_on:
            return self.Status.DRAFT
        if self.valid_until and self.valid_until < today:
            return self.Status.EXPIRED
        return self.Status.ACTIVE

    def get_status_display(self) -> str:
        return str(self.Status(self.status_on()).label)

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None


class Amendment(models.Model):
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        related_name="amendments",
        verbose_name=_("agreement"),
    )
    number = models.PositiveIntegerField(_("number"))
    signed_on = models.DateField(_("signed on"))
    text = models.TextField(_("text"))
    scan = models.FileField(
        _("scan"),
        storage=private_storage,
        upload_to=scan_path,
        blank=True,
        max_length=200,
    )

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="amendment_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement.number}/{self.number}"


class Commitment(models.Model):
    """What the partner undertakes under an agreement, planned against actual."""

    class Kind(models.TextChoices):
        INTERNSHIPS = "internships", _("Internship places")
        VACANCIES = "vacancies", _("Vacancies offered")
        RESERVED_SEATS = "reserved_seats", _("Seats reserved in a cohort")
        EQUIPMENT = "equipment", _("Equipment provided")
        INSTRUCTORS = "instructors", _("Instructors")

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="commitments",
        verbose_name=_("agreement"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    planned = models.PositiveIntegerField(_("planned"))
    actual = models.PositiveIntegerField(
        _("actual"),
        null=True,
        blank=True,
        help_text=_("Where the portal does not count it itself."),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cohort"),
        help_text=_("For reserved seats: the group the seats are set aside in."),
    )
    release_on = models.DateField(
        _("unused seats return on"),
        null=True,
        blank=True,
        help_text=_(
            "For reserved seats: from this day unused ones are open to everyone."
        ),
    )

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.CheckConstraint(
                condition=Q(planned__gt=0), name="commitment_planned"
            ),
            models.CheckConstraint(
                condition=~Q(kind="reserved_seats")
                | Q(cohort__isnull=False, release_on__isnull=False),
                name="commitment_reserved_seats_have_a_cohort",
                violation_error_message=_(
                    "Reserved seats need the group and the day they return to everyone."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.planned}"


class ExpiryNotice(models.Model):
    """One e-mail per agreement and threshold, so the daily digest never repeats."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="expiry_notices"
    )
    threshold_days = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "threshold_days"], name="expiry_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement}: {self.threshold_days}"
