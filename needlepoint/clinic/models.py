"""The clinical record: consent forms and signatures, devices and cartridge lots, treatment
sessions with their areas and amendments. The client chart (selectors.py) reads these beside
what the apps to its left keep (screenings, appointments).

What must never happen is refused by the database where it can be: two signatures of one form
version on one screening, a lot or device listed twice, a non-positive depth. Signed records
are never changed: their save() refuses, and a signed session's corrections are amendments."""

import hashlib
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone

from needlepoint.screening.choices import AREAS


class ConsentForm(models.Model):
    """One version of a consent text. Shipped defaults have no clinic; a clinic's own version
    replaces the default for that clinic. Never edited: a new version is a new row."""

    class Kind(models.TextChoices):
        TREATMENT = "treatment", "Micro-needling treatment"
        PHOTO = "photo", "Use of photographs beyond the clinical record"

    clinic = models.ForeignKey(
        "directory.Clinic",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consent_forms",
        help_text="Empty: the form Needlepoint ships for every clinic",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    digest = models.CharField(max_length=64, editable=False, help_text="SHA-256 of the text")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "kind", "version"],
                condition=Q(clinic__isnull=False),
                name="one_clinic_consent_version",
            ),
            models.UniqueConstraint(
                fields=["kind", "version"],
                condition=Q(clinic__isnull=True),
                name="one_default_consent_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A consent form is never changed; add a new version.")
        self.digest = self.digest_of(self.title, self.body)
        super().save(*args, **kwargs)

    @staticmethod
    def digest_of(title: str, body: str) -> str:
        """The digest of exactly what the client reads: the title, a blank line, the body."""
        return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()

    @property
    def text(self) -> str:
        return f"{self.title}\n\n{self.body}"


