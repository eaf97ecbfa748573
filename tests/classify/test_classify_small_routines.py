"""A small routine's likeness is no copy on its own (codematch.slight): a kernel of ten
statements written again from the textbook matches a vendor's kernel in part, and a notice is
judged only on copied code that says whose it is (judged._enough).  A stranger's review found a
from-scratch Triton RMSNorm kernel rated a high core-architecture copy of a vendor's, and a
one-call constructor lifting a replaced notice to high.  Every fixture here is our own code."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage.index.embedded import EmbeddedIndex
from lineage.models import ScanResult
from tests.dir_index import dir_index, scan_text

SPDX = "# SPDX-License-Identifier: Apache-2.0"
RANK = {"info": 0, "low": 1, "medium": 2, "high": 3}

# the vendor's kernel: a scaled RMS norm over strided rows, the gain offset by one (tutorial names)
VENDOR_KERNEL = '''
@triton.jit
def _offset_rms_norm_kernel(x_ptr, w_ptr, out_ptr, stride_row, stride_col, n_cols, eps, BLOCK_SIZE: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK_SIZE)
    mask = cols < n_cols
    x = tl.load(x_ptr + row * stride_row + cols * stride_col, mask=mask, other=0.0).to(tl.float32)
    var = tl.sum(x * x, axis=0) / n_cols
    rstd = 1.0 / tl.sqrt(var + eps)
    w = tl.load(w_ptr + cols, mask=mask, other=0.0).to(tl.float32)
    out = x * rstd * (1.0 + w)
    tl.store(out_ptr + row * stride_row + cols * stride_col, out.to(out_ptr.dtype.element_ty), mask=mask)
'''

# the same algorithm written again as any tutorial writes it: contiguous rows, a plain gain
FRESH_KERNEL = '''
@triton.jit
def rms_norm_kernel(x_ptr, w_ptr, y_ptr, stride, n_cols, eps, BLOCK_SIZE: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK_SIZE)
    mask = cols < n_cols
    x = tl.load(x_ptr + row * stride + cols, mask=mask, other=0.0).to(tl.float32)
    var = tl.sum(x * x, axis=0) / n_cols
    rstd = 1.0 / tl.sqrt(var + eps)
    w = tl.load(w_ptr + cols, mask=mask, other=0.0)
    y = x * rstd * w
    tl.store(y_ptr + row * stride + cols, y.to(y_ptr.dtype.element_ty), mask=mask)
'''

# a one-call constructor: a patch embedding's convolution, over twenty lines
VENDOR_PATCH = '''
class PatchEmbedding(nn.Module):
    def __init__(
        self,
        kernel_size=(16, 16),
        stride=(16, 16),
        padding=(0, 0),
        in_chans=3,
        embed_dim=768,
    ):
        # one convolution whose stride is its kernel: the image cut into patches, each
        # projected to the embedding width; the channels are moved last by forward, as the
        # windowed blocks after it read them (a layout of
        # batch, height, width, channels)
        super().__init__()
        self.proj = nn.Conv2d(
            in_chans,
            embed_dim,
            kernel_size=kernel_size,
            stride=stride,
            padding=padding,
        )

    def forward(self, x):
        return self.proj(x).permute(0, 2, 3, 1)
'''


# a formula of a few statements: a clamped, interleaved gated activation (its own names)
VENDOR_GATE = '''

def _interleaved_clamped_glu(gate_up, alpha, limit):
    gate, linear = gate_up[..., ::2], gate_up[..., 1::2]
    gate = gate.clamp(min=None, max=limit)
    linear = linear.clamp(min=-limit, max=limit)
    glu_out = gate * torch.sigmoid(gate * alpha)
    return (linear + 1) * glu_out
'''

# the same formula as anyone implementing that activation writes it, in its usual names
FRESH_GATE = '''

def clamped_swiglu(gate_up, alpha, limit):
    gate, up = gate_up[..., ::2], gate_up[..., 1::2]
    gate = gate.clamp(min=None, max=limit)
    up = up.clamp(min=-limit, max=limit)
    glu = gate * torch.sigmoid(gate * alpha)
    return (up + 1) * glu
'''


def _vendor_file(i: int) -> str:
    """A vendor's ops file: its kernel, its patch embedding, and code of its own."""
    own = "".join(f"\n\ndef _table_{i}_{k}(n):\n    return [n * {k + i} + j for j in range({k + 3})]\n" for k in range(4))
    return (f"# Copyright 2025 Vendor {i} Ltd.\n{SPDX}\n\nimport torch\nimport triton\nimport triton.language as tl\n"
            f"from torch import nn\n\n{VENDOR_KERNEL}\n\n{VENDOR_PATCH}\n{VENDOR_GATE}\n{own}")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("small-ref")
    lines = ["[source]", 'name = "ops"', 'kind = "dir"', f'path = "{root.as_posix()}"', 'licence = "Apache-2.0"', ""]
    (root / "vendor").mkdir()
    (root / "vendor" / "ops.py").write_text(_vendor_file(0), encoding="utf-8")
    lines += ["[[family]]", 'name = "vendor"', 'include = ["vendor/*.py"]', 'org = "Zhipu AI"',
              'first_seen = "2025-06-01"', ""]
    for i in range(1, 6):  # other vendors, other code: rarity has a corpus to count in
        (root / f"other_{i}").mkdir()
        text = f"# Copyright 2025 Other {i}\n{SPDX}\n\n\n" + "".join(
            f"def _other_{i}_{k}(a, b):\n    c = a * {k} - b\n    return [c + j for j in range({i + k})]\n\n\n"
            for k in range(6))
        (root / f"other_{i}" / "model.py").write_text(text, encoding="utf-8")
        lines += ["[[family]]", f'name = "other_{i}"', f'include = ["other_{i}/*.py"]', 'org = "Meta"',
                  f'first_seen = "2024-0{i}-01"', ""]
    out = dir_index(tmp_path_factory, "small", lines)
    return out


