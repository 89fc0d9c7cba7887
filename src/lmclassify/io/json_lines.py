"""JSON documents that stay on one line for every line splitter.

``json.dumps(..., ensure_ascii=False)`` leaves U+0085 (next line), U+2028 and U+2029 (line and paragraph
separators) as they are, and Python's ``str.splitlines`` (like many JSON-lines readers) breaks a line at each of
them. :func:`json_line` writes them as escapes instead; what a JSON parser reads back is unchanged.

>>> json_line({"text": "a\\u2028b"})
'{"text": "a\\\\u2028b"}'
>>> len(json_line({"text": "x\\x85y"}).splitlines())
1
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_LINE_BREAKERS = str.maketrans({"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_line(value: Any, default: Callable[[Any], Any] | None = None) -> str:
    """``value`` as JSON on one line: non-ASCII text kept readable, the three Unicode line breaks escaped."""
    return json.dumps(value, ensure_ascii=False, default=default).translate(_LINE_BREAKERS)
