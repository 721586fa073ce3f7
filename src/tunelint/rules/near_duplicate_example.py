from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

from tunelint import hygiene
from tunelint.diagnostics import Level, Problem
from tunelint.fingerprint import example_digest
from tunelint.rules.base import DatasetRule, Option, RuleContext
from tunelint.schema import AtLeast, AtMost

if TYPE_CHECKING:
    from tunelint.hygiene.minhash import Sketches


class NearDuplicateExample(DatasetRule):
    """
    ## What it does
    Reports an example whose text is almost the same as an earlier one's in the same file, at
    the later line, naming the earlier line and the estimated similarity: "near-duplicate of
    line 12 (~0.91)". The text is the example's own strings (system prompts, tool
    definitions and role names left out, as templated datasets repeat them in every line),
    lower-cased and cut into words; two examples are compared by the Jaccard similarity of
    their sets of `shingle_words`-word shingles, estimated by MinHash (128 hash functions)
    and found by LSH banding, so the cost stays linear in the file. Exact duplicates are left
    to `duplicate_example`.

    Off by default: on a 20 MB chat file it adds about as much CPU time as the rest of
    `check` (benchmarks/hygiene.py). Turn it on with `rules: {near_duplicate_example:
    warning}`. Memory: 528 bytes per example with text (its 128-value signature, line and
    digest). Needs numpy (`pip install 'tunelint[hygiene]'`); without it, one finding at
    line 1 says so.

    ## Why is this bad?
    Near-copies (the same answer with a typo fixed, a name changed, a template filled twice)
    weigh more in training than the other examples, like exact duplicates, and across a
    train/validation split they make the validation loss look better than it is.

    ## Example
    Line 2 is line 1 with one word changed:
    ```yaml
    # .tunelint.yaml
    rules:
      near_duplicate_example: warning
    ```
    ```json
    {"messages": [{"role": "user", "content": "the warehouse ships every order placed before noon on the same day and sends a tracking number by email once the parcel leaves the building so customers can follow it until it reaches their door this week"}, {"role": "assistant", "content": "Noted."}]}
    {"messages": [{"role": "user", "content": "the warehouse ships every order placed before noon on the same day and sends a tracking number by email once the parcel leaves the building so customers can follow it until it reaches their door this month"}, {"role": "assistant", "content": "Noted."}]}
    ```

    ## Use instead
    Keep one of each near-duplicate group; or lower `threshold` to see looser matches.
    ```json
    {"messages": [{"role": "user", "content": "the warehouse ships every order placed before noon on the same day and sends a tracking number by email once the parcel leaves the building so customers can follow it until it reaches their door this week"}, {"role": "assistant", "content": "Noted."}]}
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ```
    """

    id = "near_duplicate_example"
    level = Level.OFF
    summary = "An example is nearly identical to an earlier one (MinHash over word shingles)."
    applies_to = ("*",)
    options = {
        "threshold": Option(
            Annotated[float, AtLeast(0), AtMost(1)],
            0.85,
            "least estimated Jaccard similarity reported (0-1)",
        ),
        "shingle_words": Option(Annotated[int, AtLeast(1)], 5, "words per shingle"),
    }

    def start(self, ctx: RuleContext) -> Sketches | None:
        """The file's signatures; None without numpy (``finish`` then says so)."""
        if not hygiene.numpy_available():
            return None
        from tunelint.hygiene.minhash import Sketches

        return Sketches()

    def add(
        self, state: Sketches | None, example: Any, line: int, ctx: RuleContext
    ) -> Sketches | None:
        if state is not None:
            from tunelint.hygiene.minhash import example_signature

            found = example_signature(example, ctx.options["shingle_words"])
            if found is not None:
                state.add(line, int.from_bytes(example_digest(example)[:8], "big"), found)
        return state

    def merge(self, first: Sketches | None, second: Sketches | None) -> Sketches | None:
        if first is None or second is None:
            return None
        merged = type(first)()
        merged.extend(first)
        merged.extend(second)
        return merged

    def finish(self, state: Sketches | None, ctx: RuleContext) -> Iterator[Problem]:
        if state is None:
            yield Problem((), f"near_duplicate_example {hygiene.NUMPY_MISSING}", line=1)
            return
        from tunelint.hygiene.minhash import near_duplicates

        threshold = min(max(float(ctx.options["threshold"]), 0.01), 1.0)
        for line, earlier, estimate in near_duplicates(state, threshold):
            yield Problem((), f"near-duplicate of line {earlier} (~{estimate:.2f})", line=line)
