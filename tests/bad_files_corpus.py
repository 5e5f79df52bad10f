"""The bad-file corpus of issue 11: writes tests/fixtures/bad_files/ (committed) and its manifest.

Run `python -m tests.bad_files_corpus` from the repository root to write it again. Each source folder holds the
good files of a format (copies of its fixtures) and bad variants of some of them, made by the families below.
The manifest pairs every file with what must become of it, worked out from how the file was made (never from
the loader's output): the statuses allowed, the counts known for certain (an empty file reads 0 records; a copy
of a good file with CRLF line ends adds no new row), and whether some record must be lost (then the run must
name the file). Every file, whatever its family, must satisfy read = loaded + duplicate + quarantined +
unrecoverable, and any loss must be named.

A bad variant is named after its base with `~<family>` before the extension, so that it sorts after its base
and is read after it (its copies of the base's records are duplicates).
"""

from __future__ import annotations

import gzip
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
CORPUS = FIXTURES / "bad_files"
MANIFEST = CORPUS / "manifest.json"
ANY = ("loaded", "partial", "failed")


@dataclass
class Expected:
    source: str
    file: str
    family: str
    good: bool
    status: tuple[str, ...]
    read: int | None = None
    loaded: int | None = None
    quarantined: int | None = None
    unrecoverable: int | None = None
    lost: bool | None = None
    """True: some record must be lost (file named, exit non-zero); False: nothing may be lost."""


@dataclass(frozen=True)
class Base:
    """A good file a source's bad variants are made from: its kind of text and whether its records are one a
    line (then a copy with other line ends adds no new row)."""

    name: str
    text_kind: str  # csv | jsonl | json
    one_record_a_line: bool
    encoding: str = "utf-8"


@dataclass(frozen=True)
class SourceSpec:
    name: str
    format: str
    fixture_files: tuple[Path, ...]
    bases: tuple[Base, ...]
    options: dict[str, object]
    timezone: str = "UTC"


def _variant_name(base: str, family: str) -> str:
    for ext in (".jsonl", ".json", ".csv", ".xlsx"):
        if base.endswith(ext):
            return f"{base[: -len(ext)]}_~{family}{ext}"
    return f"{base}_~{family}"


def _cut(text: str, share: float) -> str:
    return text[: max(1, int(len(text) * share))]


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


Family = tuple[str, Callable[[str, Base], bytes], Callable[[Base], dict[str, object]]]


def _same(**fields: object) -> Callable[[Base], dict[str, object]]:
    return lambda _base: dict(fields)


def _no_new_rows(base: Base) -> dict[str, object]:
    """A copy of the base with other line ends, shuffled or doubled: records are the base's again."""
    if base.one_record_a_line:
        return {"status": ("loaded",), "loaded": 0, "unrecoverable": 0, "lost": False}
    if base.text_kind == "json":  # lines of a pretty-printed document: reordered, they are no longer JSON
        return {"status": ANY}
    return {"status": ("loaded",), "unrecoverable": 0, "lost": False}


def _undecodable(base: Base) -> dict[str, object]:
    # bytes that are not text in the base's encoding: nothing can be read (a latin-1 file decodes anything,
    # so its header is wrong instead): the file fails, named
    return {"status": ("failed",), "read": 0, "loaded": 0, "lost": True}


def _encode(base: Base, text: str) -> bytes:
    return text.encode(base.encoding)


def _shuffled(text: str, base: Base) -> bytes:
    lines = _lines(text)
    head, body = (lines[:1], lines[1:]) if base.text_kind == "csv" else ([], lines)
    return _encode(base, "\n".join(head + list(reversed(body))) + "\n")


