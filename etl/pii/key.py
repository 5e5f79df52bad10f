"""The pseudonym key: kept outside the warehouse, never printed (docs/privacy.md).

`CXPULSE_PSEUDONYM_KEY` (hex) wins; else the key file of `[privacy] pseudonym_key_file`, created on first use
with 32 random bytes and mode 0600. Losing the key changes every pseudonym: the same e-mail then gets a new key
and no longer joins the records loaded before.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from etl.config import ConfigError, Settings

KEY_ENV = "CXPULSE_PSEUDONYM_KEY"
KEY_BYTES = 32
MIN_KEY_BYTES = 16


def key_file_of(settings: Settings) -> Path:
    path = settings.privacy.pseudonym_key_file
    return path if path.is_absolute() else settings.base_dir / path


def _from_hex(text: str, where: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError as error:
        raise ConfigError(f"{where} is not hexadecimal") from error  # the value itself is never shown
    if len(key) < MIN_KEY_BYTES:
        raise ConfigError(f"{where} holds {len(key)} bytes; at least {MIN_KEY_BYTES} are needed")
    return key


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_bytes(KEY_BYTES).hex() + "\n")


def pseudonym_key(settings: Settings) -> bytes:
    """The key, from the environment or the key file (created 0600 when missing)."""
    from_env = os.environ.get(KEY_ENV)
    if from_env:
        return _from_hex(from_env, KEY_ENV)
    path = key_file_of(settings)
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # another run created it between the check and the open
            _create_key_file(path)
    return _from_hex(path.read_text(encoding="ascii"), f"pseudonym key file {path}")
