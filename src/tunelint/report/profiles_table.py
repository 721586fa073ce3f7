"""``tunelint profiles`` and the README's Profiles table, generated from the profile files."""

from __future__ import annotations

from tunelint.profile import Profile, available_profiles, format_size, load_profile

_TOKENIZERS = {
    "tiktoken": "tiktoken (bundled)",
    "hf-tokenizer-json": "the base model's tokenizer.json",
    "estimate": "none published (estimate)",
}


def _count(number: int, noun: str) -> str:
    """``1 example``, ``3,000 examples``."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def limits_text(profile: Profile) -> str:
    """The profile's published limits in a few words ("-" when it publishes none)."""
    limits, facts = profile.limits, []
    if limits.min_examples is not None:
        facts.append(f"min {_count(limits.min_examples, 'example')}")
    if limits.max_examples is not None:
        facts.append(f"max {_count(limits.max_examples, 'example')}")
    if limits.max_file_bytes is not None:
        facts.append(f"file < {format_size(limits.max_file_bytes)}")
    if limits.requires_bom:
        facts.append("UTF-8 with BOM")
    if limits.reserved_words:
        facts.append(_count(len(limits.reserved_words), "reserved word"))
    turns = {spec.turn_order for spec in profile.formats.values()} - {"any"}
    facts += [order.replace("_", " ") for order in sorted(turns)]
    systems = {s.max_system_messages for s in profile.formats.values()} - {None}
    facts += [f"at most {_count(n, 'system message')}" for n in sorted(systems)]
    return "; ".join(facts) or "-"


def _formats(profile: Profile) -> str:
    return ", ".join(
        spec.title if spec.title == spec.name else f"{spec.name} ({spec.title})"
        for spec in profile.formats.values()
    )


def _rows() -> list[tuple[str, ...]]:
    rows = []
    for name in available_profiles():
        profile = load_profile(name)
        tokenizer = _TOKENIZERS[profile.tokenizer]
        rows.append(
            (
                name,
                profile.title,
                _formats(profile),
                limits_text(profile),
                tokenizer,
                profile.checked,
            )
        )
    return rows


def profiles_markdown() -> str:
    """The README's Profiles table."""
    lines = [
        "| profile | provider | line formats | limits | tokenizer | facts checked |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += [f"| `{r[0]}` | " + " | ".join(r[1:]) + " |" for r in _rows()]
    return "\n".join(lines) + "\n"


def profiles_text() -> str:
    """One block per profile for the terminal."""
    blocks = []
    for name, title, formats, limits, tokenizer, checked in _rows():
        blocks.append(
            f"{name} ({title}, facts checked {checked})\n  formats: {formats}\n"
            f"  limits: {limits}\n  tokenizer: {tokenizer}\n"
        )
    return "\n".join(blocks)
