"""Scores added to any CSV of texts (`crisiswatch score`): streamed in batches, written whole or not at all."""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path

from crisiswatch.errors import RejectedInput
from crisiswatch.scoring.mentions import mention_risk
from crisiswatch.scoring.types import TextScorer

OUT_COLUMNS = ("lang", "sentiment", "sentiment_score", "category", "risk")
DELIMITERS = ",;\t|"  # a spreadsheet in a Spanish or French locale saves CSV with ";"
BATCH = 1000


def _delimiter(header: str) -> str:
    """The header line's delimiter: the one of DELIMITERS it uses most outside quotes (a comma when it uses none)."""
    unquoted = header.split('"')[::2]
    counts = {d: sum(part.count(d) for part in unquoted) for d in DELIMITERS}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _rows(reader: csv.DictReader, src: Path, width: int) -> Iterator[dict[str, str]]:
    """The reader's rows; a row with more fields than the header is refused, naming its line."""
    for row in reader:
        if None in row:
            raise RejectedInput(
                f"{src}, line {reader.line_num}: {width + len(row[None])} fields where the header has {width}"  # type: ignore[index]
                " (a text with the delimiter in it must be quoted)"
            )
        yield row


def _first_bad_line(src: Path, encoding: str) -> tuple[int, int]:
    """The line number and first byte of the file's first line that does not decode."""
    with src.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                raw.decode(encoding)
            except UnicodeDecodeError as exc:
                return number, raw[exc.start]
    return 0, 0


def _batches(rows: Iterator[dict[str, str]], size: int) -> Iterator[list[dict[str, str]]]:
    while batch := list(islice(rows, size)):
        yield batch


def score_csv(src: Path, dst: Path, text_column: str, scorer: TextScorer, lang_column: str | None = None,
              encoding: str = "utf-8", on_batch: Callable[[int], None] | None = None) -> int:
    """Copy src to dst adding lang, sentiment, sentiment_score, category and risk; the number of rows scored.
    on_batch hears the rows scored so far after each batch.

    dst appears only once every row is scored: a bad row, a bad byte or an interruption leaves whatever was
    at dst as it was."""
    csv.field_size_limit(sys.maxsize)
    if encoding.replace("-", "").replace("_", "").lower() == "utf8":
        encoding = "utf-8-sig"  # and a byte-order mark, as spreadsheets write it, is not part of the first column's name
    try:
        fin = src.open(encoding=encoding, newline="")
    except FileNotFoundError:
        raise RejectedInput(f"input CSV {src} does not exist") from None
    except IsADirectoryError:
        raise RejectedInput(f"input CSV {src} is a folder, not a file") from None
    except LookupError:
        raise RejectedInput(f"unknown --encoding {encoding!r} (try utf-8, cp1252 or latin-1)") from None
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.part")  # beside dst, so the final rename is atomic
    n = 0
    try:
        with fin, tmp.open("w", encoding="utf-8", newline="") as fout:
            header = fin.readline()
            fin.seek(0)
            reader = csv.DictReader(fin, delimiter=_delimiter(header))
            columns = list(reader.fieldnames or [])
            for wanted, option in ((text_column, "--text-column"), (lang_column, "--lang-column")):
                if wanted is not None and wanted not in columns:
                    raise RejectedInput(
                        f"{src} has no column {wanted!r} ({option}); its columns are: {', '.join(columns) or '(none: empty file?)'}"
                    )
            writer = csv.DictWriter(fout, fieldnames=columns + [c for c in OUT_COLUMNS if c not in columns],
                                    delimiter=reader.reader.dialect.delimiter)
            writer.writeheader()
            for batch in _batches(_rows(reader, src, len(columns)), BATCH):
                hints = [r.get(lang_column) or None for r in batch] if lang_column else None
                for row, s in zip(batch, scorer.score_texts([r[text_column] or "" for r in batch], hints), strict=True):
                    row.update(lang=s.lang, sentiment=s.sentiment, sentiment_score=f"{s.sentiment_score:.4f}",
                               category=s.category, risk=f"{mention_risk(s):.1f}")
                    writer.writerow(row)
                    n += 1
                if on_batch is not None:
                    on_batch(n)
        tmp.replace(dst)
    except UnicodeDecodeError:
        line, byte = _first_bad_line(src, encoding)
        raise RejectedInput(
            f"{src} is not {encoding.removesuffix('-sig')}: line {line} has the byte 0x{byte:02x}; "
            "pass its encoding, e.g. --encoding cp1252 for a spreadsheet saved on Windows, or save it as UTF-8"
        ) from None
    except csv.Error as exc:
        raise RejectedInput(f"{src}, line {reader.line_num}: not CSV ({exc})") from None
    finally:
        tmp.unlink(missing_ok=True)
    return n
