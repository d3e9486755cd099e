"""Tests für kibuch.nn.attention – Vergleich mit torch.nn.functional.scaled_dot_product_attention."""

import math

import pytest
import torch
from torch.nn import functional as F

from kibuch.nn.attention import (
    BlockConfig,
    MultiHeadSelfAttention,
    TransformerBlock,
    attention,
    causal_mask,
    sinusoidal_positions,
)


@pytest.mark.parametrize("causal", [False, True])
def test_matches_sdpa(causal):
    gen = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 3, 7, 8, generator=gen, dtype=torch.float64) for _ in range(3))
    out, weights = attention(q, k, v, causal=causal)
    ref = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    torch.testing.assert_close(out, ref)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 3, 7, dtype=torch.float64))
    if causal:
        assert (weights.triu(1) == 0).all()


def test_boolean_mask_matches_sdpa():
    gen = torch.Generator().manual_seed(1)
    q, k, v = (torch.randn(1, 5, 4, generator=gen) for _ in range(3))
    mask = torch.rand(5, 5, generator=gen) > 0.4
    mask |= torch.eye(5, dtype=torch.bool)
    out, _ = attention(q, k, v, mask=mask)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, attn_mask=mask))


def test_causal_with_fewer_queries_than_keys():
    # letzte Anfrage gegen alle Schlüssel (wie bei der Generierung mit KV-Cache)
    gen = torch.Generator().manual_seed(2)
    q, k, v = (torch.randn(1, 6, 4, generator=gen) for _ in range(3))
    full, _ = attention(q, k, v, causal=True)
    last, _ = attention(q[:, -2:], k, v, causal=True)
    torch.testing.assert_close(last, full[:, -2:])


def test_multihead_module_matches_sdpa_and_is_causal():
    torch.manual_seed(0)
    cfg = BlockConfig(n_embd=16, n_head=4, causal=True)
    mha = MultiHeadSelfAttention(cfg)
    x = torch.randn(2, 5, 16)
    out = mha(x)
    q, k, v = mha.qkv(x).split(16, dim=-1)
    q, k, v = (z.view(2, 5, 4, 4).transpose(1, 2) for z in (q, k, v))
    ref = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(2, 5, 16)
    torch.testing.assert_close(out, mha.proj(ref))
    assert mha.last_weights.shape == (2, 4, 5, 5)
    # Kausalität: spätere Tokens ändern frühere Ausgaben nicht
    x2 = x.clone()
    x2[:, -1] += 5
    torch.testing.assert_close(mha(x2)[:, :-1], out[:, :-1])


def test_block_shapes_and_residual():
    torch.manual_seed(0)
    block = TransformerBlock(BlockConfig(n_embd=32, n_head=4, causal=False))
    x = torch.randn(3, 9, 32)
    y = block(x)
    assert y.shape == x.shape
    y.sum().backward()
    assert block.attn.qkv.weight.grad is not None


def test_sinusoidal_positions():
    pe = sinusoidal_positions(50, 16)
    assert pe.shape == (50, 16)
    assert pe[0, 0::2].abs().max() == 0 and torch.allclose(pe[0, 1::2], torch.ones(8))
    assert math.isclose(pe[3, 2].item(), math.sin(3 / 10000 ** (2 / 16)), rel_tol=1e-5)
    assert math.isclose(pe[7, 5].item(), math.cos(7 / 10000 ** (4 / 16)), rel_tol=1e-5)


def test_errors():
    x = torch.randn(2, 3, 4)
    with pytest.raises(ValueError):
        attention(x, torch.randn(2, 3, 5), x)
    with pytest.raises(ValueError):
        attention(x, x, torch.randn(2, 4, 4))
    with pytest.raises(ValueError):
        attention(torch.randn(4), x, x)
    with pytest.raises(TypeError):
        attention(x, x, x, mask=torch.ones(3, 3))
    with pytest.raises(ValueError):
        BlockConfig(n_embd=10, n_head=3)
    with pytest.raises(ValueError):
        BlockConfig(dropout=1.0)
    with pytest.raises(ValueError):
        sinusoidal_positions(10, 7)
    with pytest.raises(ValueError):
        sinusoidal_positions(0, 8)
    with pytest.raises(ValueError):
        causal_mask(0)
    expected = [[True, False, False], [True, True, False], [True, True, True]]
    assert causal_mask(3).tolist() == expected
