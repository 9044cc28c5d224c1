"""rows.instances builds the same instances the ORM does (dates, decimals, JSON, aware
datetimes, foreign keys), on SQLite and on PostgreSQL."""

import datetime as dt

import pytest
from django.db.models import Model

from needlepoint import rows
from needlepoint.directory.models import Credential, Location, Practitioner, Service
from needlepoint.directory.selectors import current_credentials, locations_by_id
from needlepoint.directory.tests.factories import practitioner_at

pytestmark = pytest.mark.django_db


def same(found: Model, expected: Model, fields: list[str]) -> None:
    assert type(found) is type(expected)
    assert found.pk == expected.pk
    for name in fields:
        attname = found._meta.get_field(name).attname  # type: ignore[union-attr]
        assert getattr(found, attname) == getattr(expected, attname), name
        assert type(getattr(found, attname)) is type(getattr(expected, attname)), name


def test_instances_are_the_orms_field_by_field() -> None:
    person = practitioner_at(53.8, -1.55, price="149.50")
    Practitioner.objects.filter(pk=person.pk).update(languages=["en", "pl"])
    fields = ["clinic", "full_name", "years_experience", "languages", "availability_changed_at"]
    (found,) = rows.instances(Practitioner, fields, "id = %s", [person.pk])
    same(found, Practitioner.objects.get(pk=person.pk), fields)
    assert found.languages == ["en", "pl"]

    service_fields = ["clinic", "price", "currency", "is_active"]
    (service,) = rows.instances(Service, service_fields, "clinic_id = %s", [person.clinic_id])
    same(service, Service.objects.get(clinic_id=person.clinic_id), service_fields)
    assert str(service.price) == "149.50"


def test_other_fields_are_deferred_and_load_when_read() -> None:
    person = practitioner_at(53.8, -1.55)
    (found,) = rows.instances(Practitioner, ["full_name"], "id = %s", [person.pk])
    assert found.get_deferred_fields() >= {"bio", "clinic_id"}
    assert found.clinic_id == person.clinic_id  # one query, as with .only()


def test_the_search_reads_match_the_orm() -> None:
    people = [practitioner_at(53.8, -1.55), practitioner_at(51.5, -0.12)]
    practitioner_at(52.0, -1.0, valid_until=dt.date(2001, 1, 1))  # expired: not current
    ids = [p.pk for p in Practitioner.objects.order_by("pk")]
    today = dt.date.today()
    expected = list(
        Credential.objects.current(today).filter(practitioner_id__in=ids).order_by("kind", "pk")
    )
    found = current_credentials(ids, today)
    assert [c.pk for c in found] == [c.pk for c in expected] != []
    for credential, orm in zip(found, expected, strict=True):
        same(credential, orm, ["practitioner", "kind", "issuing_body", "valid_from", "valid_until"])
    places = {loc.pk for p in people for loc in p.locations.all()}
    loaded = locations_by_id(places)
    for pk in places:
        same(loaded[pk], Location.objects.get(pk=pk), ["clinic", "name", "latitude", "timezone"])
