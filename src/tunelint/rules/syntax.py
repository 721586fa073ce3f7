"""Rules the reader reports (what keeps a line from being parsed into an example), and the
byte-order-mark rules, checked on the file as a whole."""

from collections.abc import Iterator

from tunelint.diagnostics import Level, Problem
from tunelint.rules.base import FileFacts, FileRule, ReaderRule, RuleContext


class InvalidJson(ReaderRule):
    """
    ## What it does
    Reports a line that is not valid JSON, at the column where the parser stopped, with the
    parser's message (for example "Expecting ',' delimiter"). `NaN` and `Infinity` are
    rejected too: they are not JSON, and other parsers refuse them.

    ## Why is this bad?
    The fine-tuning service refuses the whole file: "Example 1273 cannot be parsed. Error: line
    contains invalid json". A line that does not parse is checked by no other rule.

    ## Example
    ```jsonl
    {"messages": [{"role": "user" "content": "Hi"}]}
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "user", "content": "Hi"}]}
    ```
    """

    id = "invalid_json"
    level = Level.ERROR
    summary = "The line is not valid JSON."


class InvalidEncoding(ReaderRule):
    """
    ## What it does
    Reports bytes that are not UTF-8: a line with invalid UTF-8 (at its byte column, naming
    Latin-1 when it looks like it), and once per file a file that is UTF-16, compressed,
    an archive or other binary data.

    ## Why is this bad?
    JSONL is UTF-8 text; providers refuse other encodings ("File is not UTF-8 encoded").

    ## Example
    A file saved from a Windows editor as Windows-1252: `caf\\xe9`.

    ## Use instead
    Save the file as UTF-8 (`iconv -f cp1252 -t utf-8`), or decompress it first.
    """

    id = "invalid_encoding"
    level = Level.ERROR
    summary = "The file or line is not UTF-8 text."


class LineTooLong(ReaderRule):
    """
    ## What it does
    Reports a line longer than the reader's cap (`line_cap_bytes`, 64 MiB by default, far
    above any real example). The line is skipped unread: tunelint never holds more than the
    cap in memory, however long the line.

    ## Why is this bad?
    No fine-tuning example is that long: such a line is a dump, a base64 blob or a file
    without newlines, and the service refuses it or the whole file.

    ## Example
    A 500 MB line of base64 image data pasted into `train.jsonl`.

    ## Use instead
    One example per line, each well under the model's context; keep large media out of
    the file (link it, or use the provider's image upload).
    """

    id = "line_too_long"
    level = Level.ERROR
    summary = "A line longer than the reader's cap; it is skipped unread."


class BlankLine(ReaderRule):
    """
    ## What it does
    Reports an empty or whitespace-only line.

    ## Why is this bad?
    A blank line is not an example; strict readers count it as a malformed line, and it
    shifts the example numbers the service reports against the file's line numbers.

    ## Example
    Two examples separated by an empty line:
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}

    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye"}]}
    ```

    ## Use instead
    One example per line and no empty lines (`tunelint fix` removes them).
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye"}]}
    ```
    """

    id = "blank_line"
    level = Level.WARNING
    summary = "An empty or whitespace-only line."


class Utf8Bom(FileRule):
    """
    ## What it does
    Reports a UTF-8 byte-order mark at the start of the file. The line is still checked.

    ## Why is this bad?
    A plain JSON parser rejects the first line of such a file. (Azure OpenAI asks for the
    mark: under its profile this rule is silent and `missing_utf8_bom` reports its absence.)

    ## Example
    A file whose first bytes are `EF BB BF`.

    ## Use instead
    Save as UTF-8 without BOM (`tunelint fix` strips it).
    """

    id = "utf8_bom"
    level = Level.WARNING
    summary = "The file starts with a UTF-8 byte-order mark."

    def check_file(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Problem]:
        if facts.starts_with_bom and not ctx.profile.limits.requires_bom:
            yield Problem((), "file starts with a UTF-8 byte-order mark")


class NotJsonl(ReaderRule):
    """
    ## What it does
    Reports, once, a file that is one pretty-printed JSON document or a JSON array spread
    over many lines, instead of one JSON object per line.

    ## Why is this bad?
    Fine-tuning services read JSONL: every line must be a complete example. Such a file is
    refused at its first line.

    ## Example
    ```jsonl
    [
      {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]},
      {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye"}]}
    ]
    ```

    ## Use instead
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye"}]}
    ```
    """

    id = "not_jsonl"
    level = Level.ERROR
    summary = "The file is a JSON document or array, not JSON Lines."
    whole_file = True
    applies_to = ("*",)


class MissingUtf8Bom(FileRule):
    """
    ## What it does
    Reports, at line 1, a file that does not start with a UTF-8 byte-order mark, under a
    profile that requires one (Azure OpenAI). Under such a profile `utf8_bom` stays silent.

    ## Why is this bad?
    Azure OpenAI's fine-tuning docs: the training file "must be encoded in UTF-8 and include
    a byte-order mark (BOM)".

    ## Example
    A file whose first bytes are `{"messages"` under `--profile azure-openai`.

    ## Use instead
    Start the file with the bytes `EF BB BF` (`tunelint fix --profile azure-openai` adds them).
    """

    id = "missing_utf8_bom"
    level = Level.ERROR
    summary = "The file lacks the UTF-8 byte-order mark the profile requires (Azure OpenAI)."

    def check_file(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Problem]:
        if ctx.profile.limits.requires_bom and not facts.starts_with_bom:
            yield Problem((), "file does not start with a UTF-8 byte-order mark")
