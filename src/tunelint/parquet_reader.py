"""Read a Parquet file's rows as records: each row is the JSON object it holds.

Rows are read one row group at a time, in batches of ``BATCH_ROWS``, so memory is bounded by
one row group, whatever the file's size. Row N of the file (1-based, across row groups) is
line N in JSONL terms. Records carry no text: findings are at column 1.

A null field is read as absent: Parquet stores every column of its schema in every row, so a
key a row lacks (``weight`` on a user message, ``tool_calls`` on a plain answer) is null
there. Columns written by pandas for its index are not part of the examples. A column whose
type JSON cannot hold (binary, dates and times, decimals, unions, a map with non-string keys)
is one ``invalid_parquet`` finding, and the file's rows are not checked: they are not the
examples a provider would be sent. The ``parquet`` extra (pyarrow) is needed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from tunelint.extras import require
from tunelint.reader import FileNotText, ReaderFinding, Record

BATCH_ROWS = 1024
RULE = "invalid_parquet"
MAGIC = b"PAR1"

Converter = Callable[[Any], Any]


def _pyarrow() -> Any:
    require("pyarrow.parquet", "reading Parquet", "parquet")
    import pyarrow

    return pyarrow


def unsupported_type(arrow_type: Any) -> str | None:
    """The part of ``arrow_type`` no JSON value has (as pyarrow names it), or None."""
    types = _pyarrow().types
    if types.is_struct(arrow_type):
        inner = (unsupported_type(arrow_type.field(i).type) for i in range(arrow_type.num_fields))
        return next((found for found in inner if found), None)
    if types.is_dictionary(arrow_type):
        return unsupported_type(arrow_type.value_type)
    if types.is_map(arrow_type):
        if not _is_string(arrow_type.key_type):
            return f"{arrow_type} (JSON object keys are strings)"
        return unsupported_type(arrow_type.item_type)
    if _is_list(arrow_type):
        return unsupported_type(arrow_type.value_type)
    leaf = (types.is_null, types.is_boolean, types.is_integer, types.is_floating, _is_string)
    return None if any(test(arrow_type) for test in leaf) else str(arrow_type)


def _is_string(arrow_type: Any) -> bool:
    types = _pyarrow().types
    return (
        types.is_string(arrow_type)
        or types.is_large_string(arrow_type)
        or types.is_string_view(arrow_type)
    )


def _is_list(arrow_type: Any) -> bool:
    types = _pyarrow().types
    tests = (
        types.is_list,
        types.is_large_list,
        types.is_fixed_size_list,
        types.is_list_view,
        types.is_large_list_view,
    )
    return any(test(arrow_type) for test in tests)


def _converter(arrow_type: Any) -> Converter | None:
    """What turns pyarrow's Python value of ``arrow_type`` into its JSON value (null fields
    dropped, maps as objects); None where pyarrow's value is the JSON value already."""
    types = _pyarrow().types
    if types.is_dictionary(arrow_type):
        return _converter(arrow_type.value_type)
    if types.is_struct(arrow_type):
        fields = [arrow_type.field(i) for i in range(arrow_type.num_fields)]
        return _struct_converter([(f.name, _converter(f.type)) for f in fields])
    if types.is_map(arrow_type):
        item = _converter(arrow_type.item_type)
        return lambda value: (
            None if value is None else {key: item(inner) if item else inner for key, inner in value}
        )
    if _is_list(arrow_type):
        element = _converter(arrow_type.value_type)
        if element is None:
            return None
        return lambda value: None if value is None else [element(inner) for inner in value]
    return None


def _struct_converter(fields: list[tuple[str, Converter | None]]) -> Converter:
    def convert(value: dict | None) -> dict | None:
        if value is None:
            return None
        row = {}
        for name, inner in fields:
            field_value = value[name]
            if field_value is not None:
                row[name] = inner(field_value) if inner else field_value
        return row

    return convert


def _has_magic(path: str) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(len(MAGIC))
        handle.seek(0, 2)
        if handle.tell() < 2 * len(MAGIC):
            return False
        handle.seek(-len(MAGIC), 2)
        return head == MAGIC and handle.read() == MAGIC


def open_parquet(path: str) -> Any:
    """The ``pyarrow.parquet.ParquetFile`` of ``path``; a file that is not Parquet raises
    ``FileNotText`` with the finding that says so, a missing pyarrow ``MissingExtra``."""
    pyarrow = _pyarrow()
    if not _has_magic(path):
        message = "file is not Parquet: it does not start and end with the PAR1 marker"
        raise FileNotText(ReaderFinding(RULE, message))
    try:
        return pyarrow.parquet.ParquetFile(path)
    except pyarrow.ArrowException as error:
        raise FileNotText(ReaderFinding(RULE, f"file cannot be read as Parquet: {error}")) from None


def example_columns(parquet: Any) -> list[str]:
    """The columns that hold the examples: all but those pandas wrote for its index."""
    pandas = parquet.schema_arrow.pandas_metadata or {}
    index = {name for name in pandas.get("index_columns", []) if isinstance(name, str)}
    return [name for name in parquet.schema_arrow.names if name not in index]


def schema_finding(parquet: Any, columns: list[str]) -> ReaderFinding | None:
    """The finding for the columns whose type no example holds, or None."""
    schema = parquet.schema_arrow
    bad = [
        f"{name!r} has type {found}"
        for name in columns
        if (found := unsupported_type(schema.field(name).type)) is not None
    ]
    if not bad:
        return None
    return ReaderFinding(
        RULE,
        f"column {'; column '.join(bad)}, which no JSON value has; cast it to a string or"
        " drop it (the file's rows are not checked)",
    )


def first_rows(parquet: Any) -> list[int]:
    """The 1-based number of the first row of each row group, and one past the last row."""
    starts = [1]
    for index in range(parquet.metadata.num_row_groups):
        starts.append(starts[-1] + parquet.metadata.row_group(index).num_rows)
    return starts


def read_rows(path: str, row_groups: range | None = None) -> Iterator[Record]:
    """A record for every row of ``row_groups`` (default: all), numbered across the file.

    Raises ``FileNotText`` before yielding anything when the file is not Parquet or holds a
    column no example can hold; a row group that cannot be decoded is one finding at its
    first row.
    """
    pyarrow = _pyarrow()
    parquet = open_parquet(path)
    groups = row_groups if row_groups is not None else range(parquet.metadata.num_row_groups)
    starts = first_rows(parquet)
    columns = example_columns(parquet)
    finding = schema_finding(parquet, columns)
    if finding is not None:
        raise FileNotText(finding, lines=sum(starts[g + 1] - starts[g] for g in groups))
    schema = parquet.schema_arrow
    convert = _struct_converter([(name, _converter(schema.field(name).type)) for name in columns])
    for group in groups:
        line = starts[group]
        try:
            for batch in parquet.iter_batches(BATCH_ROWS, [group], columns, use_threads=False):
                for row in batch.to_pylist():
                    yield Record(line, None, convert(row))
                    line += 1
        except pyarrow.ArrowException as error:
            message = f"row group {group + 1} cannot be read: {error}"
            yield Record(line, None, findings=(ReaderFinding(RULE, message),))
