"""Export formats and hostile imports: what is valid comes in, the rest is reported by line."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from earful.errors import ConfigError
from earful.exchange.columns import COLUMNS, is_export_header, to_mention
from earful.exchange.mapping import GENERIC, load_mapping, pick
from earful.exchange.readers import Problem, Record, read_csv, read_ndjson
from earful.exchange.writers import csv_lines, ndjson_lines, neutralize
from earful.models import BrandSentiment, Engagement, Mention, Passage, Rating, Sentiment

WHEN = datetime(2026, 11, 20, 12, 30, tzinfo=timezone.utc)


def sample(n: int = 1, **fields: object) -> Mention:
    values: dict[str, object] = dict(
        id=f"m{n}", source="review", source_name="acme-reviews", url=f"https://r.example/{n}", author="Ann",
        title="=HYPERLINK(\"http://evil.example\")", text='Line one, "quoted"\nline two — اکمی שלום',
        published_at=WHEN, site="r.example", lang="en", brands=["acme", "globex"],
        rating=Rating(raw="4,5", scale=5, normalized=0.875), engagement=Engagement(score=3),
        sentiment=Sentiment(score=-0.25, label="negative", model="e5"), content_hash="abc",
        brand_sentiment={"acme": BrandSentiment(score=-0.5, label="negative", model="e5+target",
                                                passages=[Passage(text="Line one, \"quoted\"", start=31, end=49)]),
                         "globex": BrandSentiment(score=0.0, label="neutral", model="e5")})
    values.update(fields)
    return Mention(**values)  # type: ignore[arg-type]


def records(items: list[Record | Problem]) -> list[Record]:
    return [i for i in items if isinstance(i, Record)]


def problems(items: list[Record | Problem]) -> list[tuple[int, str]]:
    return [(i.line, i.reason) for i in items if isinstance(i, Problem)]


def test_ndjson_round_trip_keeps_every_field() -> None:
    mentions = [sample(1), sample(2, rating=None, engagement=None, author=None, brands=["acme"])]
    data = "".join(ndjson_lines(mentions)).encode("utf-8")
    assert data.count(b"\n") == 2 and "اکمی".encode() in data  # one line each, UTF-8 as is
    back = [to_mention(r.fields, flat=False) for r in records(list(read_ndjson(io.BytesIO(data))))]
    assert back == mentions


def test_csv_round_trip_with_header_bom_and_neutralised_cells() -> None:
    mentions = [sample(1), sample(2, title="+1 for support", author="@handle", text="-great", rating=None)]
    data = "".join(csv_lines(mentions)).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf" + b"id,published_at,source")
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1 for support" in text and "'@handle" in text and "'-great" in text
    assert ",-0.25," in text  # numbers are never prefixed
    items = list(read_csv(io.BytesIO(data)))
    assert problems(items) == []
    assert [to_mention(r.fields, flat=True) for r in records(items)] == mentions
    broken = {**records(items)[0].fields, "brand_sentiment": "{not json"}
    with pytest.raises(ValueError, match="brand_sentiment: not a JSON object"):
        to_mention(broken, flat=True)


@pytest.mark.parametrize(("cell", "expected"), [
    ("=1+2", "'=1+2"), ("+49 30", "'+49 30"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"), ("'quoted", "''quoted"), ("fine = ok", "fine = ok"),
])
def test_formula_injection_is_neutralised(cell: str, expected: str) -> None:
    assert neutralize(cell) == expected


def test_hostile_ndjson_imports_the_valid_lines() -> None:
    good = "".join(ndjson_lines([sample(1), sample(2)])).splitlines()
    data = b"\n".join([
        b"\xef\xbb\xbf" + good[0].encode(),
        b'{"id": "x", "published_at": ',  # truncated
        b"[1, 2]",
        b"\xff\xfe not utf-8",
        b"[" * 100_000,
        b'{"text": "' + b"a" * (5 * 1024 * 1024) + b'"}',  # longer than a line may be
        b"",
        good[1].encode(),
        b'{"id": 5, "published_at": "yesterday", "source": "x", "source_name": "y"}',
    ])
    items = list(read_ndjson(io.BytesIO(data)))
    assert [r.line for r in records(items)] == [1, 8, 9]
    assert [line for line, _ in problems(items)] == [2, 3, 4, 5, 6]
    assert "not UTF-8" in dict(problems(items))[4] and "longer than" in dict(problems(items))[6]
    with pytest.raises(ValueError, match="published_at"):
        to_mention(records(items)[2].fields, flat=False)


def test_hostile_csv_imports_the_valid_rows() -> None:
    header = ",".join(COLUMNS)
    row = lambda n, text: f'm{n},2026-11-20T12:00:00Z,web,forum,acme,en,,"{text}"' + "," * (len(COLUMNS) - 8)  # noqa: E731
    data = "\n".join([
        header,
        row(1, "fine"),
        'm2,2026-11-20T12:00:00Z,web,forum,acme,en,,"never closed',
        row(3, "after the broken quote"),
        row(4, 'multi\nline ""quoted"" text'),
        "only,three,cells",
        row(6, "x" * 10),
    ]).encode("utf-8")
    data = data.replace(b"x" * 10, b"\xff" * 10)  # invalid UTF-8 in row 7
    data += b"\n" + row(8, "y" * (5 * 1024 * 1024)).encode() + b"\n" + row(9, "last").encode()
    items = list(read_csv(io.BytesIO(data)))
    assert [(r.line, r.fields["text"][:22]) for r in records(items)] == [
        (2, "fine"), (4, "after the broken quote"), (5, 'multi\nline "quoted" te'), (10, "last")]
    assert [line for line, _ in problems(items)] == [3, 7, 8, 9]
    assert "a quote that never closes" in dict(problems(items))[3]
    assert [to_mention(r.fields, flat=True).brands for r in records(items)] == [["acme"]] * 4


def test_wrong_types_are_reported_with_the_field() -> None:
    with pytest.raises(ValueError, match="rating.normalized"):
        to_mention({"id": "a", "published_at": "2026-11-20", "source": "web", "source_name": "f",
                    "rating.normalized": "7"}, flat=True)


def test_generic_mapping_finds_other_tools_columns() -> None:
    header = ["Date", "Title", "Full Text", "Url", "Author", "Domain", "Language", "Sentiment"]
    assert not is_export_header(header)
    columns = GENERIC.resolve(header)
    assert columns["text"] == ["Full Text"] and columns["site"] == ["Domain"] and "rating" not in columns
    record = dict(zip(header, ["2026-11-20 08:00", "", "Acme is down", "https://x.example/1", "bo",
                               "x.example", "en", "negative"]))
    assert pick(record, columns) == {"published_at": "2026-11-20 08:00", "text": "Acme is down",
                                     "url": "https://x.example/1", "author": "bo", "site": "x.example",
                                     "lang": "en"}
    with pytest.raises(ConfigError, match="no column for the date"):
        GENERIC.resolve(["Headline", "Body"])


def test_mapping_file_with_its_own_date_format_and_zone(tmp_path: Path) -> None:
    path = tmp_path / "tool.yaml"
    path.write_text("columns:\n  published_at: Posted\n  text: [Body, Snippet]\n"
                    "date_format: '%d/%m/%Y %H:%M'\ntimezone: Europe/Berlin\nrating_scale: 10\n")
    mapping = load_mapping(path)
    assert mapping.published("20/11/2026 13:30") == WHEN
    assert mapping.resolve(["posted", "SNIPPET"]) == {"published_at": ["posted"], "text": ["SNIPPET"]}
    path.write_text("columns:\n  posted_on: Posted\n")
    with pytest.raises(ConfigError, match="unknown fields"):
        load_mapping(path)
    path.write_text(json.dumps({"columns": {"text": "Body"}, "timezone": "Mars/Base"}))
    with pytest.raises(ConfigError, match="IANA"):
        load_mapping(path)



def test_csv_records_are_quoted_as_the_csv_module_quotes_them() -> None:
    import csv
    import io

    from earful.exchange.writers import csv_record

    rows = [["plain", "", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "=1+2", " spaced ", "'", 'x",y\r\n']]
    expected = io.StringIO()
    csv.writer(expected, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(rows)
    assert "".join(csv_record(row) for row in rows) == expected.getvalue()
    assert next(csv.reader(io.StringIO(csv_record(rows[0])))) == rows[0]
