"""A local OpenID Connect provider for the browser tests: standard-library HTTP server on 127.0.0.1, RS256 ID
tokens signed with joserfc (installed with Authlib, which Streamlit's st.login needs). No internet.

Endpoints: the discovery document (/.well-known/openid-configuration), the JWKS (/jwks), authorize (/authorize:
a page with one "Sign in as <key>" button per test user, the test clicks one; or `login_hint=<key>` to sign in
without the page), token (/token: authorization code -> id_token with iss, aud, exp, iat, nonce, sub, email,
name, groups; client_secret_basic or client_secret_post), and userinfo (/userinfo, Bearer access token).

    python -m tests.browser.oidc_provider   # serves the TEST_USERS below until interrupted, printing its issuer
"""

from __future__ import annotations

import base64
import html
import json
import secrets
import threading
import time
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

TOKEN_SECONDS = 600
KEY_ID = "cxpulse-test-key"
CODE_SECONDS = 120


@dataclass(frozen=True)
class TestUser:
    """A person the provider can sign in: `key` names them on the authorize page."""

    __test__ = False  # not a pytest test class

    key: str
    email: str
    name: str
    groups: tuple[str, ...] = ()

    def claims(self) -> dict[str, Any]:
        return {"sub": f"sub-{self.key}", "email": self.email, "email_verified": True, "name": self.name,
                "groups": list(self.groups)}


@dataclass(frozen=True)
class Client:
    client_id: str
    client_secret: str


@dataclass
class _Grant:
    user: TestUser
    client_id: str
    redirect_uri: str
    nonce: str | None
    issued_at: float


@dataclass
class ProviderState:
    """What the server remembers: its key, clients, users, the codes and access tokens it issued."""

    issuer: str
    clients: Mapping[str, Client]
    users: Mapping[str, TestUser]
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(
        2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"}))
    codes: dict[str, _Grant] = field(default_factory=dict)
    access_tokens: dict[str, TestUser] = field(default_factory=dict)
    sign_ins: list[str] = field(default_factory=list)  # the keys of the users signed in, in order
    lock: threading.Lock = field(default_factory=threading.Lock)

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "claims_supported": ["sub", "email", "email_verified", "name", "groups"],
        }

    def id_token(self, grant: _Grant) -> str:
        now = int(time.time())
        claims = {**grant.user.claims(), "iss": self.issuer, "aud": grant.client_id, "iat": now,
                  "exp": now + TOKEN_SECONDS, "auth_time": now}
        if grant.nonce:
            claims["nonce"] = grant.nonce
        return jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, self.key)


