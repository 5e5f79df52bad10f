"""Zendesk List Comments responses saved as comments/<ticket_id>.json: the ticket id comes from the file name."""

from __future__ import annotations

import json
from pathlib import Path

from etl.config import SourceConfig
from etl.load import files_for_kind
from etl.sources import zendesk
from etl.sources.zendesk import COMMENTS_NAME_REASON, ReaderOptions, read_zendesk_file

COMMENTS_KIND = next(kind for kind in zendesk.KINDS if kind.name == "comments")


def _page(path: Path, comments: list[dict[str, object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"comments": comments, "next_page": None, "count": len(comments)}), encoding="utf-8")
    return path


COMMENT = {"id": 1, "type": "Comment", "author_id": 7, "body": "Hello", "plain_body": "Hello", "public": False,
           "audit_id": 11, "created_at": "2026-06-01T09:00:00Z", "via": {"channel": "web"}}


def test_a_comment_takes_its_ticket_id_from_the_file_name(tmp_path: Path) -> None:
    path = _page(tmp_path / "comments" / "4242.json", [COMMENT])
    chunks = list(read_zendesk_file(path, COMMENTS_KIND, "comments", ReaderOptions()))
    assert [stream.name for stream, _ in chunks] == ["ticket_comments"]
    values = chunks[0][1].values
    assert values == [{"comment_id": "1", "audit_id": "11", "ticket_id": "4242", "sent_at": "2026-06-01T09:00:00Z",
                       "author_id": "7", "body": "Hello", "public": "false", "via__channel": "web"}]


def test_a_comments_file_not_named_after_a_ticket_is_refused_record_by_record(tmp_path: Path) -> None:
    path = _page(tmp_path / "comments" / "notes.json", [COMMENT, {**COMMENT, "id": 2}])
    chunks = list(read_zendesk_file(path, COMMENTS_KIND, "comments", ReaderOptions()))
    unreadable = [item for _, chunk in chunks for item in chunk.unreadable]
    assert [reason for _, reason, _ in unreadable] == [COMMENTS_NAME_REASON] * 2
    assert [values for _, chunk in chunks for values in chunk.values] == []


def test_the_comments_folder_is_found_in_the_source_folder(tmp_path: Path) -> None:
    first = _page(tmp_path / "comments" / "2.json", [COMMENT])
    second = _page(tmp_path / "comments" / "10.json", [COMMENT])
    (tmp_path / "tickets-0001.json").write_text('{"tickets": []}', encoding="utf-8")
    source = SourceConfig(name="z", format="zendesk", path=tmp_path)
    assert files_for_kind(source, COMMENTS_KIND) == sorted([first, second])
    assert files_for_kind(SourceConfig(name="z", format="zendesk", path=first), COMMENTS_KIND) == [first]
