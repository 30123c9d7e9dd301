"""Reading CSV and JSON files into rows, before any cell is parsed."""

import csv
import json
from dataclasses import dataclass, field

from .errors import FileError, RowError


@dataclass
class Row:
    line: int
    cells: dict
    external_id: str = ""
    locale: object = None
    values: dict = field(default_factory=dict)
    record: object = None
    version: object = None
    source: object = None
    status: str = ""
    bad: bool = False
    writes_row: bool = False
    db_before: dict = field(default_factory=dict)
    relations_before: dict = field(default_factory=dict)

    @property
    def language(self):
        return self.locale.language_code


def read_csv(handle):
    """Rows with the physical line each starts on; errors for the header and ragged rows."""
    reader = csv.reader(handle)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise FileError(f"line 1: not CSV ({error})") from None
    if not header:
        raise FileError("the file is empty: a CSV file starts with a header of column names")
    header = [name.strip() for name in header]
    rows, errors = [], []
    previous_end = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise FileError(f"line {previous_end + 1}: not CSV ({error})") from None
        line = previous_end + 1
        previous_end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            errors.append(
                RowError(line, "", f"{len(cells)} values, but the header has {len(header)}")
            )
            continue
        rows.append(Row(line, dict(zip(header, cells, strict=True))))
    return header, rows, errors


def read_json(handle):
    try:
        data = json.load(handle)
    except json.JSONDecodeError as error:
        raise FileError(
            f"not JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        # An open-data file (/open-data/enterprises.json): its records, under its licence.
        data = data["records"]
    if not isinstance(data, list):
        raise FileError("a JSON import is an array of objects, one per record")
    rows, errors = [], []
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            errors.append(RowError(index, "", "expected an object of column: value"))
            continue
        nested = [key for key, value in item.items() if isinstance(value, dict)]
        for key in nested:
            errors.append(RowError(index, key, "expected a value or a list, not an object"))
        if not nested:
            rows.append(Row(index, item))
    return rows, errors


def read_file(path, file_format):
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            if file_format == "csv":
                header, rows, errors = read_csv(handle)
            else:
                rows, errors = read_json(handle)
                header = None
    except UnicodeDecodeError as error:
        raise FileError(f"not UTF-8 text (byte {error.start})") from None
    return header, rows, errors
