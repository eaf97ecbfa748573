"""Additions of the "router" line (the parent): mixture-of-experts routing, written for lineage's tests."""


class BaseRouter(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.top_k = cfg.top_k
        self.experts = cfg.experts
        self.weight = nn.Parameter(torch.empty(cfg.experts, cfg.width))
        self.bias_correction = nn.Parameter(torch.zeros(cfg.experts), requires_grad=False)

    def forward(self, x):
        logits = nn.functional.linear(x.float(), self.weight.float())
        scores = logits.sigmoid()
        chosen = torch.topk(scores + self.bias_correction, self.top_k, dim=-1).indices
        weights = scores.gather(-1, chosen)
        weights = weights / (weights.sum(dim=-1, keepdim=True) + 1e-20)
        return chosen, weights.to(x.dtype)


class BaseExperts(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.gate_up = nn.Parameter(torch.empty(cfg.experts, 2 * cfg.expert_hidden, cfg.width))
        self.down = nn.Parameter(torch.empty(cfg.experts, cfg.width, cfg.expert_hidden))

    def forward(self, x, chosen, weights):
        out = torch.zeros_like(x)
        for slot in range(chosen.shape[-1]):
            for expert in chosen[:, slot].unique().tolist():
                rows = (chosen[:, slot] == expert).nonzero(as_tuple=True)[0]
                gate, up = nn.functional.linear(x[rows], self.gate_up[expert]).chunk(2, dim=-1)
                hidden = nn.functional.silu(gate) * up
                out[rows] += weights[rows, slot, None] * nn.functional.linear(hidden, self.down[expert])
        return out


class BaseSparseBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.router = BaseRouter(cfg)
        self.experts = BaseExperts(cfg)
        self.shared = BaseMLP(cfg.width, cfg.expert_hidden * cfg.shared_experts)

    def forward(self, x):
        b, t, w = x.shape
        flat = x.reshape(-1, w)
        chosen, weights = self.router(flat)
        routed = self.experts(flat, chosen, weights)
        return (routed + self.shared(flat)).reshape(b, t, w)