class SignedConsent(models.Model):
    """A client's signature on one form version for one clinic. Never changed. It stays
    current while the form is the clinic's current version of its kind and the client's
    latest screening answers are those they had when signing."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signed_consents"
    )
    clinic = models.ForeignKey("directory.Clinic", on_delete=models.PROTECT, related_name="+")
    form = models.ForeignKey(ConsentForm, on_delete=models.PROTECT, related_name="signatures")
    form_digest = models.CharField(max_length=64)
    typed_name = models.CharField(max_length=200)
    signature_png = models.BinaryField()
    signed_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    screening = models.ForeignKey(
        "screening.ScreeningRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The client's latest screening when they signed",
    )
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The clinic member whose device the client signed on",
    )

    class Meta:
        ordering = ["-signed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "clinic", "form", "screening"],
                condition=Q(screening__isnull=False),
                name="one_signature_per_form_and_screening",
            ),
            models.UniqueConstraint(
                fields=["client", "clinic", "form"],
                condition=Q(screening__isnull=True),
                name="one_signature_per_form_unscreened",
            ),
        ]
        indexes = [models.Index(fields=["client", "clinic", "-signed_at"])]

    def __str__(self) -> str:
        return f"{self.form} signed by {self.typed_name} on {self.signed_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A signed consent is never changed; the client signs again.")
        super().save(*args, **kwargs)


class Device(models.Model):
    """A micro-needling pen of a clinic."""

    clinic = models.ForeignKey("directory.Clinic", on_delete=models.CASCADE, related_name="devices")
    model = models.CharField(max_length=120)
    serial = models.CharField(max_length=80)
    max_depth_mm = models.DecimalField(
        max_digits=3, decimal_places=2, help_text="The labelled maximum needle depth"
    )
    last_serviced_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["model", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "serial"], name="one_device_per_serial"),
            models.CheckConstraint(
                condition=Q(max_depth_mm__gt=0) & Q(max_depth_mm__lte=5),
                name="device_max_depth_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} ({self.serial})"


class CartridgeLotQuerySet(models.QuerySet["CartridgeLot"]):
    def with_used(self) -> "CartridgeLotQuerySet":
        return self.annotate(used_count=Sum("sessions__cartridges_used", default=0))


class CartridgeLot(models.Model):
    """A delivery of single-use sterile cartridges of one lot. Stock = received − used."""

    clinic = models.ForeignKey(
        "directory.Clinic", on_delete=models.CASCADE, related_name="cartridge_lots"
    )
    brand = models.CharField(max_length=120)
    lot_number = models.CharField(max_length=80)
    expires_on = models.DateField()
    needle_count = models.PositiveSmallIntegerField()
    quantity_received = models.PositiveIntegerField()
    recalled_at = models.DateTimeField(null=True, blank=True)
    recall_reason = models.TextField(blank=True)
    recalled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CartridgeLotQuerySet.as_manager()

    class Meta:
        ordering = ["expires_on", "brand", "lot_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "brand", "lot_number"], name="one_row_per_cartridge_lot"
            ),
            models.CheckConstraint(condition=Q(quantity_received__gt=0), name="lot_received"),
            models.CheckConstraint(condition=Q(needle_count__gt=0), name="lot_needles"),
        ]

    def __str__(self) -> str:
        return f"{self.brand} lot {self.lot_number}"

    def used(self) -> int:
        used = getattr(self, "used_count", None)
        if used is None:
            used = self.sessions.aggregate(n=Sum("cartridges_used", default=0))["n"]
        return int(used)

    def stock(self) -> int:
        return self.quantity_received - self.used()


class TreatmentSession(models.Model):
    """What was done at one treatment, as the practitioner charted it. Once signed it is
    locked: save() refuses, and corrections are Amendments beside the original."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="treatment_sessions"
    )
    clinic = models.ForeignKey("directory.Clinic", on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="charted_sessions"
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="treatment_sessions",
    )
    performed_at = models.DateTimeField(default=timezone.now)
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="sessions")
    cartridge_lot = models.ForeignKey(
        CartridgeLot, on_delete=models.PROTECT, related_name="sessions"
    )
    cartridges_used = models.PositiveSmallIntegerField(default=1)
    consent = models.ForeignKey(SignedConsent, on_delete=models.PROTECT, related_name="sessions")
    anaesthetic_product = models.CharField(max_length=200, blank=True)
    anaesthetic_applied_at = models.DateTimeField(null=True, blank=True)
    anaesthetic_removed_at = models.DateTimeField(null=True, blank=True)
    topical_products = models.JSONField(
        default=list, blank=True, help_text='[{"product": …, "lot": …}]'
    )
    endpoint_reached = models.BooleanField(
        default=False, help_text="Uniform pinpoint bleeding (Farber et al. 2020)"
    )
    immediate_reactions = models.TextField(blank=True)
    aftercare_given = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-performed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(cartridges_used__gt=0), name="session_cartridges"),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True, signed_by__isnull=True)
                | Q(signed_at__isnull=False, signed_by__isnull=False),
                name="session_signed_by_whom_and_when",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-performed_at"]),
            models.Index(fields=["cartridge_lot", "performed_at"]),
        ]

    def __str__(self) -> str:
        return f"Session of {self.client} on {self.performed_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            self.pk is not None
            and TreatmentSession.objects.filter(pk=self.pk, signed_at__isnull=False).exists()
        ):
            raise ValueError("A signed session is locked; record an amendment.")
        super().save(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        return self.signed_at is not None


class SessionArea(models.Model):
    """One treated area of a session: the depth and the number of passes."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.CASCADE, related_name="areas")
    area = models.CharField(max_length=40, choices=[(a.value, a.label) for a in AREAS])
    depth_mm = models.DecimalField(max_digits=3, decimal_places=2)
    passes = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "area"], name="one_row_per_session_area"),
            models.CheckConstraint(condition=Q(depth_mm__gt=Decimal(0)), name="area_depth_pos"),
            models.CheckConstraint(condition=Q(passes__gt=0), name="area_passes_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.depth_mm} mm × {self.passes}"


class Amendment(models.Model):
    """A correction of a signed session: who, when, why, and each change with its old value.
    The session itself keeps what was first signed."""

    session = models.ForeignKey(
        TreatmentSession, on_delete=models.CASCADE, related_name="amendments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()
    changes = models.JSONField(help_text='[{"field": …, "before": …, "after": …}]')

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Amendment of {self.session} by {self.author}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("An amendment is never changed; record another.")
        super().save(*args, **kwargs)


class RecallNotice(models.Model):
    """That a client must be told of a recalled lot used at their treatment: written in the
    recall's transaction, sent by a task (and by the sweep if that task was lost)."""

    lot = models.ForeignKey(CartridgeLot, on_delete=models.PROTECT, related_name="notices")
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recall_notices"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "client"], name="one_notice_per_lot_client"),
        ]
        indexes = [models.Index(fields=["sent_at"])]

    def __str__(self) -> str:
        return f"Recall of {self.lot} for {self.client}"


