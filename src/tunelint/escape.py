"""One escaping step per kind of output, so data and file names are never output syntax.

* ``terminal``: text for a terminal or a CI log. Control characters (C0 but tab, DEL, C1),
  invisible and bidirectional format characters, line and paragraph separators and lone
  surrogates are shown as ``\\x1b``, ``\\u202e``, ...; a CI log command in the data (a
  leading ``::``, ``##[``, ``##vso[``) is broken so no runner reads it.
* ``workflow_data`` / ``workflow_property``: GitHub workflow commands: ``terminal`` text
  (no CR or LF left) escaped as GitHub's toolkit does (``%``; and ``:``, ``,`` in properties).
* ``markdown``: text inside Markdown (a job summary, a table cell): every ASCII punctuation
  character is backslash-escaped, so data is never a link, image, HTML, heading or cell break.
* ``html``: text inside HTML.
* ``sarif_text``: a SARIF plain-text message, where ``[text](target)`` is an embedded link.

JSON outputs need no step of their own: ``json.dumps`` escapes every control character, and
with ``ensure_ascii`` (its default) everything else past ASCII. A JSON file written with
``ensure_ascii=False``, for names readable in review (the baseline), takes ``json_visible``.
"""

from __future__ import annotations

import html as _html
import re
import string

_INVISIBLE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f"  # C0 but tab, DEL, C1 (U+0085 NEL, U+009B CSI, ...)
    "\u00ad\u061c\u180e"  # soft hyphen, Arabic letter mark, Mongolian vowel separator
    "\u200b-\u200f"  # zero-width space, joiners, LRM, RLM
    "\u2028-\u202e"  # line and paragraph separators, bidi embeddings and overrides
    "\u2060-\u2064\u2066-\u206f"  # word joiner, invisible operators, bidi isolates
    "\ufeff\ufff9-\ufffb"  # byte-order mark, interlinear annotation
    "\ud800-\udfff"  # lone surrogates (a file name's undecodable bytes)
    "\U000e0000-\U000e007f]"  # tag characters (invisible ASCII look-alikes)
)
_SHORT = {"\n": "\\n", "\r": "\\r"}
_LOG_COMMAND = re.compile(r"##(?=\w*\[)")
"""``##[cmd]`` (GitHub, anywhere in a line), ``##vso[`` (Azure), ``##teamcity[``."""
_MARKDOWN_SPECIAL = re.compile(f"[{re.escape(string.punctuation)}]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON writes a character past the BMP as its UTF-16 surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_visible(dumped: str) -> str:
    """One ``json.dumps(..., ensure_ascii=False)`` value with every character ``terminal``
    shows escaped written as a JSON ``\\u`` escape: the same value, with no bidi override or
    C1 control raw in a reviewed file or on a terminal, and no lone surrogate (which UTF-8
    cannot hold) to make writing it fail."""
    return _INVISIBLE.sub(_json_escape, dumped)


def terminal(text: str) -> str:
    """``text`` safe on a terminal and in a CI log: one line, nothing invisible, no command."""
    text = _LOG_COMMAND.sub("#\\\\x23", _INVISIBLE.sub(_visible, text))
    stripped = text.lstrip()
    if stripped.startswith("::"):  # runners read a line starting with `::` as a command
        text = text[: len(text) - len(stripped)] + "\\x3a" + stripped[1:]
    return text


def workflow_data(text: str) -> str:
    """A workflow command's message: ``terminal`` text with ``%`` escaped as the toolkit does.

    ``terminal`` already shows CR and LF as ``\\r`` and ``\\n``, so the message stays on the
    command's line and GitHub shows exactly those characters.
    """
    return terminal(text).replace("%", "%25")


def workflow_property(text: str) -> str:
    """A workflow command's property value (``file=``, ``title=``): ``terminal`` text with
    ``%``, ``:`` and ``,`` escaped as GitHub's toolkit does. (A file name holding control
    characters is then shown, not matched: the price of never printing them raw.)"""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")


def _markdown_literal(match: re.Match[str]) -> str:
    char = match.group()
    return "`@`" if char == "@" else "\\" + char


def markdown(text: str) -> str:
    """``text`` as literal Markdown text, also inside a table cell: one line (``terminal``),
    every ASCII punctuation character backslash-escaped (CommonMark renders each literally),
    so no link, image, autolink, HTML, emphasis, heading or ``|`` cell break comes from it.
    ``@`` goes in a code span: GitHub links an e-mail address even with its ``@`` escaped,
    and reads ``@name`` as a mention."""
    return _MARKDOWN_SPECIAL.sub(_markdown_literal, terminal(text))


def html(text: str) -> str:
    """``text`` as literal HTML text or attribute value: one line (``terminal``), escaped."""
    return _html.escape(terminal(text), quote=True)


def sarif_text(text: str) -> str:
    """A SARIF message's text with ``\\``, ``[`` and ``]`` backslash-escaped, as SARIF 2.1.0
    (3.11.6) asks for literal brackets, so no ``[text](target)`` in it is an embedded link."""
    return re.sub(r"([\\\[\]])", r"\\\1", text)
