"""Deterministic demo directory: clinics, practitioners and credentials around real towns."""

from __future__ import annotations

import datetime as dt
import importlib.util
import math
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker
from rich.progress import Progress

from needlepoint.accounts.models import Membership, Role, User

from . import demo_data as data
from . import gazetteer, geo
from .demo_data import PROFILES, Profile
from .gazetteer import Place
from .models import AddOn, Clinic, Concern, Credential, Location, Practitioner, Service

DEMO_PASSWORD = "needlepoint-demo"
STAFF_EMAIL = "staff@demo.test"
BATCH_SIZE = 1000
Status = Credential.Status


def pick_towns(profile: Profile) -> list[Place]:
    """The must-have towns, then each continent's most populous priced towns."""
    places = gazetteer.towns(min_population=50_000)
    chosen: list[Place] = []
    for name, country in profile.must_have:
        match = next((p for p in places if p.town == name and p.country_code == country), None)
        if match is None:
            raise LookupError(f"The gazetteer has no {name} in {country}.")
        chosen.append(match)
    per_country = Counter(place.country_code for place in chosen)
    for continent in data.CONTINENTS:
        taken = 0
        for place in places:
            if taken == profile.towns_per_continent:
                break
            if (
                place.continent != continent
                or data.country(place.country_code)["currencycode"] not in data.USD_RATES
                or per_country[place.country_code] >= profile.per_country
                or any(_km(place, other) < data.SAME_TOWN_KM for other in chosen)
            ):
                continue
            chosen.append(place)
            per_country[place.country_code] += 1
            taken += 1
    return chosen


def _km(a: Place, b: Place) -> float:
    return geo.haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)


def clinics_per_town(weights: Sequence[float], total: int, minimum: int = 3) -> list[int]:
    """Shares of `total` in proportion to `weights`, none below `minimum`."""
    low, high = 0.0, total / min(weights)
    for _ in range(50):  # bisect the scale so the rounded shares add up to about `total`
        scale = (low + high) / 2
        if sum(max(minimum, round(scale * w)) for w in weights) > total:
            high = scale
        else:
            low = scale
    return [max(minimum, round(low * w)) for w in weights]


def destination(lat: float, lon: float, bearing_deg: float, km: float) -> tuple[float, float]:
    """The point `km` along the great circle leaving (lat, lon) on `bearing_deg`."""
    angle = km / geo.EARTH_RADIUS_KM
    bearing, phi, lam = math.radians(bearing_deg), math.radians(lat), math.radians(lon)
    phi2 = math.asin(
        math.sin(phi) * math.cos(angle) + math.cos(phi) * math.sin(angle) * math.cos(bearing)
    )
    lam2 = lam + math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(phi),
        math.cos(angle) - math.sin(phi) * math.sin(phi2),
    )
    return round(math.degrees(phi2), 6), round(geo.normalize_longitude(math.degrees(lam2)), 6)


def nice_price(amount: float) -> Decimal:
    """Rounded the way a price list is: to 5 of the third significant digit, at least 1."""
    step = max(1, 5 * 10 ** (math.floor(math.log10(amount)) - 2))
    return Decimal(round(amount / step) * step).quantize(Decimal("0.01"))


@dataclass
class _Town:
    """What every row generated in one town shares."""

    place: Place
    faker: Faker
    locale: str
    address_faker: Faker  # en_US where the locale has no addresses of its own
    local_postcodes: bool  # the locale's postcodes are this country's
    native_phone: bool  # the locale's phone numbers are this country's
    calling_code: str
    region: str
    currency: str
    rate: float
    languages: list[str]
    zips: list[tuple[float, float, str, str]] = field(default_factory=list)
    districts: tuple[str, ...] = ()
    clinic_names: set[str] = field(default_factory=set)


def _region(place: Place) -> str:
    # The gazetteer's display name is "Town, Region, Country" where it knows the region.
    country = gazetteer.country_name(place.country_code)
    prefix, suffix = f"{place.town}, ", f", {country}"
    if place.name.startswith(prefix) and place.name.endswith(suffix):
        return place.name[len(prefix) : -len(suffix)]
    return ""


def _is_latin(text: str) -> bool:
    return all(ord(char) < 0x250 for char in text)


