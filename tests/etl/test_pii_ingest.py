"""The privacy step of ingest as pure functions, and the pseudonym key (docs/privacy.md)."""

from __future__ import annotations

import hashlib
import hmac
import stat
from pathlib import Path

import orjson
import pytest

from etl.config import ConfigError, settings_from_mapping
from etl.parsing import RecordChunk, parse_chunk
from etl.pii.ingest import ChunkMasker, IngestPrivacy, pseudonym, record_hashes
from etl.pii.key import KEY_ENV, pseudonym_key
from etl.sources.zendesk import BY_NAME

KEY = b"k" * 32


def _hmac_hex(value: str) -> str:
    return hmac.new(KEY, value.encode("utf-8"), hashlib.sha256).hexdigest()


def test_pseudonyms_are_hmac_sha256_of_the_identity_rules_value() -> None:
    assert pseudonym(KEY, "email", " Ann.Lee@Example.COM ") == "em_" + _hmac_hex("ann.lee@example.com")
    # national, trunk 0 dropped, default country code 44 put before: +442079460958
    assert pseudonym(KEY, "phone", "020 7946 0958", "44") == "ph_" + _hmac_hex("+442079460958")
    assert pseudonym(KEY, "phone", "0044 (20) 7946-0958", "1") == "ph_" + _hmac_hex("+442079460958")
    # no usable e-mail or phone: a key of its own kind that identity resolution does not use
    assert pseudonym(KEY, "email", "not an address") == "emx_" + _hmac_hex("not an address")
    assert pseudonym(KEY, "phone", "ext. 12") == "phx_" + _hmac_hex("ext. 12")


def _users_chunk() -> RecordChunk:
    records = [
        {"id": 1, "name": "Ann Lee", "email": "Ann.Lee@example.com", "phone": "+44 20 7946 0958", "role": "end-user",
         "updated_at": "2026-05-01T10:00:00Z", "notes": "Ann Lee prefers ann.lee@example.com"},
        {"id": 2, "name": "Sam Agent", "email": "sam@support.example", "phone": None, "role": "agent",
         "updated_at": "2026-05-01T10:00:00Z"},
    ]
    payloads = [orjson.dumps(r).decode() for r in records]
    return RecordChunk(lines=[1, 2], values=records, payloads=payloads,
                       unreadable=[(3, "invalid JSON", '{"email": "bad@example.com", oops')])


def test_a_chunk_is_masked_before_parsing_payloads_included() -> None:
    stream = BY_NAME["users"]
    masked = ChunkMasker(IngestPrivacy(KEY, "44", keep_clear_text=True)).mask_chunk(stream, _users_chunk())
    rows = parse_chunk(stream, masked.chunk).rows.set_index("user_id")
    assert rows.loc["1", "name"] == "[NAME]"
    assert rows.loc["1", "email"] == "em_" + _hmac_hex("ann.lee@example.com")
    assert rows.loc["1", "phone"] == "ph_" + _hmac_hex("+442079460958")
    assert rows.loc["2", "name"] == "Sam Agent"  # an agent keeps the name staff work under
    ann = orjson.loads(rows.loc["1", "_payload"])
    assert (ann["name"], ann["email"]) == ("[NAME]", "em_" + _hmac_hex("ann.lee@example.com"))
    assert ann["notes"] == "[NAME] prefers [EMAIL]"  # an undeclared field is masked too (the record's name known)
    assert masked.chunk.unreadable == [(3, "invalid JSON", '{"email": "[EMAIL]", oops')]
    # the record hash: keyed, of the original text, so better detectors never change it
    original = _users_chunk().payloads[0]
    expected_hash = hmac.new(KEY, b"record\x1f" + original.encode(), hashlib.sha256).hexdigest()
    assert rows.loc["1", "_record_hash"] == expected_hash
    kept = {(v.source_line, v.field_name, v.clear_value) for v in masked.clear_values}
    assert kept == {(1, "name", "Ann Lee"), (1, "email", "Ann.Lee@example.com"), (1, "phone", "+44 20 7946 0958"),
                    (2, "email", "sam@support.example")}
    assert masked.identities["em_" + _hmac_hex("ann.lee@example.com")] == ("email", "Ann.Lee@example.com")


def test_nothing_clear_is_collected_unless_kept() -> None:
    masked = ChunkMasker(IngestPrivacy(KEY)).mask_chunk(BY_NAME["users"], _users_chunk())
    assert masked.clear_values == [] and masked.identities == {}


def test_the_key_file_is_created_once_0600_and_never_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    settings = settings_from_mapping({}, tmp_path, tmp_path / "cxpulse.toml")
    key = pseudonym_key(settings)
    path = tmp_path / ".cxpulse" / "pseudonym.key"
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert pseudonym_key(settings) == key  # the same key on the next run
    monkeypatch.setenv(KEY_ENV, "ab" * 32)
    assert pseudonym_key(settings) == bytes([0xAB]) * 32
    monkeypatch.setenv(KEY_ENV, "secret-not-hex")
    with pytest.raises(ConfigError) as error:
        pseudonym_key(settings)
    assert "secret-not-hex" not in str(error.value)


def test_privacy_settings(tmp_path: Path) -> None:
    settings = settings_from_mapping({"privacy": {"keep_clear_text": True, "pseudonym_key_file": "keys/p.key"}},
                                     tmp_path)
    assert settings.privacy.keep_clear_text is True
    assert settings.privacy.pseudonym_key_file == tmp_path / "keys" / "p.key"
    assert settings_from_mapping({}, tmp_path).privacy.keep_clear_text is False
    with pytest.raises(ConfigError, match="detectors_read"):
        settings_from_mapping({"privacy": {"detectors_read": "clear"}}, tmp_path)


def test_record_hashes_in_bulk_are_the_keyed_hashes_of_the_original_texts() -> None:
    key = b"k" * 32
    texts = ['{"id":1}', '{"id":2, "note":"café"}']
    expected = [hmac.new(key, b"record\x1f" + t.encode("utf-8"), hashlib.sha256).hexdigest() for t in texts]
    assert record_hashes(key, texts) == expected
