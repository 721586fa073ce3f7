"""``--format github``: escaped workflow commands, changed lines first, the per-step cap."""

import io

from tunelint.diagnostics import Diagnostic, Level
from tunelint.escape import workflow_data, workflow_property
from tunelint.gitdiff import ChangedLines
from tunelint.report.github_format import Formatter
from tunelint.results import FileResult


def test_escaping_of_message_and_properties():
    assert workflow_data("100% done\r\nnext: a, b") == "100%25 done\\r\\nnext: a, b"
    assert workflow_property("a:b,c%\n") == "a%3Ab%2Cc%25\\n"


def render(diagnostics, changed=None) -> list[str]:
    out = io.StringIO()
    formatter = Formatter(out, changed=changed)
    result = FileResult("d.jsonl", diagnostics=diagnostics, lines=len(diagnostics))
    formatter.add(result)
    formatter.end([result])
    return out.getvalue().splitlines()


def test_one_command_per_finding_with_position_and_title():
    d = Diagnostic("dir,1/a:b.jsonl", 3, 7, "missing_content", Level.ERROR, "empty\n%", "x", 9)
    assert render([d])[0] == (
        "::error file=dir%2C1/a%3Ab.jsonl,line=3,endLine=3,col=7,endColumn=9,"
        "title=missing_content::empty\\n%25 [x]"
    )


def test_cap_of_ten_per_level_changed_lines_first_and_a_notice_of_the_rest(tmp_path):
    path = str(tmp_path / "d.jsonl")
    errors = [
        Diagnostic(path, line, 1, "invalid_json", Level.ERROR, "bad") for line in range(1, 16)
    ]
    warnings = [Diagnostic(path, 20, 1, "blank_line", Level.WARNING, "blank")]
    changed = ChangedLines({path: [(14, 15)]})
    lines = render(errors + warnings, changed)
    annotated = [line for line in lines if line.startswith(("::error", "::warning"))]
    assert len(annotated) == 11
    assert [a.split("line=")[1].split(",")[0] for a in annotated[:3]] == ["14", "15", "1"]
    assert annotated[-1].startswith("::warning")
    plain = [line for line in lines if line.startswith(path)]
    assert [p.split(":")[1] for p in plain] == ["9", "10", "11", "12", "13"]
    assert lines[-2].startswith("Checked 1 file")
    assert lines[-1] == (
        "::notice title=tunelint::5 findings not annotated (5 errors, 0 warnings): GitHub shows "
        "10 errors and 10 warnings per step; they are listed in the log"
    )