class _Generator:
    """Builds unsaved rows; `seed()` writes them. One seeded Random keeps it repeatable."""

    def __init__(self, profile: Profile, staff: User, today: dt.date) -> None:
        self.seed, self.rng = profile.seed, random.Random(profile.seed)
        self.fakers: dict[str, Faker] = {}
        self.staff, self.today, self.now = staff, today, timezone.now()
        self.concerns = {c.slug: c.name.lower() for c in Concern.objects.all()}
        self.clinics: list[Clinic] = []
        self.locations: list[Location] = []
        self.services: list[Service] = []
        self.add_ons: list[AddOn] = []
        self.practitioners: list[Practitioner] = []
        self.works_at: list[tuple[Practitioner, list[Location]]] = []
        self.treats: list[tuple[Practitioner, list[str]]] = []
        self.credentials: list[Credential] = []

    def faker(self, locale: str) -> Faker:
        """One seeded Faker per locale: building one is slow, and its output must repeat."""
        if locale not in self.fakers:
            self.fakers[locale] = Faker(locale)
            self.fakers[locale].seed_instance(f"{self.seed}:{locale}")
        return self.fakers[locale]

    def town(self, place: Place) -> _Town:
        code = place.country_code
        country = data.country(code)
        locale = data.LOCALES.get(code, data.DEFAULT_LOCALE)
        faker = self.faker(locale)
        here = locale.endswith(f"_{code}")

        def own(provider: str) -> bool:  # else Faker lends en_US's, with US formats
            return importlib.util.find_spec(f"faker.providers.{provider}.{locale}") is not None

        zips = data.us_zips().get(place.admin1_code, []) if code == "US" else []
        zips = [z for z in zips if geo.haversine_km(place.latitude, place.longitude, *z[:2]) < 30]
        currency = str(country["currencycode"])
        return _Town(
            place=place, faker=faker, locale=locale,
            address_faker=faker if own("address") else self.faker(data.DEFAULT_LOCALE),
            local_postcodes=own("address") and here,
            # en_PH has a phone module but no phone_number().
            native_phone=own("phone_number") and here and hasattr(faker, "phone_number"),
            calling_code=str(country["phone"]).split(" ")[0].lstrip("+"), region=_region(place),
            currency=currency, rate=data.USD_RATES[currency], languages=data.languages(code),
            zips=zips, districts=data.DISTRICTS.get(place.town)
            or tuple(d.format(town=place.town) for d in data.GENERIC_DISTRICTS),
        )  # fmt: skip

    def clinic(self, town: _Town) -> None:
        rng = self.rng
        name = self._clinic_name(town)
        slug = slugify(name) or f"clinic-{len(self.clinics) + 1}"
        clinic = Clinic(name=name, email=f"hello@{slug}.example", website=f"https://{slug}.example")
        self.clinics.append(clinic)
        locations = [self._location(town, clinic, name)]
        if rng.random() < 0.15:
            district = rng.choice([d for d in town.districts if d not in name] or town.districts)
            locations.append(self._location(town, clinic, f"{name} – {district}"))
        self._services(town, clinic)
        for _ in range(rng.choices((1, 2, 3, 4), weights=(30, 45, 20, 5))[0]):
            self._practitioner(town, clinic, locations)

    def _clinic_name(self, town: _Town) -> str:
        rng, place = self.rng, town.place
        native = data.CLINIC_NAMES.get(town.locale)
        patterns = native or data.CLINIC_NAMES.get(town.locale[:2], data.CLINIC_NAMES["en"])
        name = ""
        for _ in range(8):
            surname, surname2 = town.faker.last_name(), town.faker.last_name()
            # A surname in another script inside an English pattern reads as a glitch.
            usable = (
                patterns
                if native or _is_latin(surname + surname2)
                else [p for p in patterns if "{surname" not in p]
            )
            district = rng.choice(town.districts)
            name = rng.choice(usable).format(
                surname=surname, surname2=surname2, town=place.town, district=district
            )
            if name not in town.clinic_names:
                break
        else:
            name = f"{name} {len(town.clinic_names) + 1}"
        town.clinic_names.add(name)
        return name

    def _location(self, town: _Town, clinic: Clinic, name: str) -> Location:
        rng, faker, place = self.rng, town.faker, town.place
        bearing, km = rng.uniform(0, 360), rng.uniform(1, 12)
        lat, lon = destination(place.latitude, place.longitude, bearing, km)
        # en_GB puts "Flat 5" on a line of its own.
        street = town.address_faker.street_address().replace("\n", ", ")
        if town.locale == "ja_JP":  # Faker's ja_JP street_address is an English template
            street = f"{faker.town()}{faker.chome()}{faker.ban()}{faker.gou()}"
        postcode, area = "", ""
        local = data.LOCAL_NUMBERS.get((place.town, place.country_code))
        if town.zips:  # the real ZIP, and its area code, nearest the point
            _, _, postcode, area = min(town.zips, key=lambda z: geo.haversine_km(lat, lon, *z[:2]))
        elif local:
            postcode = f"{local[0]}{rng.randint(1, 20)} {faker.postcode().split()[-1]}"
        elif town.local_postcodes:
            postcode = faker.postcode()
        phone = self._phone(town, area, local[1] if local else "")
        location = Location(
            clinic=clinic, name=name, address_line=street[:200], city=place.town,
            region=town.region, postcode=postcode[:20], country=place.country_code,
            latitude=lat, longitude=lon, timezone=place.timezone, phone=phone[:40],
        )  # fmt: skip
        location.place_in_grid()  # bulk_create skips save(), which would do this
        self.locations.append(location)
        return location

    def _phone(self, town: _Town, area_code: str, pattern: str) -> str:
        rng = self.rng
        if pattern:
            return pattern.format(rng.randint(0, 999))
        if area_code:  # 555-0100 to 555-0199 are kept for fiction across North America
            return f"+1 ({area_code}) 555-01{rng.randint(0, 99):02d}"
        if town.native_phone:
            phone = re.sub(r"\s*x\d+$", "", town.faker.phone_number())
            # Some locales' formats carry another country's code ("+80(6)..." from es_MX).
            code = phone.lstrip("(")
            if not code.startswith(("+", "00")) or code.startswith(f"+{town.calling_code}"):
                return phone
        digits = f"{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        return f"+{town.calling_code} {digits}"

    def _services(self, town: _Town, clinic: Clinic) -> None:
        rng = self.rng
        usd = rng.triangular(200, 700, 350)
        main = Service(
            clinic=clinic, name="Micro-needling session", duration_minutes=30,
            price=nice_price(usd * town.rate), currency=town.currency,
        )  # fmt: skip
        self.services.append(main)
        if rng.random() < 0.35:
            name, minutes, factor = rng.choice(data.EXTRA_SERVICES)
            self.services.append(
                Service(clinic=clinic, name=name, duration_minutes=minutes,
                        price=nice_price(usd * factor * town.rate), currency=town.currency)
            )  # fmt: skip
        if rng.random() < 0.5:
            for name, low, high in rng.sample(data.ADD_ONS, rng.randint(1, 2)):
                price = nice_price(rng.uniform(low, high) * town.rate)
                self.add_ons.append(AddOn(service=main, name=name, price=price))

    def _practitioner(self, town: _Town, clinic: Clinic, locations: list[Location]) -> None:
        rng, faker = self.rng, town.faker
        female = rng.random() < 0.75
        first = faker.first_name_female() if female else faker.first_name_male()
        last = faker.last_name_female() if female else faker.last_name_male()
        order = data.SURNAME_FIRST.get(town.locale)
        full_name = f"{last}{order}{first}" if order is not None else f"{first} {last}"
        title, _, primary, extras = rng.choices(data.TITLES, weights=[t[1] for t in data.TITLES])[0]
        years = rng.randint(1, 25)
        languages = town.languages[:2] if rng.random() < 0.4 else town.languages[:1]
        if "en" not in languages and rng.random() < 0.5:
            languages = [*languages, "en"]
        slugs = rng.sample(sorted(self.concerns), rng.randint(3, 8))
        c1, c2, c3 = (self.concerns[slug] for slug in slugs[:3])
        article = "an" if title[0] in "AEIOU" else "a"
        bio = rng.choice(data.BIOS).format(
            name=full_name, a_title=f"{article} {title.lower()}", years=years,
            c1=c1, c2=c2, c3=c3, clinic=clinic.name, year=self.today.year - rng.randint(0, years),
        )  # fmt: skip
        practitioner = Practitioner(
            clinic=clinic, full_name=full_name[:200], title=title, bio=bio,
            years_experience=years, languages=languages,
        )  # fmt: skip
        self.practitioners.append(practitioner)
        self.works_at.append((practitioner, rng.sample(locations, rng.randint(1, len(locations)))))
        self.treats.append((practitioner, slugs))
        count = rng.randint(1, 3)
        kinds = list(primary) + rng.sample(extras, min(len(extras), max(0, count - len(primary))))
        # Who the search must hide: only-expired, only-pending or only-rejected credentials.
        draw = rng.random()
        hidden = "expired" if draw < 0.08 else "pending" if draw < 0.13 else "rejected"
        for index, kind in enumerate(kinds):
            if draw >= 0.15:  # listable: the first credential is verified and current
                odds = rng.random()
                state = (
                    "current" if index == 0 or odds < 0.75
                    else "pending" if odds < 0.87 else "expired" if odds < 0.95 else "rejected"
                )  # fmt: skip
            else:
                state = hidden
            self._credential(town, practitioner, kind, state, years)

    def _credential(
        self, town: _Town, practitioner: Practitioner, kind: str, state: str, years: int
    ) -> None:
        rng, today = self.rng, self.today
        valid_until: dt.date | None
        if state == "expired":
            ended = today - dt.timedelta(days=rng.randint(1, 540))
            valid_from, valid_until = ended - dt.timedelta(days=rng.randint(365, 3 * 365)), ended
        else:
            valid_from = today - dt.timedelta(days=rng.randint(30, 365 * years + 30))
            lifetime = kind in data.LIFETIME_KINDS and rng.random() < 0.7
            # A few run out within the month, so the listing visibly changes day to day.
            days = rng.randint(1, 30) if rng.random() < 0.05 else rng.randint(31, 900)
            valid_until = None if lifetime else today + dt.timedelta(days=days)
        surname = town.faker.last_name()
        if not _is_latin(surname):
            surname = self.faker(data.DEFAULT_LOCALE).last_name()
        body = data.ISSUERS.get(town.place.country_code, {}).get(kind) or data.GENERIC_ISSUERS[kind]
        region = town.region or gazetteer.country_name(town.place.country_code)
        status = {"pending": Status.PENDING, "rejected": Status.REJECTED}.get(state)
        status = status or Status.VERIFIED
        decided = status != Status.PENDING  # rejections, like approvals, record who and when
        since = max(1, min(700, (today - valid_from).days))
        ago = dt.timedelta(days=rng.randint(1, since), minutes=rng.randint(0, 600))
        self.credentials.append(
            Credential(
                practitioner=practitioner, kind=kind,
                issuing_body=body.format(region=region, surname=surname)[:200],
                number=f"{data.NUMBER_PREFIXES[kind]}-{rng.randint(100_000, 9_999_999)}",
                valid_from=valid_from, valid_until=valid_until, status=status,
                verified_by=self.staff if decided else None,
                verified_at=self.now - ago if decided else None,
            )
        )  # fmt: skip


