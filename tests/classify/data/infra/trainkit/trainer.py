# Copyright 2025 The Trainkit Authors.
# SPDX-License-Identifier: Apache-2.0
"""A small training framework written for lineage's tests: optimiser, schedule, collator,
trainer and launcher.  Reusing such code is tool use, not a copy of a model's design."""

import math
import os

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


class SignMomentumOptimizer(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        if lr <= 0.0:
            raise ValueError(f"invalid learning rate: {lr}")
        defaults = dict(lr=lr, betas=betas, weight_decay=weight_decay)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["exp_avg"] = torch.zeros_like(p)
                exp_avg = state["exp_avg"]
                p.mul_(1 - group["lr"] * group["weight_decay"])
                update = exp_avg.mul(beta1).add(p.grad, alpha=1 - beta1)
                p.add_(torch.sign(update), alpha=-group["lr"])
                exp_avg.mul_(beta2).add_(p.grad, alpha=1 - beta2)
        return loss


def cosine_warmup_lr_schedule(step, warmup_steps, total_steps, base_lr, min_ratio=0.1):
    if step < warmup_steps:
        return base_lr * (step + 1) / max(1, warmup_steps)
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    progress = min(1.0, max(0.0, progress))
    cosine = 0.5 * (1.0 + math.cos(math.pi * progress))
    return base_lr * (min_ratio + (1.0 - min_ratio) * cosine)


class PaddedBatchCollator:
    def __init__(self, pad_id, max_length=None, label_pad=-100):
        self.pad_id = pad_id
        self.max_length = max_length
        self.label_pad = label_pad

    def __call__(self, examples):
        longest = max(len(e["input_ids"]) for e in examples)
        if self.max_length is not None:
            longest = min(longest, self.max_length)
        ids = torch.full((len(examples), longest), self.pad_id, dtype=torch.long)
        labels = torch.full((len(examples), longest), self.label_pad, dtype=torch.long)
        mask = torch.zeros((len(examples), longest), dtype=torch.long)
        for row, example in enumerate(examples):
            tokens = example["input_ids"][:longest]
            ids[row, : len(tokens)] = torch.tensor(tokens)
            labels[row, : len(tokens)] = torch.tensor(example.get("labels", tokens)[:longest])
            mask[row, : len(tokens)] = 1
        return {"input_ids": ids, "labels": labels, "attention_mask": mask}


class SimpleTrainer:
    def __init__(self, model, optimizer, loader, total_steps, warmup_steps=100, grad_clip=1.0, log_every=10):
        self.model = model
        self.optimizer = optimizer
        self.loader = loader
        self.total_steps = total_steps
        self.warmup_steps = warmup_steps
        self.grad_clip = grad_clip
        self.log_every = log_every
        self.global_step = 0
        self.history = []

    def train_step(self, batch):
        self.model.train()
        for group in self.optimizer.param_groups:
            group["lr"] = cosine_warmup_lr_schedule(self.global_step, self.warmup_steps, self.total_steps,
                                                    group.get("initial_lr", group["lr"]))
        outputs = self.model(**batch)
        loss = outputs["loss"] if isinstance(outputs, dict) else outputs[0]
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.grad_clip)
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.global_step += 1
        return loss.detach().float().item()

    def train_epoch(self, epoch):
        running = 0.0
        for index, batch in enumerate(self.loader):
            running += self.train_step(batch)
            if (index + 1) % self.log_every == 0:
                self.history.append((epoch, self.global_step, running / self.log_every))
                running = 0.0
            if self.global_step >= self.total_steps:
                break
        return self.history

    def save_checkpoint(self, directory):
        if dist.is_initialized() and dist.get_rank() != 0:
            return None
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, f"step_{self.global_step:08d}.pt")
        state = {"model": self.model.state_dict(), "optimizer": self.optimizer.state_dict(),
                 "step": self.global_step, "history": self.history}
        torch.save(state, path)
        return path


def _worker(rank, world_size, entry, port):
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", str(port))
    dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo", rank=rank, world_size=world_size)
    try:
        if torch.cuda.is_available():
            torch.cuda.set_device(rank % torch.cuda.device_count())
        entry(rank, world_size)
        dist.barrier()
    finally:
        dist.destroy_process_group()


def launch(entry, world_size=None, port=29511):
    world_size = world_size or max(1, torch.cuda.device_count())
    if world_size == 1:
        return entry(0, 1)
    mp.spawn(_worker, args=(world_size, entry, port), nprocs=world_size, join=True)
    return None
