"""Template filters shared by every app's pages: money, distance, language names."""

from decimal import Decimal

from django import template
from django.conf.locale import LANG_INFO

register = template.Library()

CURRENCY_SYMBOLS = {
    "GBP": "£",
    "EUR": "€",
    "USD": "$",
    "AUD": "A$",
    "CAD": "C$",
    "NZD": "NZ$",
    "JPY": "¥",
    "INR": "₹",
    "BRL": "R$",
    "ZAR": "R",
    "KRW": "₩",
    "CNY": "CN¥",
    "MXN": "MX$",
    "CHF": "CHF ",
}
ZERO_DECIMAL = {"JPY", "KRW", "CLP", "VND", "IDR", "COP", "HUF", "TWD", "UGX", "TZS", "KES", "NGN"}


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return ""
    places = 0 if currency in ZERO_DECIMAL or amount == amount.to_integral() else 2
    number = f"{amount:,.{places}f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{number} {currency}"


@register.filter
def km(distance: float) -> str:
    return f"{distance:.1f} km" if distance < 10 else f"{distance:.0f} km"


@register.filter
def language_names(codes: list[str]) -> str:
    return ", ".join(LANG_INFO.get(code, {}).get("name", code) for code in codes)
