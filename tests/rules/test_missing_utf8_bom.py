from tests.conftest import assistant, chat, found, user

AZURE = {"profile": "azure-openai"}
LINE = chat(user(), assistant())


def test_missing_bom_at_azure():
    ((where, column, path, message),) = found(LINE, rule="missing_utf8_bom", config=AZURE)
    assert (where, column, path) == (1, 1, "")
    assert message.startswith("file does not start with a UTF-8 byte-order mark (Azure OpenAI:")


def test_bom_passes_at_azure():
    assert found(b"\xef\xbb\xbf" + LINE.encode(), rule="missing_utf8_bom", config=AZURE) == []