TEXT_FAMILIES: tuple[Family, ...] = (
    ("empty", lambda t, b: b"", _same(status=("loaded", "failed"), read=0, loaded=0, unrecoverable=0)),
    ("blank", lambda t, b: b"\n \n\t\n", _same(status=("loaded", "failed"), read=0, loaded=0, unrecoverable=0)),
    ("bom_only", lambda t, b: b"\xef\xbb\xbf", _same(status=("loaded", "failed"), read=0, loaded=0,
                                                       unrecoverable=0)),
    ("binary", lambda t, b: bytes(range(128, 256)) * 8 + b.name.encode(), _undecodable),
    ("utf16", lambda t, b: t.encode("utf-16"), _undecodable),
    ("gzip", lambda t, b: gzip.compress(_encode(b, t), mtime=0), _undecodable),
    ("zip", lambda t, b: _zip_of(b.name, _encode(b, t)), _undecodable),
    ("cut_quarter", lambda t, b: _encode(b, _cut(t, 0.25)), _same(status=ANY)),
    ("cut_half", lambda t, b: _encode(b, _cut(t, 0.5)), _same(status=ANY)),
    ("cut_three_quarters", lambda t, b: _encode(b, _cut(t, 0.75)), _same(status=ANY)),
    ("cut_last_char", lambda t, b: _encode(b, t.rstrip()[:-1]), _same(status=ANY)),
    ("crlf", lambda t, b: _encode(b, t.replace("\r\n", "\n").replace("\n", "\r\n")), _no_new_rows),
    ("no_final_newline", lambda t, b: _encode(b, t.rstrip("\r\n") + "\n\n\n"), _no_new_rows),
    ("shuffled", _shuffled, _no_new_rows),
    ("nul_byte", lambda t, b: _encode(b, t[: len(t) // 2] + "\x00" + t[len(t) // 2:]), _same(status=ANY)),
    ("trailing_garbage", lambda t, b: _encode(b, t + "\n}{ not a record ]]\n"), _same(status=ANY)),
    ("html_error_page", lambda t, b: _encode(b, "<html><body><h1>502 Bad Gateway</h1></body></html>\n"),
     _same(status=ANY)),
    ("huge_line", lambda t, b: _encode(b, t + "x" * 40_000 + "\n"), _same(status=ANY)),
    ("control_chars", lambda t, b: _encode(b, t.replace("a", "\x07", 3)), _same(status=ANY)),
)

CSV_FAMILIES: tuple[Family, ...] = (
    ("header_only", lambda t, b: _encode(b, _lines(t)[0] + "\n"),
     _same(status=("loaded",), read=0, loaded=0, quarantined=0, unrecoverable=0, lost=False)),
    ("wrong_delimiter", lambda t, b: _encode(b, _swap_delimiter(t)), _same(status=("failed",), read=0, lost=True)),
    ("missing_first_column", lambda t, b: _encode(b, "\n".join(_drop_first_column(t)) + "\n"), _same(status=ANY)),
    ("extra_field_in_a_row", lambda t, b: _encode(b, _widen_second_line(t)), _same(status=ANY)),
    ("unbalanced_quote", lambda t, b: _encode(b, _unbalance(t)), _same(status=ANY)),
    ("repeated_header", lambda t, b: _encode(b, t.rstrip("\n") + "\n" + _lines(t)[0] + "\n"), _same(status=ANY)),
    ("upper_case_header", lambda t, b: _encode(b, _lines(t)[0].upper() + "\n" + "\n".join(_lines(t)[1:]) + "\n"),
     _same(status=ANY)),
    ("header_missing", lambda t, b: _encode(b, "\n".join(_lines(t)[1:]) + "\n"), _same(status=ANY)),
)

JSON_FAMILIES: tuple[Family, ...] = (
    ("deep_nesting", lambda t, b: ('{"x": ' + "[" * 5_000 + "]" * 5_000 + "}\n").encode(), _same(status=ANY)),
    ("deep_nesting_array", lambda t, b: ("[" * 3_000 + "]" * 3_000).encode(), _same(status=ANY)),
    ("top_level_null", lambda t, b: b"null", _same(status=ANY)),
    ("top_level_number", lambda t, b: b"42\n", _same(status=ANY)),
    ("array_of_scalars", lambda t, b: b"[1, 2, \"three\"]", _same(status=ANY)),
    ("nan_literals", lambda t, b: b'{"id": NaN, "value": Infinity}\n', _same(status=ANY)),
    ("concatenated_twice", lambda t, b: _encode(b, t.rstrip() + t), _same(status=("loaded",), lost=False)),
    ("wrapped_in_data_key", lambda t, b: _encode(b, '{"data": ' + (t if b.text_kind == "json" else "[]") + "}"),
     _same(status=ANY)),
    ("lone_brace", lambda t, b: b"{", _same(status=ANY)),
)


def _zip_of(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        archive.writestr(info, content)
    return buffer.getvalue()


def _swap_delimiter(text: str) -> str:
    return text.replace(";", ",") if text.count(";") > text.count(",") else text.replace(",", ";")


def _drop_first_column(text: str) -> list[str]:
    delimiter = ";" if text.count(";") > text.count(",") else ","
    return [line.split(delimiter, 1)[-1] for line in _lines(text)]


def _widen_second_line(text: str) -> str:
    lines = _lines(text)
    delimiter = ";" if text.count(";") > text.count(",") else ","
    if len(lines) > 1:
        lines[1] = lines[1] + delimiter + "extra"
    return "\n".join(lines) + "\n"


def _unbalance(text: str) -> str:
    lines = _lines(text)
    if len(lines) > 1:
        lines[1] = '"' + lines[1]
    return "\n".join(lines) + "\n"


def _source_specs() -> tuple[SourceSpec, ...]:
    zendesk, salesforce = FIXTURES / "zendesk", FIXTURES / "salesforce"
    connect, genesys = FIXTURES / "amazon_connect", FIXTURES / "genesys"
    mapped = FIXTURES / "mapped"
    return (
        SourceSpec("zendesk", "zendesk", tuple(sorted(zendesk.iterdir())), (
            Base("tickets-0001.json", "json", False), Base("ticket_audits.json", "json", False)), {}),
        SourceSpec("salesforce", "salesforce", tuple(sorted(salesforce.iterdir())), (
            Base("Case.csv", "csv", True),), {}),
        SourceSpec("amazon_connect", "amazon_connect", tuple(sorted(connect.iterdir())), (
            Base("connect-ctr-stream-1-2026-05-04-09-00-00.jsonl", "jsonl", False),
            Base("11111111-1111-4111-8111-111111111111_analysis_2026-05-04T09:08:00Z.json", "json", False)), {}),
        SourceSpec("genesys", "genesys", tuple(sorted(genesys.iterdir())), (
            Base("conversations-page-1.json", "json", False),
            Base("conversations-2026-06-02.jsonl", "jsonl", False)), {}),
        SourceSpec("canonical", "canonical", tuple(sorted((FIXTURES / "canonical_small").iterdir())), (
            Base("interactions-2026-05.csv", "csv", True),), {}),
        SourceSpec("transcripts", "transcripts", (FIXTURES / "transcripts" / "chats-2026-05.jsonl",), (
            Base("chats-2026-05.jsonl", "jsonl", True), Base("abcd-sample.json", "json", False)), {}),
        SourceSpec("surveys", "surveys", (FIXTURES / "surveys" / "survey-export-2026-05.csv",), (
            Base("survey-export-2026-05.csv", "csv", True),), {}),
        SourceSpec("accounts", "accounts", (FIXTURES / "accounts" / "crm-accounts-2026-05.csv",), (
            Base("crm-accounts-2026-05.csv", "csv", False),), {"as_of": "2026-05-31"}),
        SourceSpec("mapped_csv", "mapped", (mapped / "ticket_log" / "ticket_log.csv",), (
            Base("ticket_log.csv", "csv", True, encoding="latin-1"),), {"mapping": "mapped_csv.yml"},
            timezone="UTC"),
        SourceSpec("mapped_jsonl", "mapped", (mapped / "chat_events" / "chat_events.jsonl",), (
            Base("chat_events.jsonl", "jsonl", True),), {"mapping": "mapped_jsonl.yml"}),
        SourceSpec("intervals", "mapped", (mapped / "interval_report" / "interval_report.csv",), (
            Base("interval_report.csv", "csv", True),), {"mapping": "intervals.yml"}),
        SourceSpec("mapped_xlsx", "mapped", (), (), {"mapping": "mapped_xlsx.yml"}),
        SourceSpec("canonical_unknown_timezone", "canonical",
                   (FIXTURES / "canonical_small" / "interactions-2026-05.csv",
                    FIXTURES / "canonical_small" / "events-2026-05.jsonl"), (), {}, timezone="Mars/Olympus_Mons"),
    )


ABCD_SAMPLE = [
    {"convo_id": 9001, "scenario": {"personal": {"username": "ana"}, "flow": "order", "subflow": "status"},
     "original": [["customer", "Where is my order?"], ["agent", "Let me check."], ["customer", "Thanks"]]},
    {"convo_id": 9002, "scenario": {"personal": {"username": "bo"}, "flow": "refund", "subflow": "start"},
     "original": [["customer", "I want a refund"], ["agent", "Sure."]]},
]
"""A small ABCD conversation list: 2 conversations, 5 turns."""


def _abcd_specific() -> list[tuple[str, bytes, dict[str, object]]]:
    good = json.dumps(ABCD_SAMPLE)
    one_bad = [ABCD_SAMPLE[0], {**ABCD_SAMPLE[1], "convo_id": 9003, "original": [["customer"], ["agent", "x"]]}]
    return [
        # conversation 9003's first speaker line has no text: the conversation (1 record) is quarantined, 9001's
        # 3 turns are the base's again (duplicates)
        ("abcd-sample_~speaker_without_text.json", json.dumps(one_bad).encode(),
         {"status": ("loaded",), "read": 4, "loaded": 0, "quarantined": 1, "unrecoverable": 0, "lost": False}),
        # cut inside the second conversation: the first one's 3 turns read again, 1 conversation unrecoverable
        ("abcd-sample_~cut_in_second.json", good[: good.index('"convo_id": 9002') + 20].encode(),
         {"status": ("partial",), "read": 4, "loaded": 0, "quarantined": 0, "unrecoverable": 1, "lost": True}),
        # two lists one after the other: 5 + 5 turns, all the base's again
        ("abcd-sample_~two_lists.json", (good + "\n" + good).encode(),
         {"status": ("loaded",), "read": 10, "loaded": 0, "quarantined": 0, "unrecoverable": 0, "lost": False}),
    ]


def _zendesk_specific() -> list[tuple[str, bytes, dict[str, object]]]:
    def ticket(n: int) -> dict[str, object]:
        return {"id": 80000 + n, "created_at": "2026-05-04T09:00:00Z", "updated_at": "2026-05-04T09:00:00Z",
                "status": "open", "subject": f"corpus {n}"}

    return [
        ("tickets-0001_~results_key.json", json.dumps({"results": [ticket(1), ticket(2)], "count": 2}).encode(),
         {"status": ("loaded",), "read": 2, "loaded": 0, "quarantined": 2, "unrecoverable": 0, "lost": False}),
        ("tickets-0001_~null_key.json", b'{"tickets": null, "next_page": null}',
         {"status": ("loaded",), "read": 0, "loaded": 0, "quarantined": 0, "unrecoverable": 0, "lost": False}),
        ("tickets-0001_~two_pages.json",
         (json.dumps({"tickets": [ticket(3)]}) + json.dumps({"tickets": [ticket(4), ticket(5)]})).encode(),
         {"status": ("loaded",), "read": 3, "loaded": 3, "quarantined": 0, "unrecoverable": 0, "lost": False}),
        ("tickets-0001_~ndjson.json", "\n".join(json.dumps(ticket(n)) for n in (6, 7)).encode(),
         {"status": ("loaded",), "read": 2, "loaded": 2, "quarantined": 0, "unrecoverable": 0, "lost": False}),
        ("tickets-0001_~cut_after_one.json",
         (json.dumps({"tickets": [ticket(8)]})[:-2] + ', {"id": 80009, "sub').encode(),
         {"status": ("partial",), "read": 2, "loaded": 1, "quarantined": 0, "unrecoverable": 1, "lost": True}),
        ("Tickets-0009.JSON", json.dumps({"tickets": [ticket(10)]}).encode(),
         {"status": ("loaded",), "read": 1, "loaded": 1, "quarantined": 0, "unrecoverable": 0, "lost": False}),
        ("export-notes.txt", b"exported from the API on 2026-05-10\n",
         {"status": ("ignored",), "read": 0, "loaded": 0, "lost": False}),
    ]


INTERVAL_HEADER = ["Index", "Incoming Calls", "Answered Calls", "Abandoned Calls", "Answer Speed (AVG)",
                   "Talk Duration (AVG)", "Service Level (20 Seconds)"]


def _workbook(rows: list[list[object]], sheet: str = "Report") -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"created": __import__("datetime").datetime(2026, 1, 1)})
    worksheet = workbook.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                worksheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def _xlsx_files() -> list[tuple[str, bytes, dict[str, object]]]:
    good = _workbook([INTERVAL_HEADER, [1, 100, 90, 10, "0:00:20", "0:03:00", 0.8], [2, 50, 45, 5, "0:01:05",
                                                                                        "0:02:30", 0.615]])
    failed = {"status": ("failed",), "read": 0, "loaded": 0, "lost": True}
    return [
        # the good workbook: 2 intervals
        ("report-0good.xlsx", good, {"status": ("loaded",), "read": 2, "loaded": 2, "quarantined": 0,
                                     "unrecoverable": 0, "lost": False, "good": True}),
        ("report_~csv_named_xlsx.xlsx", b"Index,Incoming Calls\n1,100\n", failed),
        ("report_~empty.xlsx", b"", failed),
        ("report_~cut_zip.xlsx", good[: len(good) // 2], failed),
        ("report_~random_bytes.xlsx", bytes(range(256)) * 4, failed),
        ("report_~zip_without_workbook.xlsx", _zip_of("readme.txt", b"hello"), failed),
        ("report_~wrong_sheet.xlsx", _workbook([INTERVAL_HEADER, [1, 1, 1, 0, "0:00:01", "0:00:01", 1]], "Data"),
         failed),
        ("report_~missing_column.xlsx", _workbook([INTERVAL_HEADER[:3], [1, 100, 90]]), failed),
        # interval 3's offered count is text: that row is quarantined, interval 4 loads
        ("report_~text_in_number.xlsx", _workbook([INTERVAL_HEADER, [3, "many", 1, 0, "0:00:01", "0:00:01", 1],
                                                  [4, 10, 9, 1, "0:00:10", "0:01:00", 0.9]]),
         {"status": ("loaded",), "read": 2, "loaded": 1, "quarantined": 1, "unrecoverable": 0, "lost": False}),
        ("report_~header_only.xlsx", _workbook([INTERVAL_HEADER]),
         {"status": ("loaded",), "read": 0, "loaded": 0, "quarantined": 0, "unrecoverable": 0, "lost": False}),
        ("report_~gzip.xlsx", gzip.compress(good, mtime=0), failed),
    ]


def _mappings() -> dict[str, str]:
    mapped = FIXTURES / "mapped"
    interval = (mapped / "interval_report.yml").read_text(encoding="utf-8")
    return {
        "mapped_csv.yml": (mapped / "ticket_log.yml").read_text(encoding="utf-8"),
        "mapped_jsonl.yml": (mapped / "chat_events.yml").read_text(encoding="utf-8"),
        "intervals.yml": interval,
        "mapped_xlsx.yml": interval.replace("  type: csv", "  type: xlsx\n  sheet: Report")
        .replace("  stated_answer_rate: Answer Rate\n", ""),
    }


def write_corpus(root: Path = CORPUS) -> list[Expected]:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for name, text in _mappings().items():
        (root / name).write_text(text, encoding="utf-8")
    expected: list[Expected] = []
    for spec in _source_specs():
        folder = root / spec.name
        folder.mkdir()
        written: dict[bytes, str] = {}

        def put(name: str, content: bytes, family: str, good: bool, outcome: dict[str, object],
                folder: Path = folder, written: dict[bytes, str] = written, spec: SourceSpec = spec) -> None:
            if content in written:  # the same bytes twice would be "already loaded": keep one
                return
            written[content] = name
            (folder / name).write_bytes(content)
            outcome = dict(outcome)
            good = bool(outcome.pop("good", good))
            status = outcome.pop("status")
            expected.append(Expected(spec.name, name, family, good, tuple(status), **outcome))  # type: ignore[arg-type]

        good_outcome = {"status": ("loaded",), "unrecoverable": 0, "lost": False}
        if spec.name == "canonical_unknown_timezone":
            good_outcome = {"status": ("failed",), "read": 0, "loaded": 0, "lost": True}
        for path in spec.fixture_files:
            good = spec.name != "canonical_unknown_timezone"
            put(path.name, path.read_bytes(), "fixture" if good else "unknown_time_zone", good, good_outcome)
        if spec.name == "transcripts":
            put("abcd-sample.json", json.dumps(ABCD_SAMPLE).encode(), "fixture", True,
                {"status": ("loaded",), "read": 5, "loaded": 5, "quarantined": 0, "unrecoverable": 0, "lost": False})
            for name, content, outcome in _abcd_specific():
                put(name, content, name.split("~")[1].split(".")[0], False, outcome)
        if spec.name == "zendesk":
            for name, content, outcome in _zendesk_specific():
                put(name, content, name.split("~")[-1].split(".")[0], False, outcome)
        if spec.name == "mapped_xlsx":
            for name, content, outcome in _xlsx_files():
                put(name, content, name.split("~")[-1].split(".")[0], False, outcome)
        for base in spec.bases:
            text = (folder / base.name).read_bytes().decode(base.encoding).lstrip("\ufeff")
            families = TEXT_FAMILIES + (CSV_FAMILIES if base.text_kind == "csv" else JSON_FAMILIES)
            for family, make, outcome in families:
                put(_variant_name(base.name, family), make(text, base), family, False, outcome(base))
    MANIFEST.parent.mkdir(parents=True, exist_ok=True)
    sources = {spec.name: {"format": spec.format, "timezone": spec.timezone, "options": spec.options}
               for spec in _source_specs()}
    MANIFEST.write_text(json.dumps({"sources": sources, "files": [asdict(e) for e in expected]}, indent=1) + "\n",
                        encoding="utf-8")
    return expected


if __name__ == "__main__":
    files = write_corpus()
    bad = [f for f in files if not f.good]
    print(f"{len(files)} files written ({len(bad)} bad) under {CORPUS}")
