"""A BERT encoder forward pass in numpy, reading Hugging Face ``model.safetensors``.

Enough for sentence-transformers encoders (all-MiniLM-L6-v2 and kin):
absolute positions, post-layer-norm, GELU (erf). No torch.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from locus.core.errors import EmbeddingError

__all__ = ["BertEncoder", "load_safetensors"]

F32 = npt.NDArray[np.float32]
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "BF16": None}


def load_safetensors(path: Path) -> dict[str, npt.NDArray[Any]]:
    """Every tensor of a ``.safetensors`` file as a numpy array (float tensors as float32)."""
    raw = path.read_bytes()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_len])
    base = 8 + header_len
    tensors: dict[str, npt.NDArray[Any]] = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(spec["dtype"])
        if dtype is None:
            raise EmbeddingError(
                f"{path}: tensor {name!r} has dtype {spec['dtype']}, which this loader "
                "does not read; export the model in float32 or float16"
            )
        start, end = spec["data_offsets"]
        array = np.frombuffer(
            raw, dtype=dtype, count=(end - start) // np.dtype(dtype).itemsize, offset=base + start
        ).reshape(spec["shape"])
        tensors[name] = array.astype(np.float32) if dtype is np.float16 else array
    return tensors


def _erf(x: F32) -> F32:
    # Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): numpy has no erf. |x| is
    # capped at 6 (erf(6) == 1 in float32) so exp() never makes slow subnormals.
    sign = np.sign(x)
    a = np.minimum(np.abs(x), np.float32(6.0))
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    out: F32 = (sign * (1.0 - poly * np.exp(-a * a))).astype(np.float32)
    return out


def _gelu(x: F32) -> F32:
    out: F32 = (0.5 * x * (1.0 + _erf(x / np.float32(np.sqrt(2.0))))).astype(np.float32)
    return out


def _layer_norm(x: F32, weight: F32, bias: F32, eps: float) -> F32:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    out: F32 = ((x - mean) / np.sqrt(var + eps) * weight + bias).astype(np.float32)
    return out


class BertEncoder:
    """The encoder of a BERT checkpoint; :meth:`__call__` gives token states.

    Args:
        weights: Tensors by Hugging Face name (``embeddings.word_embeddings.weight``...).
        config: The model's ``config.json``.

    Raises:
        EmbeddingError: A tensor the architecture needs is missing.
    """

    def __init__(self, weights: dict[str, npt.NDArray[Any]], config: dict[str, Any]) -> None:
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.max_positions = int(config.get("max_position_embeddings", 512))
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""
        try:
            self.w = {k[len(prefix) :]: v for k, v in weights.items() if k.startswith(prefix)}
            for i in range(self.layers):
                p = f"encoder.layer.{i}."
                # one fused QKV matrix per layer: a single matmul instead of three
                qkv = np.concatenate(
                    [self.w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]
                ).T
                self.w[p + "qkv.weight"] = np.ascontiguousarray(qkv)
                self.w[p + "qkv.bias"] = np.concatenate(
                    [self.w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]
                )
                for n in ("attention.output.dense", "intermediate.dense", "output.dense"):
                    self.w[p + n + ".weightT"] = np.ascontiguousarray(self.w[p + n + ".weight"].T)
            self.w["embeddings.word_embeddings.weight"]
        except KeyError as exc:
            raise EmbeddingError(f"the checkpoint lacks tensor {exc}; is it a BERT model?") from exc

    def __call__(self, ids: npt.NDArray[np.int64], mask: npt.NDArray[np.int64]) -> F32:
        """Last hidden states, shape ``(batch, seq, hidden)``."""
        w = self.w
        batch, seq = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:seq][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(
            x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps
        )
        hidden = x.shape[-1]
        head = hidden // self.heads
        # padding keys get exactly zero attention; scores are floored at -30
        # before exp() so no subnormal floats (much slower on x86) appear
        keys = np.repeat(mask.astype(np.float32), self.heads, axis=0)[:, None, :]
        scale = np.float32(1.0 / np.sqrt(head))
        # dense layers on a 2-d (tokens, hidden) matrix: one BLAS call each;
        # attention as contiguous 3-d stacks (numpy's 4-d or strided matmul
        # is an order of magnitude slower)
        x = x.reshape(batch * seq, hidden)
        stacks = batch * self.heads
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            qkv = (x @ w[p + "qkv.weight"] + w[p + "qkv.bias"]).reshape(
                batch, seq, 3, self.heads, head
            )
            q = np.ascontiguousarray(qkv[:, :, 0].transpose(0, 2, 1, 3)).reshape(stacks, seq, head)
            k_t = np.ascontiguousarray(qkv[:, :, 1].transpose(0, 2, 3, 1)).reshape(
                stacks, head, seq
            )
            v = np.ascontiguousarray(qkv[:, :, 2].transpose(0, 2, 1, 3)).reshape(stacks, seq, head)
            scores = np.matmul(q, k_t)
            scores *= scale
            scores -= np.where(keys > 0, scores, -np.inf).max(-1, keepdims=True)
            np.maximum(scores, np.float32(-30.0), out=scores)
            probs = np.exp(scores)
            probs *= keys
            probs /= probs.sum(-1, keepdims=True)
            ctx = (
                np.matmul(probs, v)
                .reshape(batch, self.heads, seq, head)
                .transpose(0, 2, 1, 3)
                .reshape(batch * seq, hidden)
            )
            attn = (
                ctx @ w[p + "attention.output.dense.weightT"] + w[p + "attention.output.dense.bias"]
            )
            x = _layer_norm(
                x + attn,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                self.eps,
            )
            inter = _gelu(
                x @ w[p + "intermediate.dense.weightT"] + w[p + "intermediate.dense.bias"]
            )
            out = inter @ w[p + "output.dense.weightT"] + w[p + "output.dense.bias"]
            x = _layer_norm(
                x + out, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self.eps
            )
        x = x.reshape(batch, seq, hidden)
        result: F32 = x.astype(np.float32, copy=False)
        return result
