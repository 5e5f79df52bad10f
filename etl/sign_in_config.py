"""Whether sign-in is configured: the `[auth]` section Streamlit's OpenID Connect sign-in reads from
`.streamlit/secrets.toml`, checked before anyone needs it (docs/sign-in.md).

Pure apart from `read_auth_section`, which reads the secrets files. `[access] sign_in = true` without a usable
`[auth]` section is a configuration error whose message names what to set; `sign_in = false` ignores `[auth]`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

AUTH_KEYS: tuple[str, ...] = ("redirect_uri", "cookie_secret")
"""Keys of [auth] itself."""
PROVIDER_KEYS: tuple[str, ...] = ("client_id", "client_secret", "server_metadata_url")
"""Keys of a provider: directly in [auth] (the default provider) or in a named [auth.<name>] table."""
DEFAULT_PROVIDER = "default"
CALLBACK_PATH = "/oauth2callback"
SECRETS_FILE = Path(".streamlit") / "secrets.toml"
HOW_TO = ("set redirect_uri (ending in /oauth2callback), cookie_secret, and client_id, client_secret and"
          " server_metadata_url (in [auth] or a named [auth.<provider>]) in .streamlit/secrets.toml"
          " (see docs/sign-in.md and .streamlit/secrets.toml.example), or set [access] sign_in = false")


def provider_names(auth: Mapping[str, Any]) -> list[str]:
    """The providers [auth] declares, as st.login names them: "default" when the provider's keys are in [auth]
    itself, then the named [auth.<name>] tables in order."""
    names = [DEFAULT_PROVIDER] if any(key in auth for key in PROVIDER_KEYS) else []
    return names + [name for name, value in auth.items() if isinstance(value, Mapping)]


def _missing(section: Mapping[str, Any], keys: Iterable[str]) -> list[str]:
    return [key for key in keys if not str(section.get(key) or "").strip()]


def auth_problems(auth: Mapping[str, Any] | None) -> list[str]:
    """What is wrong with an [auth] section (None: absent), each naming the key; empty when sign-in can work."""
    if auth is None:
        return ["there is no [auth] section"]
    problems = [f"[auth] {key} is missing" for key in _missing(auth, AUTH_KEYS)]
    redirect = str(auth.get("redirect_uri") or "")
    if redirect and not redirect.rstrip("/").endswith(CALLBACK_PATH):
        problems.append(f"[auth] redirect_uri must end in {CALLBACK_PATH}")
    names = provider_names(auth)
    if not names:
        problems.append("[auth] names no provider (client_id, client_secret, server_metadata_url)")
    for name in names:
        section = auth if name == DEFAULT_PROVIDER else auth[name]
        where = "[auth]" if name == DEFAULT_PROVIDER else f"[auth.{name}]"
        problems.extend(f"{where} {key} is missing" for key in _missing(section, PROVIDER_KEYS))
        if "_" in name:
            problems.append(f"{where}: a provider name may not contain an underscore")
    return problems


def sign_in_problem(sign_in: bool, auth: Mapping[str, Any] | None) -> str | None:
    """Why sign-in cannot work as configured, naming what to set; None when it can or when it is off."""
    if not sign_in:
        return None
    problems = auth_problems(auth)
    if not problems:
        return None
    return (f"sign-in is on ([access] sign_in = true in cxpulse.toml) but .streamlit/secrets.toml is not ready:"
            f" {'; '.join(problems)}. To fix it, {HOW_TO}.")


def default_secrets_files(app_folder: Path) -> list[Path]:
    """Where Streamlit looks for secrets when the app runs from `app_folder`: the user's, then the app's
    (later files win)."""
    return [Path.home() / SECRETS_FILE, app_folder / SECRETS_FILE]


def read_auth_section(files: Iterable[Path]) -> dict[str, Any] | None:
    """The [auth] section of the secrets files, merged as Streamlit merges them (a later file's tables win);
    None when no file has one. A file that is not TOML raises tomllib.TOMLDecodeError."""
    auth: dict[str, Any] | None = None
    for path in files:
        if not path.is_file():
            continue
        section = tomllib.loads(path.read_text(encoding="utf-8")).get("auth")
        if isinstance(section, dict):
            auth = {**(auth or {}), **section}
    return auth