def seed(profile_name: str = "demo", progress: Progress | None = None) -> dict[str, int]:
    """Generate and insert one profile's directory in one transaction; row counts by table."""
    profile = PROFILES[profile_name]
    progress = progress or Progress(disable=True)
    step = progress.add_task("Choosing towns", total=1)
    places = pick_towns(profile)
    showcase = set(profile.must_have)
    # Square-root damping: megacities get more clinics than small towns, but not all of them.
    weights = [
        math.sqrt(p.population)
        * (data.SHOWCASE_WEIGHT if (p.town, p.country_code) in showcase else 1)
        for p in places
    ]
    counts = clinics_per_town(weights, profile.clinics)
    progress.update(step, completed=1)
    with transaction.atomic():
        staff = ensure_staff()
        generator = _Generator(profile, staff, timezone.localdate())
        step = progress.add_task("Generating clinics", total=sum(counts))
        for place, count in zip(places, counts, strict=True):
            town = generator.town(place)
            for _ in range(count):
                generator.clinic(town)
            progress.advance(step, count)
        g = generator
        rows: list[Sequence[object]] = [
            g.clinics, g.locations, g.services, g.add_ons, g.practitioners, g.credentials,
            *(locations for _, locations in g.works_at), *(slugs for _, slugs in g.treats),
        ]  # fmt: skip
        total = sum(len(each) for each in rows)
        step = progress.add_task("Writing rows", total=total)
        written: dict[str, int] = {}

        def write(model: type[Model], rows: Sequence[Model]) -> None:
            for start in range(0, len(rows), BATCH_SIZE):
                batch = rows[start : start + BATCH_SIZE]
                model._default_manager.bulk_create(batch)
                progress.advance(step, len(batch))
            written[model._meta.label] = len(rows)

        for model, objects in (
            (Clinic, g.clinics), (Location, g.locations), (Service, g.services),
            (AddOn, g.add_ons), (Practitioner, g.practitioners),
        ):  # fmt: skip
            write(model, objects)
        # The M2M rows need the ids bulk_create has just given practitioners and locations.
        works_at = Practitioner.locations.through
        write(works_at, [
            works_at(practitioner_id=p.pk, location_id=loc.pk)
            for p, locations in g.works_at for loc in locations
        ])  # fmt: skip
        treats = Practitioner.concerns.through
        write(treats, [
            treats(practitioner_id=p.pk, concern_id=slug) for p, slugs in g.treats for slug in slugs
        ])  # fmt: skip
        write(Credential, g.credentials)
    return written


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    can: str


