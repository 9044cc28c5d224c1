"""Cleaning an uploaded photo, without the database: the format is decided by content, the
picture is uprighted, and nothing of the original's metadata (GPS above all) survives."""

import io
import struct
import zlib

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from needlepoint.clinic.photos import MAX_BYTES, PhotoError, clean_image, sniff

GPS_IFD = 0x8825
ORIENTATION = 0x0112
LEEDS = {1: "N", 2: (53.0, 48.0, 1.2), 3: "W", 4: (1.0, 32.0, 57.0)}  # GPSLatitude… tags


def exif_with_gps(orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = LEEDS
    return exif.tobytes()


def picture(width: int = 64, height: int = 32) -> Image.Image:
    """Left half red, right half blue: orientation shows in where the colours end up."""
    image = Image.new("RGB", (width, height), (220, 20, 20))
    image.paste((20, 20, 220), (width // 2, 0, width, height))
    return image


def jpeg_with_gps(orientation: int = 1, width: int = 64, height: int = 32) -> bytes:
    out = io.BytesIO()
    picture(width, height).save(
        out,
        "JPEG",
        exif=exif_with_gps(orientation),
        comment=b"secret comment",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret-xmp</x:xmpmeta>',
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    return out.getvalue()


def png_with_metadata() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret comment")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>secret-xmp</x:xmpmeta>")
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (20, 20, 220, 128)).save(
        out, "PNG", pnginfo=info, exif=exif_with_gps()
    )
    return out.getvalue()


def heic_with_gps(orientation: int = 1) -> bytes:
    out = io.BytesIO()
    picture().save(out, format="HEIF", exif=exif_with_gps(orientation), quality=80)
    return out.getvalue()


def jpeg_segments(data: bytes) -> list[int]:
    """The markers of a JPEG's header segments, up to the start of the scan."""
    assert data[:2] == b"\xff\xd8"
    markers, at = [], 2
    while at < len(data):
        marker = data[at + 1]
        if marker == 0xDA:  # start of scan: the pixels follow
            break
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        markers.append(marker)
        at += 2 + length
    return markers


def assert_bare(data: bytes) -> None:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert not image.getexif().get_ifd(GPS_IFD)
    assert set(image.info) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi"}
    # Only the JFIF header (APP0), tables and the frame: no APP1 (EXIF, XMP), APP2 (ICC),
    # APP13 (IPTC) or COM (comment) segment.
    assert {m for m in jpeg_segments(data) if 0xE1 <= m <= 0xEF or m == 0xFE} == set()
    for secret in (b"secret", b"SecretCam", b"Exif", b"GPS"):
        assert secret not in data


def test_it_strips_gps_and_every_other_block_from_a_jpeg() -> None:
    raw = jpeg_with_gps()
    original = Image.open(io.BytesIO(raw))
    assert original.getexif().get_ifd(GPS_IFD)  # the test image has GPS
    assert {"icc_profile", "comment", "xmp"} <= set(original.info)

    cleaned = clean_image(raw)

    assert_bare(cleaned.data)
    assert (cleaned.content_type, cleaned.width, cleaned.height) == ("image/jpeg", 64, 32)


def test_it_strips_gps_from_a_heic_and_stores_a_jpeg() -> None:
    raw = heic_with_gps()
    original = Image.open(io.BytesIO(raw))
    assert original.format == "HEIF"
    assert original.getexif().get_ifd(GPS_IFD)

    cleaned = clean_image(raw)

    assert_bare(cleaned.data)
    assert cleaned.source_format == "HEIF"
    assert (cleaned.width, cleaned.height) == (64, 32)


def test_it_strips_text_xmp_and_exif_chunks_from_a_png_and_flattens_transparency() -> None:
    cleaned = clean_image(png_with_metadata())

    assert_bare(cleaned.data)
    assert cleaned.source_format == "PNG"
    pixel = Image.open(io.BytesIO(cleaned.data)).getpixel((20, 15))
    assert isinstance(pixel, tuple)
    assert pixel[2] > 150
    assert pixel[0] > 90


def test_it_applies_the_exif_orientation_before_dropping_it() -> None:
    cleaned = clean_image(jpeg_with_gps(orientation=6))  # "rotate 90° clockwise to view"

    image = Image.open(io.BytesIO(cleaned.data)).convert("RGB")
    assert (cleaned.width, cleaned.height) == (32, 64)
    top, bottom = image.getpixel((16, 5)), image.getpixel((16, 58))
    assert isinstance(top, tuple)
    assert isinstance(bottom, tuple)
    assert top[0] > 150
    assert top[2] < 100
    assert bottom[2] > 150
    assert bottom[0] < 100


def test_it_decides_by_content_not_by_the_file_name() -> None:
    assert sniff(jpeg_with_gps()) == "JPEG"
    assert sniff(png_with_metadata()) == "PNG"
    assert sniff(heic_with_gps()) == "HEIF"
    assert sniff(b"GIF89a" + b"\0" * 20) is None
    assert sniff(b"%PDF-1.7\n") is None


@pytest.mark.parametrize(
    "raw",
    [
        b"just some text pretending to be IMG_0001.jpg",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1",  # AVIF is not HEIC
    ],
    ids=["text", "pdf", "gif", "avif"],
)
def test_it_refuses_what_is_not_a_jpeg_png_or_heic(raw: bytes) -> None:
    with pytest.raises(PhotoError) as refused:
        clean_image(raw)
    assert refused.value.code == "not_an_image"
    assert "JPEG, PNG or HEIC" in refused.value.message


def test_it_refuses_an_empty_file() -> None:
    with pytest.raises(PhotoError) as refused:
        clean_image(b"")
    assert refused.value.code == "empty"


def test_it_refuses_a_file_over_the_size_limit() -> None:
    with pytest.raises(PhotoError) as refused:
        clean_image(b"\xff\xd8\xff" + b"\0" * MAX_BYTES)
    assert refused.value.code == "too_large"
    assert "20 MB" in refused.value.message


def test_it_refuses_a_truncated_image() -> None:
    raw = jpeg_with_gps(width=400, height=300)
    with pytest.raises(PhotoError) as refused:
        clean_image(raw[: len(raw) // 2])
    assert refused.value.code == "unreadable"


def png_bomb(width: int, height: int) -> bytes:
    """A valid PNG of width × height black pixels: a few kilobytes that would decode to
    gigabytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = b"\0" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(64)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("width", "height"),
    [(8_000, 7_500), (30_000, 30_000)],
    ids=["60-megapixels", "900-megapixels"],
)
def test_it_refuses_a_decompression_bomb_from_its_header(width: int, height: int) -> None:
    raw = png_bomb(width, height)
    assert len(raw) < 100_000

    with pytest.raises(PhotoError) as refused:
        clean_image(raw)
    assert refused.value.code == "too_many_pixels"
    assert "50 megapixels" in refused.value.message


def test_it_scales_a_very_large_photo_to_fit_the_stored_edge() -> None:
    out = io.BytesIO()
    Image.new("RGB", (6000, 1500), (90, 90, 90)).save(out, "JPEG")

    cleaned = clean_image(out.getvalue())

    assert (cleaned.width, cleaned.height) == (4096, 1024)
