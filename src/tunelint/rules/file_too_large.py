"""A file over the profile's upload cap (the engine measures the file; no example is read)."""

from tunelint.diagnostics import Level
from tunelint.rules.base import ReaderRule


class FileTooLarge(ReaderRule):
    """
    ## What it does
    Reports, at line 1, a file larger than the active profile's file-size cap (Azure OpenAI
    and Mistral: 512 MB; Vertex Gemini: 1 GB; Together: 50.1 GB). The OpenAI profile records
    none: its Uploads API takes up to 8 GB in parts.

    ## Why is this bad?
    The provider refuses the upload, after the time it took to send it.

    ## Example
    A 600 MB `train.jsonl` checked with `--profile azure-openai`.

    ## Use instead
    Split the file, or sample it down (`tunelint stats` shows what each part would cost).
    """

    id = "file_too_large"
    level = Level.ERROR
    summary = "The file is larger than the profile's upload cap."
    whole_file = True
