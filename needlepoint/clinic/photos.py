"""Clinical photo cleaning, with no database: decide the format by content, refuse what is not
a JPEG, PNG or HEIC photo, upright it and re-encode it as a JPEG carrying no metadata at all."""

import hashlib
import io
import warnings
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageCms, ImageOps

pillow_heif.register_heif_opener()

MAX_BYTES = 20 * 1024 * 1024
# A 48-megapixel phone camera (8064 × 6048) fits; a decompression bomb (a small file that
# unpacks to gigabytes) does not, and is refused from its header before any pixel is decoded.
MAX_PIXELS = 50_000_000
# Stored photos are scaled to fit this edge: more than any screen shows side by side, and it
# keeps a course's comparison page quick on a phone.
MAX_EDGE = 4096
JPEG_QUALITY = 90

# ISO-BMFF major brands of HEIF images (HEVC-coded, still or sequence); AVIF is not accepted.
HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})
ACCEPTED = "a JPEG, PNG or HEIC photo"


class PhotoError(ValueError):
    """Why an upload cannot be a clinical photo, in words for the person uploading."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    width: int
    height: int
    source_format: str  # what was uploaded: "JPEG", "PNG" or "HEIF"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def sniff(raw: bytes) -> str | None:
    """The image format the bytes start with, whatever the file is called; None if not ours."""
    if raw.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if raw.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if raw[4:8] == b"ftyp" and raw[8:12] in HEIF_BRANDS:
        return "HEIF"
    return None


def clean_image(raw: bytes) -> CleanImage:
    """The upload, upright and re-encoded without EXIF (GPS included), XMP, ICC, comments or
    any other block of the original. Raises PhotoError for anything else."""
    if not raw:
        raise PhotoError("empty", "The file is empty.")
    if len(raw) > MAX_BYTES:
        raise PhotoError("too_large", f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    kind = sniff(raw)
    if kind is None:
        raise PhotoError("not_an_image", f"The file is not {ACCEPTED}.")
    try:
        with warnings.catch_warnings():
            # Pillow warns of a large picture on open; the pixel limit below decides instead.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(raw), formats=[kind])
        width, height = opened.size
        if width * height > MAX_PIXELS:
            raise too_many_pixels(width, height)
        opened.load()
        image = upright_srgb(opened)
    except PhotoError:
        raise
    except Image.DecompressionBombError as error:
        # Pillow's own guard, at twice its warning size, stops the open before we can look.
        raise PhotoError(
            "too_many_pixels",
            f"The picture has more than {MAX_PIXELS // 1_000_000} megapixels.",
        ) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise PhotoError("unreadable", f"The file could not be read as {ACCEPTED}.") from error
    image.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
    # Pillow writes some blocks (comment, XMP, ICC) from the image's info when saving; the
    # cleaned image keeps none, and save() is given nothing but the pixels' encoding options.
    image.info = {}
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return CleanImage(out.getvalue(), "image/jpeg", image.width, image.height, kind)


def too_many_pixels(width: int, height: int) -> PhotoError:
    return PhotoError(
        "too_many_pixels",
        f"The picture is {width} × {height} pixels; at most "
        f"{MAX_PIXELS // 1_000_000} megapixels are accepted.",
    )


def upright_srgb(image: Image.Image) -> Image.Image:
    """The pixels as the camera meant them to be seen: the EXIF orientation applied, colours
    converted to sRGB from an embedded profile (so dropping the profile shifts no colour),
    transparency laid on white."""
    image = ImageOps.exif_transpose(image)
    profile = image.info.get("icc_profile")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, (255, 255, 255))
        image.paste(rgba, mask=rgba.getchannel("A"))
    else:
        image = image.convert("RGB")
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            converted = ImageCms.profileToProfile(
                image, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile: keep the pixels as they are rather than refuse the photo
    return image
