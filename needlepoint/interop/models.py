"""Private calendar feeds: a secret link per user and kind that a calendar app subscribes to."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class CalendarFeed(models.Model):
    """A private iCalendar feed URL. The link is the credential (a calendar app cannot sign
    in), so only the SHA-256 digest of its token is stored, as for API tokens: a copy of the
    database opens no one's calendar. Revoking keeps the row (when it was made, last fetched,
    revoked) and the link answers 404 from then on. At most one live feed per user and kind:
    the database refuses a second."""

    class Kind(models.TextChoices):
        APPOINTMENTS = "appointments", "My appointments (practitioner)"
        SESSIONS = "sessions", "My sessions (client)"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(
        null=True, blank=True, help_text="Marked at most once an hour (see calendar_services)"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kind"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_calendar_feed",
            )
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "live"
        return f"{self.get_kind_display()} feed of {self.owner} ({state})"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()

    @staticmethod
    def new_raw_token() -> str:
        # 32 random bytes: unguessable, and URL-safe so it sits in a path unescaped.
        return "npcal_" + secrets.token_urlsafe(32)
