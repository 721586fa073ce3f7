from collections.abc import Iterator
from typing import Annotated, Any

from tunelint import hygiene
from tunelint.diagnostics import Level, Problem
from tunelint.rules.base import ExampleRule, Option, RuleContext
from tunelint.schema import AtLeast

SETTING = "contamination"
"""The config setting (list of eval file paths) the rule reads: ``--contamination FILE``."""


class EvalContamination(ExampleRule):
    """
    ## What it does
    With `--contamination FILE` (repeatable; JSON Lines in any line format, or plain text
    with one item per line), reports every training example that shares a passage of
    `ngram_words` words (13 by default; case and punctuation ignored) with an eval item, at
    the passage in the training line, naming the eval file and line. Eval strings shorter
    than that but of at least `min_item_words` words count whole. Passages shared by more than
    10 eval items (the benchmark's instructions) are ignored. The eval files are indexed once
    per run (16 bytes per distinct n-gram); needs numpy (`pip install 'tunelint[hygiene]'`).
    The command line loads the index before checking
    (`tunelint.hygiene.preload_contamination`), so a bad eval file, or numpy missing, is a
    usage error naming its file and line.

    ## Why is this bad?
    A model trained on benchmark items scores well on that benchmark without being better:
    the evaluation measures memory, not skill, and the numbers cannot be compared with
    anyone else's.

    ## Example
    A training answer quotes a GSM8K test question word for word.

    ## Use instead
    Drop the contaminated training examples (or the eval items, and say so when reporting).
    """

    id = "eval_contamination"
    level = Level.ERROR
    summary = "A training example shares a long passage with an eval item (--contamination)."
    applies_to = ("*",)
    reads_line_as_written = True
    options = {
        "ngram_words": Option(
            Annotated[int, AtLeast(1)], hygiene.DEFAULT_NGRAM_WORDS, "words per shared passage"
        ),
        "min_item_words": Option(
            Annotated[int, AtLeast(1)],
            hygiene.DEFAULT_MIN_ITEM_WORDS,
            "least words of an eval string counted whole",
        ),
    }

    def check(self, example: Any, ctx: RuleContext) -> Iterator[Problem]:
        paths = ctx.settings.get(SETTING)
        if not paths:
            return
        from tunelint.hygiene.contamination import cached_index  # numpy: only when asked for

        index = cached_index(
            list(paths), int(ctx.options["ngram_words"]), int(ctx.options["min_item_words"])
        )
        found = index.find(example)
        if found is not None:
            more = f" and {found.other_items} more eval item(s)" if found.other_items else ""
            yield Problem(
                found.path,
                f"shares a passage with eval item {found.eval_file}:{found.eval_line}{more}",
                span=(found.start, found.length),
            )
