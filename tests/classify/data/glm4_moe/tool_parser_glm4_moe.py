# lineage test fixture: a simulated notice replaces these two lines at test time
# (this file is lineage's own test code; see tests/fixture_notices.py)
"""The vendor's own tool-call parser for the Zeta chat format (written for lineage's tests).

A call reads ``<tool_call>name`` then ``<arg_key>k</arg_key><arg_value>v</arg_value>``
pairs, then ``</tool_call>``.
"""

from __future__ import annotations

import json
import re


class ZetaToolParser:
    CALL = re.compile(r"<tool_call>(.*?)</tool_call>", re.DOTALL)
    ARG = re.compile(r"<arg_key>(.*?)</arg_key>\s*<arg_value>(.*?)</arg_value>", re.DOTALL)

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.start_token = "<tool_call>"

    def extract_tool_calls(self, text):
        if self.start_token not in text:
            return text, []
        calls = []
        for block in self.CALL.findall(text):
            name, _, rest = block.strip().partition("\n")
            args = {}
            for key, value in self.ARG.findall(rest):
                try:
                    args[key.strip()] = json.loads(value)
                except json.JSONDecodeError:
                    args[key.strip()] = value
            calls.append({"name": name.strip(), "arguments": json.dumps(args, ensure_ascii=False)})
        content = text[: text.index(self.start_token)].rstrip()
        return content, calls
