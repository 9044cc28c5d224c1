"""A signed consent as a printable PDF (fpdf2): the exact form text, who signed, when, from
where, the drawn signature and the digest that ties the signature to that text."""

import io
from dataclasses import dataclass

from fpdf import FPDF

# The core PDF fonts cover Latin-1 only; the few typographic characters the forms use are
# mapped to their plain equivalents rather than dropped.
_PLAIN = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "..."})


@dataclass(frozen=True)
class PrintableConsent:
    title: str
    body: str
    version: int
    clinic: str
    client_name: str
    client_email: str
    typed_name: str
    signed_at: str  # already formatted in the clinic's zone
    ip_address: str
    form_digest: str
    signature_png: bytes
    witnessed_by: str | None


def latin1(text: str) -> str:
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def render(consent: PrintableConsent) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(latin1(consent.title))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, latin1(consent.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        0, 5, latin1(f"{consent.clinic} - version {consent.version}"), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 5, latin1(consent.body), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, "Signed", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    lines = [
        f"Client: {consent.client_name} <{consent.client_email}>",
        f"Typed name: {consent.typed_name}",
        f"Signed at: {consent.signed_at}",
        f"From IP address: {consent.ip_address or 'not recorded'}",
    ]
    if consent.witnessed_by:
        lines.append(f"Signed on the device of: {consent.witnessed_by}")
    for line in lines:
        pdf.multi_cell(0, 5, latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.image(io.BytesIO(consent.signature_png), w=70)
    pdf.ln(2)
    pdf.set_font("Courier", "", 8)
    pdf.multi_cell(
        0, 4, f"SHA-256 of the form text: {consent.form_digest}", new_x="LMARGIN", new_y="NEXT"
    )
    return bytes(pdf.output())
