"""A rolling key/value cache for incremental decoding, written for lineage's hostile tests."""

from __future__ import annotations

import math


class RingCache:
    """Keep the last `capacity` key/value rows per layer, overwriting the oldest."""

    def __init__(self, layers, capacity, width):
        self.layers = layers
        self.capacity = capacity
        self.width = width
        self.keys = [[[0.0] * width for _ in range(capacity)] for _ in range(layers)]
        self.values = [[[0.0] * width for _ in range(capacity)] for _ in range(layers)]
        self.cursor = [0] * layers
        self.filled = [0] * layers

    def append(self, layer, key, value):
        if len(key) != self.width or len(value) != self.width:
            raise ValueError(f"rows must have width {self.width}, got {len(key)} and {len(value)}")
        slot = self.cursor[layer] % self.capacity
        self.keys[layer][slot] = list(key)
        self.values[layer][slot] = list(value)
        self.cursor[layer] = slot + 1
        self.filled[layer] = min(self.filled[layer] + 1, self.capacity)
        return slot

    def ordered(self, layer):
        count = self.filled[layer]
        start = (self.cursor[layer] - count) % self.capacity
        rows = []
        for step in range(count):
            index = (start + step) % self.capacity
            rows.append((self.keys[layer][index], self.values[layer][index]))
        return rows

    def attend(self, layer, query, temperature=1.0):
        rows = self.ordered(layer)
        if not rows:
            return [0.0] * self.width
        scale = 1.0 / (math.sqrt(self.width) * max(temperature, 1e-6))
        scores = [sum(q * k for q, k in zip(query, key)) * scale for key, _ in rows]
        peak = max(scores)
        weights = [math.exp(s - peak) for s in scores]
        total = sum(weights)
        out = [0.0] * self.width
        for weight, (_, value) in zip(weights, rows):
            for i, v in enumerate(value):
                out[i] += weight * v / total
        return out


def rotate_pairs(vector, position, base=10000.0):
    """Rotate consecutive pairs of a vector by a position-dependent angle."""
    half = len(vector) // 2
    out = list(vector)
    for i in range(half):
        theta = position / (base ** (2 * i / len(vector)))
        cos_t, sin_t = math.cos(theta), math.sin(theta)
        a, b = vector[2 * i], vector[2 * i + 1]
        out[2 * i] = a * cos_t - b * sin_t
        out[2 * i + 1] = a * sin_t + b * cos_t
    return out


def merge_heads(heads, weights=None):
    """Average several head outputs, optionally weighted, into one row."""
    if not heads:
        raise ValueError("no heads to merge")
    weights = weights or [1.0] * len(heads)
    if len(weights) != len(heads):
        raise ValueError("one weight per head")
    width = len(heads[0])
    total = sum(weights)
    merged = [0.0] * width
    for head, weight in zip(heads, weights):
        for i in range(width):
            merged[i] += head[i] * weight / total
    return merged
