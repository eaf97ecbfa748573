# lineage test fixture: a simulated notice replaces these two lines at test time
# (this file is lineage's own test code; see tests/fixture_notices.py)
"""Acme's own streaming tool-call parser (original code written for lineage's tests).

Acme models emit ``<|call|>{"name": ..., "args": {...}}<|end|>``; the parser buffers
deltas and yields each complete call once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

OPEN, CLOSE = "<|call|>", "<|end|>"


@dataclass
class ParsedCall:
    name: str
    arguments: dict
    raw: str = ""


@dataclass
class StreamState:
    buffer: str = ""
    emitted: int = 0
    text_parts: list = field(default_factory=list)


class AcmeCallParser:
    def __init__(self, strict=False):
        self.strict = strict
        self.state = StreamState()

    def reset(self):
        self.state = StreamState()

    def feed(self, delta):
        """Add a chunk of model output; return the calls completed by it."""
        st = self.state
        st.buffer += delta
        done = []
        while True:
            start = st.buffer.find(OPEN)
            if start < 0:
                keep = self._partial_marker(st.buffer)
                st.text_parts.append(st.buffer[: len(st.buffer) - keep])
                st.buffer = st.buffer[len(st.buffer) - keep:]
                return done
            st.text_parts.append(st.buffer[:start])
            stop = st.buffer.find(CLOSE, start + len(OPEN))
            if stop < 0:
                st.buffer = st.buffer[start:]
                return done
            payload = st.buffer[start + len(OPEN): stop]
            st.buffer = st.buffer[stop + len(CLOSE):]
            call = self._decode(payload)
            if call is not None:
                st.emitted += 1
                done.append(call)

    @staticmethod
    def _partial_marker(text):
        for size in range(min(len(OPEN) - 1, len(text)), 0, -1):
            if OPEN.startswith(text[-size:]):
                return size
        return 0

    def _decode(self, payload):
        try:
            obj = json.loads(payload)
        except ValueError:
            if self.strict:
                raise
            return None
        if not isinstance(obj, dict) or "name" not in obj:
            return None
        args = obj.get("args") or obj.get("arguments") or {}
        if isinstance(args, str):
            args = json.loads(args) if args.strip().startswith("{") else {"input": args}
        return ParsedCall(str(obj["name"]), dict(args), payload)

    def text(self):
        return "".join(self.state.text_parts)
