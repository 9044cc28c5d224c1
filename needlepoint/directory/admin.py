from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from . import services
from .models import AddOn, Clinic, Concern, Credential, Location, Practitioner, Service


class LocationInline(admin.StackedInline):
    model = Location
    extra = 0
    exclude = ["micro_cell", "cell", "coarse_cell"]


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "locations__city"]
    inlines = [LocationInline, ServiceInline]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "clinic", "city", "country", "timezone", "is_active"]
    list_filter = ["country", "is_active"]
    search_fields = ["name", "city", "postcode", "clinic__name"]
    raw_id_fields = ["clinic"]
    exclude = ["micro_cell", "cell", "coarse_cell"]


class CredentialInline(admin.TabularInline):
    model = Credential
    extra = 0
    fields = ["kind", "issuing_body", "number", "valid_from", "valid_until", "evidence", "status"]
    readonly_fields = ["status"]


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    list_display = ["full_name", "clinic", "years_experience", "is_active"]
    list_filter = ["is_active", "concerns"]
    search_fields = ["full_name", "clinic__name"]
    raw_id_fields = ["clinic", "user", "locations"]
    filter_horizontal = ["concerns"]
    inlines = [CredentialInline]


@admin.action(description="Verify selected credentials (I have checked the evidence)")
def verify(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Credential]
) -> None:
    count = services.decide_credentials(credentials=queryset, by=request.user, verified=True)  # type: ignore[arg-type]
    modeladmin.message_user(request, f"{count} credential(s) verified.", messages.SUCCESS)


@admin.action(description="Reject selected credentials")
def reject(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Credential]
) -> None:
    count = services.decide_credentials(credentials=queryset, by=request.user, verified=False)  # type: ignore[arg-type]
    modeladmin.message_user(request, f"{count} credential(s) rejected.", messages.WARNING)


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = [
        "practitioner",
        "kind",
        "issuing_body",
        "valid_until",
        "status",
        "verified_by",
        "verified_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["practitioner__full_name", "issuing_body", "number"]
    raw_id_fields = ["practitioner"]
    readonly_fields = ["status", "verified_by", "verified_at", "evidence_link"]
    actions = [verify, reject]

    @admin.display(description="Evidence on file")
    def evidence_link(self, credential: Credential) -> str:
        if not credential.evidence:
            return "—"
        url = reverse("directory:credential-evidence", args=[credential.pk])
        return format_html('<a href="{}">Download the evidence</a>', url)


admin.site.register(Concern)
admin.site.register(AddOn)
admin.site.site_header = "Needlepoint platform staff"