@pytest.fixture(scope="module")
def index(built: Path) -> EmbeddedIndex:
    from lineage import api

    return api.open_index(built)


def _scan(index: EmbeddedIndex, text: str, path: str = "mine/kernels.py") -> ScanResult:
    return scan_text(index, path, text)


def _code(result: ScanResult, unit: str) -> list[tuple[str, float, int]]:
    return [(f.severity, f.matches[0].similarity, f.matches[0].shared)
            for f in result.findings if f.kind == "code-match" and f.unit == unit]


HEAD = "# Copyright 2026 Example Robotics Ltd.\n# SPDX-License-Identifier: MIT\n\nimport triton\nimport triton.language as tl\n"


def test_a_kernel_written_again_from_the_textbook_is_low(index: EmbeddedIndex) -> None:
    """The same RMS norm written anew resembles the vendor's kernel in part: low, no licence or
    notice finding above low, no copy verdict; the vendor's kernel copied with its names stays
    a copy."""
    fresh = _scan(index, HEAD + FRESH_KERNEL)
    found = _code(fresh, "rms_norm_kernel")
    assert found and all(sev == "low" for sev, _, _ in found), found
    assert "written the same way anew" in next(f.explanation for f in fresh.findings if f.unit == "rms_norm_kernel")
    assert not [f for f in fresh.findings if RANK[f.severity] >= RANK["medium"]]
    assert "copy of" not in fresh.summary.files["mine/kernels.py"].verdict
    copied = _scan(index, HEAD + VENDOR_KERNEL)
    assert [sev for sev, _, _ in _code(copied, "_offset_rms_norm_kernel")] in (["high"], ["medium"])
    # the vendor's kernel copied with its names, lines inserted (its structure under 0.8): a copy still
    edited = VENDOR_KERNEL.replace("    var = tl.sum", "    tl.debug_barrier()\n    var = tl.sum").replace(
        "    w = tl.load", "    tl.debug_barrier()\n    w = tl.load").replace("    tl.store", "    tl.debug_barrier()\n    tl.store")
    inserted = _code(_scan(index, HEAD + edited), "_offset_rms_norm_kernel")
    assert inserted and inserted[0][1] < 0.8 and inserted[0][0] in ("high", "medium"), inserted


def test_a_one_call_constructor_under_another_notice_judges_no_notice(index: EmbeddedIndex) -> None:
    """A file sharing only the patch embedding's one-call constructor, a few names changed
    (under its own maker's notice), owes the vendor no notice on that evidence: nothing above low.  The vendor's whole
    file under that notice is a replaced notice."""
    own = "\n\ndef window_split(x, size):\n    b, h, w, c = x.shape\n    return x.view(b, h // size, size, w // size, size, c)\n"
    mine = VENDOR_PATCH.replace("in_chans", "in_channels").replace("embed_dim", "dim")
    text = "# Copyright (c) Example Platforms, Inc. and affiliates.\n\nimport torch\nfrom torch import nn\n" + \
        mine + own
    result = _scan(index, text, "mine/backbone.py")
    assert _code(result, "PatchEmbedding.__init__"), [f.unit for f in result.findings]
    assert not [f for f in result.findings if RANK[f.severity] >= RANK["medium"]], \
        [(f.kind, f.unit, f.severity) for f in result.findings]
    whole = _scan(index, _vendor_file(0).replace("# Copyright 2025 Vendor 0 Ltd.", "# Copyright 2026 Example Inc."),
                  "mine/ops.py")
    assert any(f.kind == "notice" and f.attribution == "replaced" and RANK[f.severity] >= RANK["medium"]
               for f in whole.findings)


def test_the_scan_gate_passes_a_kernel_written_again(built: Path, tmp_path: Path) -> None:
    """What the hook and `scan` exit on: a fresh kernel passes, the copied kernel fails."""
    from click.testing import CliRunner

    from lineage.cli.main import cli

    for name, kernel in (("fresh", FRESH_KERNEL), ("copy", VENDOR_KERNEL)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "kernels.py").write_text(HEAD + kernel, encoding="utf-8")
    fresh = CliRunner().invoke(cli, ["scan", str(tmp_path / "fresh"), "--index", str(built)])
    copy = CliRunner().invoke(cli, ["scan", str(tmp_path / "copy"), "--index", str(built)])
    assert fresh.exit_code == 0, fresh.output
    assert copy.exit_code == 1, copy.output


def test_a_formula_written_with_other_names_is_low(index: EmbeddedIndex) -> None:
    """A formula of a few statements, the vendor's very structure under other names: what every
    implementation of that activation writes, low and no copy; with the vendor's names kept it is
    a copy (auto-round's GPT-OSS gate read as a high copy of MiniMax's, names changed)."""
    head = "# Copyright 2026 Example Robotics Ltd.\n\nimport torch\n"
    fresh = _scan(index, head + FRESH_GATE, "mine/act.py")
    found = _code(fresh, "clamped_swiglu")
    assert found and found[0][1] >= 0.8 and all(sev == "low" for sev, _, _ in found), found
    said = next(f.explanation for f in fresh.findings if f.unit == "clamped_swiglu")
    assert "a formula of a few statements, names not kept" in said and "written the same way anew" in said
    assert not [f for f in fresh.findings if RANK[f.severity] >= RANK["medium"]]
    kept = _code(_scan(index, head + VENDOR_GATE, "mine/act.py"), "_interleaved_clamped_glu")
    assert kept and kept[0][0] in ("medium", "high"), kept
