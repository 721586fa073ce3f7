"""One table of small files across the four line formats: the rule ids and lines each gives."""

import json

import pytest

from conftest import assistant, lint, system, user

S, U, A = system(), user(), assistant()


def line(**example) -> str:
    return json.dumps(example)


def chat(*messages, **top) -> str:
    return line(messages=[S, *messages], **top)


def call(call_id="c1", name="get_weather", arguments='{"city": "Paris"}') -> dict:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def calls(*items, content=None) -> dict:
    return {"role": "assistant", "content": content, "tool_calls": list(items)}


def tool(call_id="c1", content="18C") -> dict:
    return {"role": "tool", "tool_call_id": call_id, "content": content}


TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]


def dpo(messages=None, preferred=None, non_preferred=None, **top) -> str:
    example = {
        "input": {"messages": messages if messages is not None else [S, U]},
        "preferred_output": preferred if preferred is not None else [assistant("Good")],
        "non_preferred_output": non_preferred if non_preferred is not None else [assistant("Bad")],
    }
    return line(**{**example, **top})


def completion(prompt="Capital of France?\n\n###\n\n", text=" Paris") -> str:
    return line(prompt=prompt, completion=text)


def rft(*messages, **top) -> str:
    return line(messages=[{"role": "developer", "content": "Grade me."}, *messages], **top)


def image(url: str) -> dict:
    return {"type": "image_url", "image_url": {"url": url}}


def user_with(*parts) -> dict:
    return {"role": "user", "content": [{"type": "text", "text": "What is this?"}, *parts]}


PNG = "data:image/png;base64,iVBORw0KGgo="
TEN = [chat(user(f"q{n}"), A) for n in range(10)]

