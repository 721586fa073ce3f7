from tunelint.positions import locate

LINE = '{"a": [1, {"b": "x,]}"}, [2]], "c": {"d": null}, "a2": "z"}'


def span(path, on_key=False):
    found = locate(LINE, path, on_key)
    return LINE[found[0] - 1 : found[1]] if found else None


def test_values_and_keys():
    assert span(("a", 1, "b")) == '"x,]}"'
    assert span(("a", 2)) == "[2]"
    assert span(("c", "d")) == "null"
    assert span(("c", "d"), on_key=True) == '"d"'
    assert span(()) == LINE


def test_missing_paths_give_none():
    assert span(("a", 5)) is None
    assert span(("nope",)) is None
    assert span(("a", "b")) is None


def test_duplicate_keys_point_at_the_last_like_json_loads():
    line = '{"k": 1, "k": 2}'
    assert locate(line, ("k",)) == (15, 15)


def test_deep_nesting_is_linear_and_does_not_recurse():
    deep = "[" * 100_000 + "]" * 100_000
    assert locate(deep, (0,) * 3) == (4, 200_000 - 3)
