"""Embedded PNG images in HTML: find them, and plant a one-byte difference in one."""
from __future__ import annotations

import base64
import re

PNG_URI = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")


def embedded_pngs(html_text: str) -> list[bytes]:
    """The bytes of every PNG embedded in the page as a data: address, in page order."""
    return [base64.b64decode(data) for data in PNG_URI.findall(html_text)]


def flip_png_byte(html_text: str, image_number: int = 1) -> str:
    """The HTML with one byte of its n-th embedded PNG changed (n counts from 1)."""
    matches = list(PNG_URI.finditer(html_text))
    match = matches[image_number - 1]
    data = bytearray(base64.b64decode(match.group(1)))
    data[len(data) // 2] ^= 0xFF
    encoded = base64.b64encode(bytes(data)).decode("ascii")
    return html_text[:match.start(1)] + encoded + html_text[match.end(1):]
