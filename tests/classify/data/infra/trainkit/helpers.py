# Copyright 2025 The Trainkit Authors.
# SPDX-License-Identifier: Apache-2.0
"""Helpers of the test framework whose names and calls say nothing of their role: only the
manifest's `role = "infrastructure"` labels them."""


def round_robin_slice(items, rank, world, block=4, drop_last=False):
    picked = []
    total = len(items)
    usable = total - total % (block * world) if drop_last else total
    start = rank * block
    while start < usable:
        stop = min(start + block, usable)
        for position in range(start, stop):
            picked.append(items[position])
        start += block * world
    if not drop_last and world > 1:
        short = -len(picked) % block
        picked.extend(picked[:short])
    return picked
