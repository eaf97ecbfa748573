"""Additions of the "gate" line (a sibling): a gated residual mixer, written for lineage's tests."""


class BaseGatedMixer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.conv = nn.Conv1d(cfg.width, cfg.width, kernel_size=cfg.kernel, groups=cfg.width, padding=cfg.kernel - 1)
        self.in_proj = nn.Linear(cfg.width, 3 * cfg.width, bias=False)
        self.out_proj = nn.Linear(cfg.width, cfg.width, bias=False)

    def forward(self, x):
        b, t, w = x.shape
        value, gate, skip = self.in_proj(x).chunk(3, dim=-1)
        mixed = self.conv(value.transpose(1, 2))[..., :t].transpose(1, 2)
        mixed = mixed * torch.sigmoid(gate) + skip * torch.tanh(gate)
        return self.out_proj(nn.functional.gelu(mixed))


def base_gate_schedule(step, warmup, total, floor=0.1):
    if step < warmup:
        return step / max(1, warmup)
    progress = (step - warmup) / max(1, total - warmup)
    return floor + (1.0 - floor) * 0.5 * (1.0 + math.cos(math.pi * progress))