def _ensure_user(email: str, role: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        return User.objects.create_user(email, DEMO_PASSWORD, role=role, full_name=full_name)
    if user.role != role:
        user.role = role
        user.save(update_fields=["role"])
    return user


def ensure_staff() -> User:
    """The platform staff account that verifies credentials, with admin rights but no more."""
    staff = _ensure_user(STAFF_EMAIL, Role.STAFF, "Sam Verifier (demo)")
    permissions = Permission.objects.filter(
        Q(content_type__app_label="directory")
        | Q(content_type__app_label="accounts", content_type__model="user"),
        codename__regex=r"^(view|add|change)_",
    )
    staff.user_permissions.add(*permissions)
    return staff


def ensure_demo_accounts() -> list[DemoAccount]:
    """Create the four demo sign-ins if missing and tie the clinic ones to a Leeds clinic."""
    staff = ensure_staff()
    _ensure_user("client@demo.test", Role.CLIENT, "Casey Client (demo)")
    pro = _ensure_user("practitioner@demo.test", Role.PRACTITIONER, "")
    manager = _ensure_user("manager@demo.test", Role.MANAGER, "Morgan Manager (demo)")
    linked = Practitioner.objects.filter(user=pro).select_related("clinic").first()
    if linked is None:
        linked = (
            Practitioner.objects.listable(timezone.localdate())
            .filter(user__isnull=True, locations__city="Leeds", locations__country="GB")
            .select_related("clinic")
            .order_by("clinic_id", "pk")
            .first()
        )
        if linked is not None:
            linked.user = pro
            linked.save(update_fields=["user"])
            pro.full_name = linked.full_name
            pro.save(update_fields=["full_name"])
    pro_can = manager_can = "nothing yet: no listable Leeds practitioner to link to"
    if linked is not None:
        for user, role in (
            (pro, Membership.ClinicRole.PRACTITIONER),
            (manager, Membership.ClinicRole.MANAGER),
        ):
            Membership.objects.get_or_create(
                user=user, clinic=linked.clinic, defaults={"role": role}
            )
        pro_can = f"is {linked.full_name} at {linked.clinic.name}, Leeds"
        manager_can = f"manages {linked.clinic.name}, Leeds"
    # The clinic roles sign in with a second factor. Demo only: one fixed, published secret
    # (printed at start) so that a visitor can add it to an authenticator app, or run
    # `needlepoint demo_otp EMAIL`. Real accounts enrol with a random secret of their own.
    from needlepoint.accounts.models import TOTPDevice

    demo_secret = "NEEDLEPOINTDEMOONLY2FA7QRSTUVWXY"  # base32; demo only, never for real use
    now = timezone.now()
    User.objects.filter(email__endswith="@demo.test", email_verified_at__isnull=True).update(
        email_verified_at=now
    )
    for user in (pro, manager, staff):
        device, created = TOTPDevice.objects.get_or_create(
            user=user, defaults={"secret": demo_secret, "confirmed_at": now}
        )
        if not created and (device.secret != demo_secret or device.confirmed_at is None):
            device.secret, device.confirmed_at, device.last_used_step = demo_secret, now, None
            device.save()
    return [
        DemoAccount(Role.CLIENT, "client@demo.test", "/search/: find and view practitioners"),
        DemoAccount(Role.PRACTITIONER, pro.email, pro_can),
        DemoAccount(Role.MANAGER, manager.email, manager_can),
        DemoAccount(Role.STAFF, STAFF_EMAIL, "/admin/: verify credentials, edit the directory"),
    ]
