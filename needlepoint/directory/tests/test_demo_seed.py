"""The demo seeder, run through its command on the tiny profile."""

import io
from collections import defaultdict

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from needlepoint.accounts.models import Membership, Role, User
from needlepoint.directory import demo, demo_data, gazetteer, geo
from needlepoint.directory.models import (
    AddOn,
    Clinic,
    Credential,
    Location,
    Practitioner,
    Service,
)

TINY = demo.PROFILES["tiny"]


def run_seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", profile="tiny", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db: None) -> str:
    return run_seed()


def row_counts() -> dict[str, int]:
    models = (Clinic, Location, Practitioner, Credential, Service, AddOn, User, Membership)
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_tiny_profile_spreads_clinics_over_real_towns_on_several_continents(seeded: str) -> None:
    towns = set(Location.objects.values_list("city", "country"))
    assert set(TINY.must_have) <= towns
    assert len(towns) >= 10
    assert len({gazetteer.continent_of(country) for _, country in towns}) >= 4
    assert 50 <= Clinic.objects.count() <= 75
    assert 90 <= Practitioner.objects.count() <= 160
    assert "Seeded in" in seeded


@pytest.mark.django_db
def test_every_location_sits_in_its_grid_cells_near_its_town(seeded: str) -> None:
    centres = {(p.town, p.country_code): p for p in demo.pick_towns(TINY)}
    for location in Location.objects.all():
        cells = {name: getattr(location, name) for name, _, _ in geo.LATTICES}
        assert cells == geo.cells_of(location.latitude, location.longitude)
        centre = centres[(location.city, location.country)]
        km = geo.haversine_km(
            centre.latitude, centre.longitude, location.latitude, location.longitude
        )
        assert 0.99 <= km <= 12.01
        assert location.timezone == centre.timezone
        assert location.address_line
        assert location.phone


@pytest.mark.django_db
def test_credentials_hide_a_few_practitioners_and_list_the_rest(seeded: str) -> None:
    today = timezone.localdate()
    by_practitioner: defaultdict[int, list[Credential]] = defaultdict(list)
    for credential in Credential.objects.all():
        by_practitioner[credential.practitioner_id].append(credential)
    assert all(1 <= len(credentials) <= 3 for credentials in by_practitioner.values())
    assert len(by_practitioner) == Practitioner.objects.count()

    only_expired = only_pending = only_rejected = 0
    for credentials in by_practitioner.values():
        statuses = {c.status for c in credentials}
        if statuses == {Credential.Status.PENDING}:
            only_pending += 1
        elif statuses == {Credential.Status.REJECTED}:
            only_rejected += 1
        elif statuses == {Credential.Status.VERIFIED} and not any(
            c.is_current(today) for c in credentials
        ):
            only_expired += 1
    assert only_expired >= 1
    assert only_pending >= 1
    assert only_rejected >= 1

    listable = Practitioner.objects.listable(today).count()
    total = Practitioner.objects.count()
    assert listable == total - only_expired - only_pending - only_rejected
    assert 0.75 <= listable / total < 1

    staff = User.objects.get(email=demo.STAFF_EMAIL)
    for credential in Credential.objects.all():
        decided = credential.status != Credential.Status.PENDING
        assert (credential.verified_by_id == staff.pk) is decided
        assert (credential.verified_at is not None) is decided
        assert credential.valid_from <= today
    assert Credential.objects.current(today).count() > Credential.objects.count() / 2


@pytest.mark.django_db
def test_every_clinic_sells_a_30_minute_session_in_its_countrys_currency(seeded: str) -> None:
    for clinic in Clinic.objects.prefetch_related("locations", "services"):
        countries = {location.country for location in clinic.locations.all()}
        assert len(countries) == 1
        currency = demo_data.country(countries.pop())["currencycode"]
        sessions = [s for s in clinic.services.all() if s.duration_minutes == 30 and s.is_active]
        assert len(sessions) == 1
        assert sessions[0].currency == currency
        assert sessions[0].price > 0
        assert sessions[0].price % 1 == 0
    gbp = Service.objects.filter(currency="GBP", duration_minutes=30)
    assert gbp.exists()
    assert all(s.price % 5 == 0 for s in gbp)
    assert AddOn.objects.exists()


@pytest.mark.django_db
def test_demo_accounts_sign_in_with_their_roles(seeded: str) -> None:
    roles = {
        "client@demo.test": Role.CLIENT,
        "practitioner@demo.test": Role.PRACTITIONER,
        "manager@demo.test": Role.MANAGER,
        "staff@demo.test": Role.STAFF,
    }
    for email, role in roles.items():
        user = authenticate(email=email, password=demo.DEMO_PASSWORD)
        assert user is not None
        assert user.role == role
        assert email in seeded
    assert authenticate(email="client@demo.test", password="wrong-password") is None

    staff = User.objects.get(email="staff@demo.test")
    assert staff.is_staff
    assert not staff.is_superuser
    assert staff.has_perm("directory.change_credential")
    assert staff.has_perm("accounts.view_user")
    assert not staff.has_perm("directory.delete_clinic")

    pro = User.objects.get(email="practitioner@demo.test")
    practitioner = Practitioner.objects.get(user=pro)
    assert practitioner.locations.filter(city="Leeds", country="GB").exists()
    assert Practitioner.objects.listable(timezone.localdate()).filter(pk=practitioner.pk).exists()
    clinic = practitioner.clinic
    assert Membership.objects.filter(user=pro, clinic=clinic, role="practitioner").exists()
    manager = User.objects.get(email="manager@demo.test")
    assert Membership.objects.filter(user=manager, clinic=clinic, role="manager").exists()


@pytest.mark.django_db
def test_a_second_run_seeds_nothing(seeded: str) -> None:
    before = row_counts()
    out = run_seed()
    assert row_counts() == before
    assert (
        f"Demo data already present: {before['Clinic']} clinics, "
        f"{before['Practitioner']} practitioners."
    ) in out


@pytest.mark.django_db
def test_the_same_profile_gives_the_same_directory(seeded: str) -> None:
    def snapshot() -> list[tuple[str, str, float, str]]:
        return list(
            # A clinic with two locations gives two rows per practitioner: order them too.
            Practitioner.objects.order_by("pk", "clinic__locations__latitude").values_list(
                "full_name", "clinic__name", "clinic__locations__latitude", "title"
            )
        )

    first = snapshot()
    Clinic.objects.all().delete()
    run_seed()
    assert snapshot() == first
    # The demo practitioner went with the old rows; the rerun links a new one.
    assert Practitioner.objects.filter(user__email="practitioner@demo.test").exists()


def test_destination_and_prices_follow_the_maths() -> None:
    lat, lon = demo.destination(0.0, 0.0, 90.0, 111.195)
    assert abs(lat) < 1e-6
    assert abs(lon - 1.0) < 1e-3
    lat, lon = demo.destination(53.8, -1.55, 17.0, 9.0)
    assert abs(geo.haversine_km(53.8, -1.55, lat, lon) - 9.0) < 1e-3
    assert str(demo.nice_price(273.4)) == "275.00"
    assert str(demo.nice_price(52_437.0)) == "52500.00"
    assert str(demo.nice_price(12.3)) == "12.00"
