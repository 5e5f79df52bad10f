"""How `cxpulse serve` starts Streamlit: the address it binds, whether that is allowed, the open-mode banner.

Without sign-in whoever reaches the port sees everything: the server binds the loopback address by default, and
any other address needs sign-in configured ([access] sign_in = true and an [auth] section in
.streamlit/secrets.toml, etl.sign_in_config) or `--insecure-open`. Open mode reaches the app in CXPULSE_OPEN_MODE.
"""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path

DEFAULT_ADDRESS = "127.0.0.1"
OPEN_MODE_VARIABLE = "CXPULSE_OPEN_MODE"
LOCAL_ONLY = "local"  # bound to a loopback address: this machine only
OPEN_TO_NETWORK = "network"  # bound elsewhere with --insecure-open: anyone who reaches the port
LOOPBACK_NAMES = frozenset({"localhost"})


def is_loopback(address: str) -> bool:
    """Whether `address` reaches this machine only: `localhost`, 127.0.0.0/8 or ::1 (`0.0.0.0`, `::` and every
    other address or host name are not)."""
    if address.strip().lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def refusal(address: str, insecure_open: bool, sign_in_ready: bool = False) -> str | None:
    """Why serving on `address` is refused, or None when it is allowed: a non-loopback address needs sign-in
    (`sign_in_ready`: [access] sign_in = true with a usable [auth] section) or `insecure_open`."""
    if is_loopback(address) or insecure_open or sign_in_ready:
        return None
    return (f"refusing to serve on {address}: sign-in is not configured, so anyone who reaches that address sees"
            " every page and conversation. Configure sign-in ([access] sign_in = true in cxpulse.toml and an"
            " [auth] section in .streamlit/secrets.toml, see docs/sign-in.md), serve on 127.0.0.1 (the default),"
            " or pass --insecure-open to accept it.")


def open_mode(address: str) -> str:
    return LOCAL_ONLY if is_loopback(address) else OPEN_TO_NETWORK


def streamlit_command(app_file: Path, port: int, address: str, secrets_file: Path | None = None) -> list[str]:
    """The command line that serves the dashboard on `address`:`port`, reading its secrets ([auth]) from
    `secrets_file` instead of Streamlit's default places when given."""
    secrets = ["--secrets.files", str(secrets_file)] if secrets_file is not None else []
    return [sys.executable, "-m", "streamlit", "run", str(app_file), "--server.address", address,
            "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
            *secrets]


def banner(mode: str | None) -> str:
    """The open-mode line the app shows: no sign-in, and who can reach it."""
    if mode == OPEN_TO_NETWORK:
        return ("Open mode: no sign-in. Anyone who reaches this port sees every page and conversation"
                " (served with --insecure-open).")
    if mode == LOCAL_ONLY:
        return "Open mode: no sign-in. Served on this machine only (loopback address): no one else can reach it."
    return ("Open mode: no sign-in. Not started by `cxpulse serve`: anyone who reaches this port may see"
            " everything.")