class Photo(models.Model):
    """A before / after photograph of one area, re-encoded without metadata and kept in
    private storage (never under a public media path); served only through an access check."""

    class Stage(models.TextChoices):
        BEFORE = "before", "Before"
        AFTER = "after", "After"

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clinical_photos"
    )
    clinic = models.ForeignKey("directory.Clinic", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, null=True, blank=True, related_name="photos"
    )
    area = models.CharField(max_length=40, choices=[(a.value, a.label) for a in AREAS])
    stage = models.CharField(max_length=10, choices=Stage.choices)
    taken_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    storage_name = models.CharField(max_length=200, unique=True, help_text="Under private media")
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, help_text="Of the stored, re-encoded file")

    class Meta:
        ordering = ["taken_at", "pk"]
        indexes = [models.Index(fields=["client", "clinic", "area", "taken_at"])]

    def __str__(self) -> str:
        return (
            f"{self.get_stage_display()} {self.area} of {self.client} on {self.taken_at:%Y-%m-%d}"
        )


class OutcomeScore(models.Model):
    """A practitioner's grade of one session on one scale (the scales, their ranges and
    sources: outcomes.py)."""

    session = models.ForeignKey(
        TreatmentSession, on_delete=models.CASCADE, related_name="outcome_scores"
    )
    scale = models.CharField(max_length=30)
    score = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assessed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "scale"], name="one_score_per_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.scale} {self.score} for {self.session}"


class ClientRating(models.Model):
    """The client's own view of one session: improvement 0–10 and satisfaction 1–5."""

    session = models.OneToOneField(
        TreatmentSession, on_delete=models.CASCADE, related_name="client_rating"
    )
    improvement = models.PositiveSmallIntegerField(help_text="0 none – 10 the best imaginable")
    satisfaction = models.PositiveSmallIntegerField(help_text="1 very unhappy – 5 very happy")
    comment = models.TextField(blank=True)
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(improvement__lte=10), name="rating_improvement"),
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1) & Q(satisfaction__lte=5),
                name="rating_satisfaction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.improvement}/10, {self.satisfaction}/5 for {self.session}"


class CheckIn(models.Model):
    """A day-1, day-3 or day-7 question to the client after a session, and their answers."""

    session = models.ForeignKey(
        TreatmentSession, on_delete=models.CASCADE, related_name="check_ins"
    )
    day = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "day"], name="one_check_in_per_day"),
            models.CheckConstraint(condition=Q(day__in=(1, 3, 7)), name="check_in_days"),
        ]
        indexes = [models.Index(fields=["sent_at", "due_at"])]

    def __str__(self) -> str:
        return f"Day-{self.day} check-in for {self.session}"


class AdverseEvent(models.Model):
    """Something that went wrong after a session, raised by a check-in answer or by the
    clinic, followed up and closed with an outcome. The device and the cartridge lot are the
    session's."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="adverse_events"
    )
    check_in = models.ForeignKey(
        CheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="adverse_events"
    )
    kind = models.CharField(max_length=40)
    description = models.TextField()
    raised_at = models.DateTimeField(default=timezone.now)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when a check-in answer raised it",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    follow_up = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False) & ~Q(outcome=""),
                name="adverse_event_closed_with_outcome",
            ),
        ]
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} after {self.session}"
