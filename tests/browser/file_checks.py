"""What a downloaded file must be, checked from its bytes (pure functions, no browser)."""

from __future__ import annotations

import contextlib
import io
import re
import struct
import zlib
from dataclasses import dataclass

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PDF_MAGIC = b"%PDF"
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
_LITERAL = re.compile(rb"\((?:\\.|[^\\)])*\)", re.DOTALL)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}
AS_OF = re.compile(r"As of \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} \([^)]+\)|No successful run recorded yet")


class FileCheckFailure(AssertionError):
    pass


@dataclass(frozen=True)
class PngSize:
    width: int
    height: int


def check_csv(data: bytes) -> tuple[list[str], int]:
    """The header and the number of data rows of a CSV that pandas reads (UTF-8, with or without a BOM)."""
    import pandas as pd

    if not data.strip():
        raise FileCheckFailure("the CSV is empty")
    try:
        frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError) as error:
        raise FileCheckFailure(f"pandas cannot read the CSV: {error}") from error
    header = [str(column) for column in frame.columns]
    if not header or any(name.startswith("Unnamed:") or not name.strip() for name in header):
        raise FileCheckFailure(f"the CSV has no proper header row: {header}")
    return header, len(frame)


def check_png(data: bytes) -> PngSize:
    """The size in pixels from the IHDR chunk of a PNG."""
    if not data.startswith(PNG_MAGIC):
        raise FileCheckFailure(f"not a PNG: starts with {data[:8]!r}")
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise FileCheckFailure("the PNG has no IHDR chunk first")
    width, height = struct.unpack(">II", data[16:24])
    if width == 0 or height == 0:
        raise FileCheckFailure(f"the PNG is {width} x {height} pixels")
    return PngSize(width, height)


def _unescape(literal: bytes) -> bytes:
    body = literal[1:-1]
    out = bytearray()
    index = 0
    while index < len(body):
        byte = body[index:index + 1]
        if byte == b"\\" and index + 1 < len(body):
            following = body[index + 1:index + 2]
            octal = re.match(rb"[0-7]{1,3}", body[index + 1:index + 4])
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                index += 1 + len(octal.group())
                continue
            out += _ESCAPES.get(following, b"" if following in b"\r\n" else following)
            index += 2
            continue
        out += byte
        index += 1
    return bytes(out)


def pdf_text(data: bytes) -> str:
    """The text a PDF draws, roughly: every string literal of its (inflated) content streams, in order.
    Enough to find a phrase written with a core font, as fpdf2 writes it (Windows-1252)."""
    chunks = []
    for match in _STREAM.finditer(data):
        raw = match.group(1)
        with contextlib.suppress(zlib.error):
            raw = zlib.decompress(raw)
        chunks.extend(_unescape(literal).decode("cp1252", errors="replace") for literal in _LITERAL.findall(raw))
    return " ".join(chunks)


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def check_pdf(data: bytes, as_of_text: str) -> int:
    """A PDF that carries the as-of text; returns its page count."""
    if not data.startswith(PDF_MAGIC):
        raise FileCheckFailure(f"not a PDF: starts with {data[:8]!r}")
    if _squeezed(as_of_text) not in _squeezed(pdf_text(data)):
        raise FileCheckFailure(f"the PDF does not carry the as-of text {as_of_text!r}")
    return len(re.findall(rb"/Type\s*/Page\b", data))


def as_of_in(text: str) -> str | None:
    """The as-of text a page header shows ("As of 1 Nov 2026, 06:03 (Europe/Rome)"), if any."""
    match = AS_OF.search(text)
    return match.group(0) if match else None
