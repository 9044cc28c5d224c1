"""A drawn signature as the browser sends it (a canvas as a PNG data URL), checked without the
database: a real PNG, not too large, re-encoded so that nothing but the pixels is kept."""

import base64
import binascii
import io

from PIL import Image, UnidentifiedImageError

MAX_BYTES = 200_000  # a signature canvas is a few kB; anything near this is not one
MAX_SIDE = 2000
PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class SignatureError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def png_from_data_url(data_url: str) -> bytes:
    """The PNG in a `data:image/png;base64,…` value, re-encoded; SignatureError when it is
    missing, not a PNG, too large or blank."""
    if not data_url or not data_url.startswith(PREFIX):
        raise SignatureError("Draw your signature in the box.")
    encoded = data_url[len(PREFIX) :]
    if len(encoded) > MAX_BYTES * 4 // 3 + 4:
        raise SignatureError("The signature image is too large.")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("The signature is not a valid image.") from None
    return clean_png(raw)


def clean_png(raw: bytes) -> bytes:
    if len(raw) > MAX_BYTES:
        raise SignatureError("The signature image is too large.")
    if not raw.startswith(PNG_MAGIC):
        raise SignatureError("The signature must be a PNG image.")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            if image.format != "PNG":
                raise SignatureError("The signature must be a PNG image.")
            if max(image.size) > MAX_SIDE or min(image.size) < 1:
                raise SignatureError("The signature image has an unusual size.")
            pixels = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise SignatureError("The signature is not a valid PNG image.") from None
    if _blank(pixels):
        raise SignatureError("Draw your signature in the box.")
    out = io.BytesIO()
    pixels.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _blank(image: Image.Image) -> bool:
    """No drawn pixel: fully transparent, or one colour all over once laid on white paper (a
    canvas sends transparent pixels as transparent black, so alpha must count)."""
    if image.getchannel("A").getbbox() is None:
        return True
    paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
    low, high = Image.alpha_composite(paper, image).convert("L").getextrema()
    return bool(low == high)
