"""Template filters shared by every app's pages: money, distance, language names, prose."""

from decimal import Decimal

from django import template
from django.conf.locale import LANG_INFO
from django.utils.html import escape
from django.utils.safestring import mark_safe

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


@register.filter
def prose(text: str) -> str:
    """Plain text written with hard line breaks (consent forms) as HTML: a blank line starts a
    paragraph, a line starting "- " an item of a list, a short first line a heading; wrapped
    lines are joined."""
    blocks: list[str] = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.strip().split("\n") if line.strip()]
        if not lines:
            continue
        html = []
        if len(lines) > 1 and not lines[0].startswith("- ") and len(lines[0]) < 60:
            html.append(f"<h3>{escape(lines.pop(0))}</h3>")
        items: list[str] = []
        for line in lines:
            if line.startswith("- ") or not items:
                items.append(line)
            else:
                items[-1] += " " + line
        bullets = [i.removeprefix("- ") for i in items if i.startswith("- ")]
        plain = [i for i in items if not i.startswith("- ")]
        html += [f"<p>{escape(p)}</p>" for p in plain]
        if bullets:
            html.append("<ul>" + "".join(f"<li>{escape(b)}</li>" for b in bullets) + "</ul>")
        blocks.append("".join(html))
    return mark_safe("".join(blocks))  # every piece above is escaped
