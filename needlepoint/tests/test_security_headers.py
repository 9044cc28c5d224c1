"""Every answer carries the Content Security Policy and the browser isolation headers."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/search/", "/screening/", "/api/v1/concerns", "/nowhere/"])
def test_every_answer_has_the_security_headers(path: str) -> None:
    response = Client().get(path)
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"]
    assert "unsafe-inline" not in directives["style-src"]
    assert directives["img-src"] == "'self' data: https://tile.openstreetmap.org"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


KNOWN: set[str] = set()  # none: add an entry only with the reason it cannot be fixed yet


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    offenders = []
    for template in root.glob("*/templates/**/*.html"):
        html = template.read_text()
        for match in re.finditer(r"<script\b[^>]*>", html):
            tag = match.group(0)
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{template.relative_to(root)}: {tag}")
        for match in re.finditer(r"\son[a-z]+\s*=", html):
            offenders.append(f"{template.relative_to(root)}: {match.group(0).strip()}")
        if "<style" in html:
            offenders.append(f"{template.relative_to(root)}: <style>")
        if "javascript:" in html:
            offenders.append(f"{template.relative_to(root)}: javascript: URL")
    assert sorted(set(offenders) - KNOWN) == []
