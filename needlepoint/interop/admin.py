"""The admin's view of calendar feeds: for support to see whether a link exists and is used,
and to revoke one. No token is ever shown (only its digest is stored)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from .models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["owner", "kind", "created_at", "last_fetched_at", "revoked_at"]
    list_filter = ["kind", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["owner__email"]
    fields = ["owner", "kind", "created_at", "last_fetched_at", "revoked_at"]
    readonly_fields = ["owner", "kind", "created_at", "last_fetched_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a link is made by its owner, who alone may see it once

    @admin.action(description="Revoke the selected links", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[CalendarFeed]) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} link(s) revoked.")
