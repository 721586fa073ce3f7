"""A ``*.parquet`` file that cannot be read as examples (reported by the Parquet reader)."""

from tunelint.diagnostics import Level
from tunelint.rules.base import ReaderRule


class InvalidParquet(ReaderRule):
    """
    ## What it does
    Reports, once at row 1, a `*.parquet` file that is not Parquet, or whose columns include
    one of a type no JSON value has (binary, a date or timestamp, a decimal, a union, a map
    with non-string keys); the file's rows are then not checked. A row group that cannot be
    decoded is reported at its first row. Rows are otherwise checked as the JSONL lines they
    would be: row N is line N, and a null field counts as absent.

    ## Why is this bad?
    Fine-tuning services take JSON examples: such a column has no JSON form, so the file
    cannot become the JSONL that is uploaded without a decision about that column.

    ## Example
    A Parquet file with the columns `messages: list<struct<role: string, content: string>>`
    and `image: binary`.

    ## Use instead
    Cast the column to a string (base64 for bytes, ISO 8601 for times) or drop it, for
    example `table.drop_columns(["image"])` with pyarrow.
    """

    id = "invalid_parquet"
    level = Level.ERROR
    summary = "A Parquet file that is not Parquet, or has a column no JSON value can hold."
