"""Generate a realistic chat fine-tuning file of a given size, deterministically.

Real datasets share a few system prompts across thousands of examples, hold multi-turn
conversations, mix languages and code, and often carry tool calls; so does this file.
"""

from __future__ import annotations

import argparse
import json
import random

ENGLISH = [
    "the",
    "order",
    "customer",
    "account",
    "refund",
    "shipping",
    "delivery",
    "address",
    "payment",
    "invoice",
    "product",
    "please",
    "could",
    "you",
    "help",
    "me",
    "with",
    "my",
    "question",
    "about",
    "how",
    "why",
    "when",
    "where",
    "which",
    "thanks",
    "available",
    "inventory",
    "warehouse",
    "return",
    "exchange",
    "policy",
    "warranty",
    "discount",
    "coupon",
    "price",
    "model",
    "training",
    "data",
    "example",
    "token",
    "budget",
    "evaluation",
    "result",
    "summary",
    "report",
    "update",
]
KOREAN = [
    "안녕하세요",
    "주문",
    "배송",
    "환불",
    "고객",
    "계정",
    "주소",
    "결제",
    "제품",
    "문의",
    "감사합니다",
    "확인",
    "교환",
    "반품",
    "정책",
    "할인",
    "쿠폰",
    "가격",
    "모델",
    "학습",
    "데이터",
    "예시",
    "평가",
    "결과",
    "요약",
]
CODE = [
    "def total(items):\n    return sum(i.price * i.qty for i in items)\n",
    "SELECT id, status FROM orders WHERE customer_id = %s ORDER BY created_at DESC;\n",
    "for (let i = 0; i < xs.length; i++) {\n  acc += xs[i];\n}\n",
    "import json\nwith open(path) as f:\n    data = [json.loads(line) for line in f]\n",
]
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": name,
            "description": f"Look up the {name.split('_')[-1]} for a customer request.",
            "parameters": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "verbose": {"type": "boolean"}},
                "required": ["id"],
            },
        },
    }
    for name in ("get_order", "get_invoice", "get_shipment")
]


def _system_prompts(rng: random.Random) -> list[str]:
    return [
        "# Agent policy\n" + " ".join(rng.choice(ENGLISH) for _ in range(rng.randint(150, 600)))
        for _ in range(8)
    ]


def _text(rng: random.Random, low: int, high: int) -> str:
    kind = rng.random()
    if kind < 0.6:
        words = ENGLISH
    elif kind < 0.85:
        words = KOREAN
    else:
        return rng.choice(CODE) * rng.randint(1, 4)
    return " ".join(rng.choice(words) for _ in range(rng.randint(low, high))).capitalize() + "."


def example(rng: random.Random, systems: list[str], tool_calls: bool) -> dict:
    messages: list[dict] = [{"role": "system", "content": rng.choice(systems)}]
    for turn in range(rng.randint(1, 4)):
        messages.append({"role": "user", "content": _text(rng, 5, 60)})
        if tool_calls and rng.random() < 0.3:
            call_id = f"call_{turn}_{rng.randrange(10**6)}"
            tool = rng.choice(TOOLS)["function"]["name"]
            arguments = json.dumps({"id": str(rng.randrange(10**5))})
            messages.append(
                {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "id": call_id,
                            "type": "function",
                            "function": {"name": tool, "arguments": arguments},
                        }
                    ],
                }
            )
            messages.append({"role": "tool", "tool_call_id": call_id, "content": _text(rng, 5, 30)})
        messages.append({"role": "assistant", "content": _text(rng, 10, 150)})
    line: dict = {"messages": messages}
    if tool_calls:
        line["tools"] = TOOLS
    return line


def generate(path: str, size_bytes: int, seed: int = 1234, tool_calls: bool = True) -> int:
    """Write examples to ``path`` until it holds at least ``size_bytes``; return the count."""
    rng = random.Random(seed)
    systems = _system_prompts(rng)
    written = count = 0
    with open(path, "w", encoding="utf-8") as out:
        while written < size_bytes:
            line = json.dumps(example(rng, systems, tool_calls), ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path")
    parser.add_argument("--mb", type=float, default=20)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--no-tool-calls", action="store_true")
    args = parser.parse_args()
    count = generate(args.path, int(args.mb * 1e6), args.seed, not args.no_tool_calls)
    print(f"{args.path}: {count} examples")


if __name__ == "__main__":
    main()
