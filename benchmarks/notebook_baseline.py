"""The cookbook notebook's approach, re-implemented plainly: the benchmark's baseline.

It loads the whole file with ``json.loads`` per line, runs the notebook's format checks,
encodes every value with tiktoken (assistant content a second time, as the notebook does),
and computes the distributions with numpy. Values that are not strings are encoded as
``str(value)`` so the baseline does not crash on tool calls or weights as the notebook does.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict

import numpy as np

from tunelint.tokens import load_encoding  # the bundled rank files: no network

MAX_TOKENS = 65_536


def format_errors(dataset: list) -> dict[str, int]:
    errors: dict[str, int] = defaultdict(int)
    for ex in dataset:
        if not isinstance(ex, dict):
            errors["data_type"] += 1
            continue
        messages = ex.get("messages", None)
        if not messages:
            errors["missing_messages_list"] += 1
            continue
        for message in messages:
            if "role" not in message or "content" not in message:
                errors["message_missing_key"] += 1
            if any(
                k not in ("role", "content", "name", "function_call", "weight") for k in message
            ):
                errors["message_unrecognized_key"] += 1
            if message.get("role", None) not in ("system", "user", "assistant", "function"):
                errors["unrecognized_role"] += 1
            content = message.get("content", None)
            function_call = message.get("function_call", None)
            if (not content and not function_call) or not isinstance(content, str):
                errors["missing_content"] += 1
        if not any(message.get("role", None) == "assistant" for message in messages):
            errors["example_missing_assistant_message"] += 1
    return dict(errors)


def num_tokens_from_messages(encoding, messages: list) -> int:
    tokens = 0
    for message in messages:
        tokens += 3
        for key, value in message.items():
            tokens += len(encoding.encode(value if isinstance(value, str) else str(value)))
            if key == "name":
                tokens += 1
    return tokens + 3


def num_assistant_tokens_from_messages(encoding, messages: list) -> int:
    return sum(
        len(encoding.encode(m["content"]))
        for m in messages
        if m.get("role") == "assistant" and isinstance(m.get("content"), str)
    )


def distribution(values: list) -> dict[str, float]:
    return {
        "min": float(np.min(values)),
        "max": float(np.max(values)),
        "mean": float(np.mean(values)),
        "median": float(np.median(values)),
        "p10": float(np.quantile(values, 0.1)),
        "p90": float(np.quantile(values, 0.9)),
    }


def main(path: str, encoding_name: str = "o200k_base") -> dict:
    with open(path, encoding="utf-8") as f:
        dataset = [json.loads(line) for line in f]
    errors = format_errors(dataset)
    encoding = load_encoding(encoding_name)
    lengths, assistant_lengths, message_counts = [], [], []
    for ex in dataset:
        messages = ex["messages"]
        message_counts.append(len(messages))
        lengths.append(num_tokens_from_messages(encoding, messages))
        assistant_lengths.append(num_assistant_tokens_from_messages(encoding, messages))
    billing = sum(min(MAX_TOKENS, n) for n in lengths)
    return {
        "errors": errors,
        "examples": len(dataset),
        "tokens": distribution(lengths),
        "assistant_tokens": distribution(assistant_lengths),
        "messages": distribution(message_counts),
        "billing_tokens": billing,
    }


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:])))
