"""Where merge tags sit in text: the one pattern the parser, the token pass and the checks share."""

from __future__ import annotations

import re

# `\<<` is the escape for a literal "<<"; it is matched too, so MRML never sees a bare "<".
TAG_RE = re.compile(r"\\<<|<<.{0,2000}?>>|<%.{0,2000}?%>|<#.{0,2000}?#>", re.S)