def _authorize_page(users: Sequence[TestUser], hidden: Mapping[str, str]) -> str:
    fields = "".join(f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
                     for name, value in hidden.items())
    buttons = "".join(f'<p><button type="submit" name="user" value="{html.escape(user.key)}">'
                      f"Sign in as {html.escape(user.key)}</button> {html.escape(user.email)}</p>" for user in users)
    return ("<!doctype html><html><head><title>Mock OIDC provider</title></head><body>"
            f'<h1>Mock OIDC provider</h1><form method="post" action="/authorize">{fields}{buttons}</form>'
            "</body></html>")


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the tests read their own output

    # ------------------------------------------------------------------ responses
    def _send(self, status: HTTPStatus, body: bytes, content_type: str,
              headers: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, payload: Any, status: HTTPStatus = HTTPStatus.OK) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json")

    def _error(self, status: HTTPStatus, error: str, description: str) -> None:
        self._json({"error": error, "error_description": description}, status)

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8")
        return {key: values[-1] for key, values in urllib.parse.parse_qs(raw, keep_blank_values=True).items()}

    # ------------------------------------------------------------------ routes
    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = {key: values[-1] for key, values in urllib.parse.parse_qs(url.query).items()}
        state = self.server.state
        if url.path == "/.well-known/openid-configuration":
            self._json(state.discovery())
        elif url.path == "/jwks":
            self._json({"keys": [state.key.as_dict(private=False)]})
        elif url.path == "/authorize":
            self._authorize(query)
        elif url.path == "/userinfo":
            self._userinfo()
        else:
            self._error(HTTPStatus.NOT_FOUND, "not_found", url.path)

    def do_POST(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        if path == "/authorize":
            self._authorize(self._form())
        elif path == "/token":
            self._token(self._form())
        else:
            self._error(HTTPStatus.NOT_FOUND, "not_found", path)

    def _authorize(self, params: Mapping[str, str]) -> None:
        state = self.server.state
        client = state.clients.get(params.get("client_id", ""))
        redirect_uri = params.get("redirect_uri", "")
        if client is None or params.get("response_type") != "code" or not redirect_uri:
            self._error(HTTPStatus.BAD_REQUEST, "invalid_request", "unknown client, response_type or redirect_uri")
            return
        chosen = params.get("user") or params.get("login_hint")
        if not chosen:
            hidden = {name: params[name] for name in ("client_id", "redirect_uri", "response_type", "scope",
                                                       "state", "nonce") if name in params}
            self._send(HTTPStatus.OK, _authorize_page(list(state.users.values()), hidden).encode(),
                       "text/html; charset=utf-8")
            return
        user = state.users.get(chosen)
        if user is None:
            self._error(HTTPStatus.BAD_REQUEST, "access_denied", "unknown test user")
            return
        code = secrets.token_urlsafe(24)
        with state.lock:
            state.codes[code] = _Grant(user, client.client_id, redirect_uri, params.get("nonce"), time.time())
        answer = {"code": code, **({"state": params["state"]} if "state" in params else {})}
        separator = "&" if urllib.parse.urlsplit(redirect_uri).query else "?"
        self._send(HTTPStatus.FOUND, b"", "text/plain",
                   {"Location": f"{redirect_uri}{separator}{urllib.parse.urlencode(answer)}"})

    def _client_credentials(self, form: Mapping[str, str]) -> tuple[str, str]:
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            decoded = base64.b64decode(header[6:]).decode("utf-8")
            client_id, _, client_secret = decoded.partition(":")
            return urllib.parse.unquote_plus(client_id), urllib.parse.unquote_plus(client_secret)
        return form.get("client_id", ""), form.get("client_secret", "")

    def _token(self, form: Mapping[str, str]) -> None:
        state = self.server.state
        client_id, client_secret = self._client_credentials(form)
        client = state.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.client_secret, client_secret):
            self._error(HTTPStatus.UNAUTHORIZED, "invalid_client", "unknown client or wrong secret")
            return
        with state.lock:
            grant = state.codes.pop(form.get("code", ""), None)
        if (form.get("grant_type") != "authorization_code" or grant is None or grant.client_id != client_id
                or grant.redirect_uri != form.get("redirect_uri") or time.time() - grant.issued_at > CODE_SECONDS):
            self._error(HTTPStatus.BAD_REQUEST, "invalid_grant", "unknown, used or expired code")
            return
        access_token = secrets.token_urlsafe(24)
        with state.lock:
            state.access_tokens[access_token] = grant.user
            state.sign_ins.append(grant.user.key)
        self._json({"access_token": access_token, "token_type": "Bearer", "expires_in": TOKEN_SECONDS,
                    "scope": "openid email profile", "id_token": state.id_token(grant)})

    def _userinfo(self) -> None:
        header = self.headers.get("Authorization", "")
        user = self.server.state.access_tokens.get(header.removeprefix("Bearer ").strip())
        if not header.startswith("Bearer ") or user is None:
            self._error(HTTPStatus.UNAUTHORIZED, "invalid_token", "unknown access token")
            return
        self._json(user.claims())


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state_for_port: Any) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state: ProviderState = state_for_port(f"http://127.0.0.1:{self.server_address[1]}")


@dataclass(frozen=True)
class RunningProvider:
    issuer: str
    state: ProviderState

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"


@contextmanager
def running_provider(clients: Sequence[Client], users: Sequence[TestUser]) -> Iterator[RunningProvider]:
    """The provider serving on 127.0.0.1 at a free port, in a thread; shut down on exit."""
    server = _Server(lambda issuer: ProviderState(issuer=issuer, clients={c.client_id: c for c in clients},
                                                  users={u.key: u for u in users}))
    thread = threading.Thread(target=server.serve_forever, name="mock-oidc", daemon=True)
    thread.start()
    try:
        yield RunningProvider(server.state.issuer, server.state)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


if __name__ == "__main__":
    demo_users = [TestUser("ann", "ann@example.com", "Ann Example", ("cx-executives",))]
    with running_provider([Client("cxpulse", "cxpulse-secret")], demo_users) as provider:
        print(provider.metadata_url, flush=True)
        threading.Event().wait()
