"""How participants find a session: join codes, the LAN address and QR codes."""

from __future__ import annotations

import contextlib
import io
import ipaddress
import secrets
import socket
from collections.abc import Callable, Container

import qrcode
import qrcode.image.svg

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B, G/6, Q: codes are read off a projector and typed on phones.
CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
CODE_LENGTH = 5


def new_code(taken: Container[str]) -> str:
    """A random join code that is not taken yet."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


def normalize_code(code: str) -> str:
    """A code as typed (lower case, spaces) in its canonical form."""
    return "".join(code.split()).upper()


def lan_address() -> str:
    """This machine's address on the local network, so phones can reach it.

    Reads the addresses of the local interfaces; no packet is sent anywhere.
    """
    candidates: list[str] = []
    for name in _interface_names():
        address = _interface_address(name)
        if address:
            candidates.append(address)
    with contextlib.suppress(OSError):
        candidates += socket.gethostbyname_ex(socket.gethostname())[2]
    usable = [a for a in candidates if not ipaddress.ip_address(a).is_loopback]
    private = [a for a in usable if ipaddress.ip_address(a).is_private]
    return (private or usable or ["127.0.0.1"])[0]


# Addresses that mean "every interface": phones reach such a server at the LAN address.
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})


def is_loopback(host: str) -> bool:
    """Whether a server bound to `host` is reachable from this machine alone."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def join_base(host: str, port: int, public_url: str | None, lan: Callable[[], str] = lan_address) -> str:
    """The base URL of the join link and QR code: `public_url` when given, else the address
    the server is really bound to (the LAN address for a wildcard bind), so that nothing
    printed or encoded points where the server does not listen."""
    if public_url:
        return public_url.rstrip("/")
    address = lan() if host in WILDCARD_HOSTS else host
    if ":" in address:
        address = f"[{address}]"  # an IPv6 literal in a URL
    return f"http://{address}:{port}"


def _interface_names() -> list[str]:
    try:
        return [name for _, name in socket.if_nameindex() if name != "lo"]
    except OSError:
        return []


def _interface_address(name: str) -> str | None:
    try:
        import fcntl
        import struct

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            siocgifaddr = 0x8915
            packed = struct.pack("256s", name.encode()[:15])
            return socket.inet_ntoa(fcntl.ioctl(sock.fileno(), siocgifaddr, packed)[20:24])
    except (OSError, ImportError):
        return None


def qr_svg(data: str) -> bytes:
    """A QR code of `data` as an SVG document."""
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def qr_text(data: str) -> str:
    """A QR code of `data` drawn with block characters for a terminal."""
    code = qrcode.QRCode(border=1)
    code.add_data(data)
    buffer = io.StringIO()
    code.print_ascii(out=buffer, invert=True)
    return buffer.getvalue()