CASES = [
    # --- supervised chat ---------------------------------------------------------------
    ("chat_clean", [chat(U, A)], {}, []),
    ("chat_tool_call", [chat(U, calls(call()), tool(), A, tools=TOOLS)], {}, []),
    (
        "chat_parallel_tool_calls",
        [chat(U, calls(call("a"), call("b")), tool("a"), tool("b"), A, tools=TOOLS)],
        {},
        [],
    ),
    ("chat_call_ends_example", [chat(U, calls(call()), tools=TOOLS)], {}, []),
    (
        "chat_tool_answers_unknown_id",
        [chat(U, calls(call("a")), tool("a"), tool("zzz"), A)],
        {},
        [(1, "unknown_tool_call_id")],
    ),
    (
        "chat_tool_before_any_call",
        [chat(U, tool("a"), A)],
        {},
        [(1, "unknown_tool_call_id")],
    ),
    (
        "chat_arguments_as_object",
        [chat(U, calls(call(arguments={"city": "Paris"})), tool(), A)],
        {},
        [(1, "tool_call_arguments")],
    ),
    (
        "chat_arguments_not_json",
        [chat(U, calls(call(arguments="{city: Paris")), tool(), A)],
        {},
        [(1, "tool_call_arguments")],
    ),
    (
        "chat_arguments_json_list",
        [chat(U, calls(call(arguments="[1, 2]")), tool(), A)],
        {},
        [(1, "tool_call_arguments")],
    ),
    (
        "chat_unanswered_parallel_call",
        [chat(U, calls(call("a"), call("b")), tool("a"), A)],
        {},
        [(1, "unanswered_tool_call")],
    ),
    (
        "chat_call_without_id",
        [chat(U, calls({"type": "function", "function": {"name": "f", "arguments": "{}"}}))],
        {},
        [(1, "invalid_tool_call")],
    ),
    (
        "chat_empty_tool_calls",
        [chat(U, calls(content="Let me check."))],
        {},
        [(1, "invalid_tool_call")],
    ),
    (
        "chat_undeclared_function",
        [chat(U, calls(call(name="get_forecast")), tool(), A, tools=TOOLS)],
        {},
        [(1, "undeclared_tool")],
    ),
    (
        "chat_bad_function_name",
        [chat(U, calls(call(name="get weather")), tool(), A)],
        {},
        [(1, "invalid_tool_name")],
    ),
    (
        "chat_parameters_not_object_schema",
        [chat(U, A, tools=[{"type": "function", "function": {"name": "f", "parameters": []}}])],
        {},
        [(1, "invalid_tool_definition")],
    ),
    (
        "chat_tools_not_a_list",
        [chat(U, A, tools={"name": "f"})],
        {},
        [(1, "invalid_tool_definition")],
    ),
    (
        "chat_deprecated_function_call",
        [
            chat(
                U,
                {"role": "assistant", "function_call": {"name": "f", "arguments": "{}"}},
                {"role": "function", "name": "f", "content": "18C"},
                A,
            )
        ],
        {},
        [],
    ),
    ("chat_image_https", [chat(user_with(image("https://example.com/cat.png")), A)], {}, []),
    ("chat_image_data_url", [chat(user_with(image(PNG)), A)], {}, []),
    (
        "chat_image_http",
        [chat(user_with(image("http://example.com/cat.png")), A)],
        {},
        [(1, "invalid_image_url")],
    ),
    (
        "chat_image_gif",
        [chat(user_with(image("data:image/gif;base64,R0lGODlh")), A)],
        {},
        [(1, "invalid_image_url")],
    ),
    (
        "chat_image_bad_base64",
        [chat(user_with(image("data:image/png;base64,%%%")), A)],
        {},
        [(1, "unreadable_image_data")],
    ),
    (
        "chat_eleven_images",
        [chat(user_with(*[image(PNG)] * 11), A)],
        {},
        [(1, "too_many_images")],
    ),
    (
        "chat_image_in_assistant",
        [chat(U, {"role": "assistant", "content": [image(PNG)]})],
        {},
        [(1, "missing_content")],
    ),
    ("chat_weight_zero_and_one", [chat(U, {**A, "weight": 0}, U, {**A, "weight": 1})], {}, []),
    ("chat_weight_half", [chat(U, {**A, "weight": 0.5})], {}, [(1, "invalid_weight")]),
    ("chat_all_weights_zero", [chat(U, {**A, "weight": 0})], {}, [(1, "all_weights_zero")]),
    (
        "chat_weight_on_user",
        [chat({**U, "weight": 1}, A)],
        {},
        [(1, "message_unrecognized_key")],
    ),
    ("chat_two_users_in_a_row", [chat(U, U, A)], {}, [(1, "consecutive_same_role")]),
    ("chat_whitespace_answer", [chat(U, assistant(" \n"))], {}, [(1, "whitespace_only_content")]),
    ("chat_ends_with_user", [chat(U, A, U)], {}, [(1, "ends_with_user_message")]),
    (
        "chat_untrimmed_when_enabled",
        [chat(U, assistant("Hello\n"))],
        {"rules": {"untrimmed_content": "warning"}},
        [(1, "untrimmed_content")],
    ),
    ("chat_untrimmed_off_by_default", [chat(U, assistant("Hello\n"))], {}, []),
    (
        "chat_duplicate_line",
        [chat(U, A), chat(user("other"), A), chat(U, A)],
        {"rules": {"duplicate_example": "warning"}},
        [(3, "duplicate_example")],
    ),
    (
        "chat_duplicate_key_order",
        [chat(U, A), json.dumps({"messages": [S, {"content": "Hi", "role": "user"}, A]})],
        {"rules": {"duplicate_example": "warning"}},
        [(2, "duplicate_example")],
    ),
    ("chat_ten_examples", TEN, {"rules": {"too_few_examples": "error"}}, []),
    (
        "chat_nine_examples",
        TEN[:9],
        {"rules": {"too_few_examples": "error"}},
        [(1, "too_few_examples")],
    ),
    (
        "chat_with_preference_line",
        [chat(U, A), chat(U, A), dpo(), chat(U, A), dpo()],
        {},
        [(3, "mixed_formats")],
    ),
    ("chat_forced_as_preference", [chat(U, A)], {"format": "preference"}, [(1, "mixed_formats")]),
    (
        "chat_unknown_first_line_then_chat",
        [line(conversation=[U]), chat(U, A)],
        {},
        [(1, "missing_messages_list"), (1, "example_unrecognized_key")],
    ),
    # --- preference (DPO) ------------------------------------------------------------
    ("dpo_clean", [dpo()], {}, []),
    ("dpo_with_tools", [dpo([S, U], [calls(call())], [assistant("No idea")], **{})], {}, []),
    (
        "dpo_missing_input",
        [line(preferred_output=[A], non_preferred_output=[assistant("x")])],
        {},
        [(1, "missing_messages_list")],
    ),
    (
        "dpo_input_not_object",
        [line(input=[U], preferred_output=[A], non_preferred_output=[assistant("x")])],
        {},
        [(1, "missing_messages_list")],
    ),
    ("dpo_empty_input_messages", [dpo([])], {}, [(1, "missing_messages_list")]),
    (
        "dpo_missing_non_preferred",
        [line(input={"messages": [S, U]}, preferred_output=[A])],
        {},
        [(1, "invalid_preference_output")],
    ),
    (
        "dpo_two_preferred_messages",
        [dpo(preferred=[A, A])],
        {},
        [(1, "invalid_preference_output")],
    ),
    (
        "dpo_output_from_user",
        [dpo(non_preferred=[U])],
        {},
        [(1, "invalid_preference_output")],
    ),
    ("dpo_output_not_list", [dpo(preferred=A)], {}, [(1, "invalid_preference_output")]),
    ("dpo_empty_preferred_content", [dpo(preferred=[assistant("")])], {}, [(1, "missing_content")]),
    (
        "dpo_bad_role_in_input",
        [dpo([S, {"role": "human", "content": "Hi"}])],
        {},
        [(1, "missing_user_message"), (1, "unrecognized_role")],
    ),
    (
        "dpo_input_ends_with_assistant",
        [dpo([S, U, A])],
        {},
        [(1, "preference_input_ends_with_assistant")],
    ),
    (
        "dpo_identical_outputs",
        [dpo(preferred=[A], non_preferred=[A])],
        {},
        [(1, "identical_preference_outputs")],
    ),
    ("dpo_extra_top_level_key", [dpo(id=7)], {}, [(1, "example_unrecognized_key")]),
    (
        "dpo_extra_key_in_input",
        [
            line(
                input={"messages": [S, U], "meta": 1},
                preferred_output=[A],
                non_preferred_output=[U],
            )
        ],
        {},
        [(1, "example_unrecognized_key"), (1, "invalid_preference_output")],
    ),
    ("dpo_with_chat_line", [dpo(), chat(U, A)], {}, [(2, "mixed_formats")]),
    (
        "dpo_arguments_as_object",
        [dpo(preferred=[calls(call(arguments={"city": "Paris"}))])],
        {},
        [(1, "tool_call_arguments")],
    ),
    # --- legacy completion -------------------------------------------------------------
    (
        "completion_clean",
        [completion(), completion("Capital of Spain?\n\n###\n\n", " Madrid")],
        {},
        [],
    ),
    (
        "completion_missing_completion",
        [line(prompt="Q\n\n###\n\n")],
        {},
        [(1, "completion_missing_key")],
    ),
    ("completion_number", [completion(text=5)], {}, [(1, "completion_missing_key")]),
    ("completion_empty", [completion(text="")], {}, [(1, "empty_completion")]),
    (
        "completion_no_leading_space",
        [completion(text="Paris")],
        {},
        [(1, "completion_without_leading_space")],
    ),
    (
        "completion_no_common_separator",
        [completion("Capital of France?"), completion("Capital of Spain:")],
        {},
        [(1, "prompt_without_separator")],
    ),
    (
        "completion_extra_key",
        [line(prompt="Q?", completion=" A", id=1)],
        {},
        [(1, "example_unrecognized_key")],
    ),
    (
        "completion_with_chat_line",
        [completion(), completion(), chat(U, A)],
        {},
        [(3, "mixed_formats")],
    ),
    # --- reinforcement -------------------------------------------------------------------
    ("rft_clean", [rft(U, reference_answer="42")], {}, []),
    ("rft_extra_keys_without_developer", [line(messages=[U], reference_answer="42")], {}, []),
    ("rft_with_tools", [rft(U, calls(call()), tool(), A, tools=TOOLS)], {}, []),
    (
        "rft_system_role",
        [rft(U), line(messages=[S, U], grade="x")],
        {},
        [(2, "unrecognized_role")],
    ),
    (
        "rft_no_messages",
        [line(messages=[], item="x")],
        {"format": "reinforcement"},
        [(1, "missing_messages_list")],
    ),
    ("rft_empty_user", [rft(user(""))], {}, [(1, "missing_content")]),
    ("rft_developer_in_chat_file", [chat(U, A), rft(U)], {}, [(2, "mixed_formats")]),
]


@pytest.mark.parametrize(
    ("lines", "config", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_formats_table(lines, config, expected):
    result = lint(*lines, config=config)
    assert sorted((d.line, d.rule) for d in result.diagnostics) == sorted(expected)


def test_the_table_covers_four_formats_with_sixty_cases():
    assert len(CASES) >= 60
    assert {case[0].split("_")[0] for case in CASES} == {"chat", "dpo", "completion", "rft"}
