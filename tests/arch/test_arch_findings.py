"""A scanned file's fingerprint: read from its interface alone, the same as from the whole file."""

from __future__ import annotations

import gc

from lineage.pipeline.match import fingerprint_files
from lineage.arch.extract import arch_print, read_print
from lineage.arch.findings import _file_print, interface_only
from lineage.arch.walk import collector_paused
from lineage.config import Config
from lineage.models import SourceFile
from tests.arch.models import ALPHA, GAMMA, port

BODY = "".join(f"        x{i} = self.model.layers[{i}].mlp(x{i - 1 if i else ''} * {i})\n" for i in range(6))
EXTRA = ("\n\nclass Helpers:\n    @property\n    def layers(self, x):\n" + BODY + "        return x5\n\n"
         "    @staticmethod\n    def shape(self, x):\n" + BODY + "        return x.reshape(-1, 'model.layers.0.q_proj')\n\n"
         "    @torch.no_grad()\n    def load_weights(self, weights):\n" + BODY
         + "        return {'model.layers.0.self_attn.rotary_emb.inv_freq': None}\n")


def test_what_is_blanked_out_is_what_the_fingerprint_never_reads() -> None:
    for text in (port(ALPHA) + EXTRA, port(GAMMA, tag="Other") + EXTRA):
        cf = fingerprint_files([SourceFile("m/model.py", text.encode())], Config(workers=1))[0]
        spans = [(u.qualname.rpartition(".")[2], u.start_line, u.end_line) for u in cf.units
                 if u.kind in ("function", "method")]
        trimmed = interface_only(text, spans)
        assert trimmed.count("\n") == text.count("\n")  # line numbers kept
        assert "def layers" not in trimmed and "@property" not in trimmed  # decorated: with its decorator
        assert "def shape" not in trimmed and "def load_weights" in trimmed and "@torch.no_grad()" in trimmed
        assert read_print(trimmed) == arch_print(text) == _file_print(cf)


def test_a_text_that_does_not_parse_has_no_fingerprint() -> None:
    assert read_print("def broken(:\n") is None and not arch_print("def broken(:\n")
    empty = read_print("import os\n")
    assert empty is not None and not empty  # parsed, nothing of an interface


def test_the_collector_is_left_as_it_was_found() -> None:
    was = gc.isenabled()
    try:
        for state in (True, False):
            (gc.enable if state else gc.disable)()
            with collector_paused():
                assert not gc.isenabled()
            assert gc.isenabled() is state
    finally:
        (gc.enable if was else gc.disable)()
