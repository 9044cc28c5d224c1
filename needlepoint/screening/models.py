"""Stored screenings: answers, the rule-set version and the outcome, never edited."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class ScreeningRecord(models.Model):
    """One screening of a signed-in client. Immutable: a change of answers is a new screening,
    so what a practitioner saw at booking time stays what it was."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="screenings"
    )
    created_at = models.DateTimeField(default=timezone.now)
    evaluated_on = models.DateField()
    ruleset_version = models.CharField(max_length=40)
    answers = models.JSONField()
    outcome = models.CharField(max_length=40)
    result = models.JSONField(help_text="The evaluation: every fired rule with reason and source")
    defer_until = models.DateField(null=True, blank=True)
    bookable_from = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["client", "-created_at"])]

    def __str__(self) -> str:
        return f"Screening of {self.client} on {self.evaluated_on}: {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A stored screening is never changed; record a new one.")
        super().save(*args, **kwargs)


class ScreeningOverride(models.Model):
    """A practitioner's written decision that a client whose screening blocks online booking
    may book with their clinic (say, after a doctor's letter). It clears that one screening for
    that clinic only, is never edited, and stays on the client's chart with its author."""

    screening = models.ForeignKey(
        ScreeningRecord, on_delete=models.CASCADE, related_name="overrides"
    )
    clinic = models.ForeignKey("directory.Clinic", on_delete=models.CASCADE, related_name="+")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="screening_overrides"
    )
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "clinic"], name="one_override_per_screening_and_clinic"
            )
        ]

    def __str__(self) -> str:
        return f"Override of {self.screening} by {self.practitioner}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("An override is never changed.")
        super().save(*args, **kwargs)
