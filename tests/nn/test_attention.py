"""Tests für kibuch.nn.attention – Referenz: torch.nn.functional.scaled_dot_product_attention."""

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
    feed_forward,
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
        assert (weights[..., causal_mask(7)] > 0).all()  # erlaubt: echtes Gewicht


def test_boolean_mask_matches_sdpa():
    gen = torch.Generator().manual_seed(1)
    q, k, v = (torch.randn(1, 5, 4, generator=gen) for _ in range(3))
    mask = torch.rand(5, 5, generator=gen) > 0.4
    mask |= torch.eye(5, dtype=torch.bool)
    out, _ = attention(q, k, v, mask=mask)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, attn_mask=mask))


def test_causal_with_fewer_queries_than_keys():
    # die letzten Anfragen gegen alle Schlüssel (wie bei der Generierung mit KV-Cache)
    gen = torch.Generator().manual_seed(2)
    q, k, v = (torch.randn(1, 6, 4, generator=gen) for _ in range(3))
    full, _ = attention(q, k, v, causal=True)
    last, _ = attention(q[:, -2:], k, v, causal=True)
    torch.testing.assert_close(last, full[:, -2:])
    # Referenz: SDPA mit der entsprechend verschobenen Maske
    allowed = torch.ones(2, 6, dtype=torch.bool).tril(4)
    ref = F.scaled_dot_product_attention(q[:, -2:], k, v, attn_mask=allowed)
    torch.testing.assert_close(last, ref)


def _heads(z, b, t, h):
    return z.view(b, t, h, -1).transpose(1, 2)


@pytest.mark.parametrize("causal", [False, True])
def test_multihead_module_matches_sdpa(causal):
    torch.manual_seed(0)
    mha = MultiHeadSelfAttention(BlockConfig(n_embd=16, n_head=4, causal=causal))
    x = torch.randn(2, 5, 16)
    out, (k, v) = mha(x)
    q, k_ref, v_ref = (_heads(z, 2, 5, 4) for z in mha.qkv(x).split(16, dim=-1))
    ref = F.scaled_dot_product_attention(q, k_ref, v_ref, is_causal=causal)
    torch.testing.assert_close(out, mha.proj(ref.transpose(1, 2).reshape(2, 5, 16)))
    torch.testing.assert_close(k, k_ref)
    torch.testing.assert_close(v, v_ref)
    assert mha.last_weights.shape == (2, 4, 5, 5)
    assert not mha.last_weights.requires_grad
    x2 = x.clone()
    x2[:, -1] += 5
    changed = (mha(x2)[0][:, :-1] - out[:, :-1]).abs().max()
    if causal:  # spätere Tokens ändern frühere Ausgaben nicht
        assert changed == 0
    else:  # im Encoder sieht jedes Token alle
        assert changed > 1e-3


@pytest.mark.parametrize("causal", [False, True])
def test_multihead_matches_torch_multihead_attention(causal):
    """Gleiche Gewichte wie nn.MultiheadAttention (in_proj = qkv, out_proj = proj = W_O)."""
    torch.manual_seed(3)
    n_embd, n_head, t = 24, 4, 7
    ours = MultiHeadSelfAttention(BlockConfig(n_embd=n_embd, n_head=n_head, causal=causal))
    ref = torch.nn.MultiheadAttention(n_embd, n_head, batch_first=True)
    with torch.no_grad():
        ref.in_proj_weight.copy_(ours.qkv.weight)
        ref.in_proj_bias.copy_(ours.qkv.bias)
        ref.out_proj.weight.copy_(ours.proj.weight)
        ref.out_proj.bias.copy_(ours.proj.bias)
    x = torch.randn(3, t, n_embd)
    blocked = ~causal_mask(t) if causal else None  # nn.MultiheadAttention: True = verboten
    expected, weights = ref(x, x, x, attn_mask=blocked, need_weights=True,
                            average_attn_weights=False)
    out, _ = ours(x)
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(ours.last_weights, weights, atol=1e-6, rtol=1e-4)
    # ohne W_O (proj = Identität) kämen die nebeneinandergelegten Kopfausgaben heraus
    with torch.no_grad():
        ours.proj.weight.copy_(torch.eye(n_embd))
        ours.proj.bias.zero_()
    assert not torch.allclose(ours(x)[0], expected, atol=1e-3)


def test_scaling_uses_key_width_per_head():
    """Geteilt wird durch √d_k, die Breite eines Kopfs – nicht durch die Modellbreite."""
    gen = torch.Generator().manual_seed(4)
    q, k, v = (torch.randn(1, 2, 5, 3, generator=gen) for _ in range(3))  # d_k = 3
    _, weights = attention(q, k, v)
    torch.testing.assert_close(weights, torch.softmax(q @ k.transpose(-2, -1) / 3**0.5, -1))


def test_kv_cache_incremental_equals_full():
    torch.manual_seed(1)
    block = TransformerBlock(BlockConfig(n_embd=24, n_head=3, causal=True)).eval()
    x = torch.randn(2, 9, 24)
    full, (k_full, v_full) = block(x)
    y, cache = block(x[:, :4])  # Präfix auf einmal
    steps = [y]
    for t in range(4, 9):  # danach Token für Token
        y, cache = block(x[:, t : t + 1], cache)
        steps.append(y)
    torch.testing.assert_close(torch.cat(steps, dim=1), full, atol=1e-5, rtol=0)
    torch.testing.assert_close(cache[0], k_full, atol=1e-5, rtol=0)
    torch.testing.assert_close(cache[1], v_full, atol=1e-5, rtol=0)
    assert block.attn.last_weights.shape == (2, 3, 1, 9)


def test_block_shapes_and_residual():
    torch.manual_seed(0)
    block = TransformerBlock(BlockConfig(n_embd=32, n_head=4, causal=False))
    x = torch.randn(3, 9, 32)
    y, (k, v) = block(x)
    assert y.shape == x.shape and k.shape == v.shape == (3, 4, 9, 8)
    # Residualverbindung: ohne Attention- und Feed-Forward-Ausgang bleibt x unverändert
    with torch.no_grad():
        block.attn.proj.weight.zero_()
        block.attn.proj.bias.zero_()
        block.ff[2].weight.zero_()
        block.ff[2].bias.zero_()
    torch.testing.assert_close(block(x)[0], x)
    block(x)[0].sum().backward()
    assert block.attn.qkv.weight.grad is not None


def test_dropout_only_in_training():
    torch.manual_seed(0)
    block = TransformerBlock(BlockConfig(n_embd=16, n_head=2, dropout=0.5))
    x = torch.randn(1, 4, 16)
    block.eval()
    torch.testing.assert_close(block(x)[0], block(x)[0])
    block.train()
    assert not torch.equal(block(x)[0], block(x)[0])


def test_sinusoidal_positions():
    pe = sinusoidal_positions(50, 16)
    assert pe.shape == (50, 16)
    assert pe[0, 0::2].abs().max() == 0 and torch.allclose(pe[0, 1::2], torch.ones(8))
    assert math.isclose(pe[3, 2].item(), math.sin(3 / 10000 ** (2 / 16)), rel_tol=1e-5)
    assert math.isclose(pe[7, 5].item(), math.cos(7 / 10000 ** (4 / 16)), rel_tol=1e-5)


def test_causal_mask():
    expected = [[True, False, False], [True, True, False], [True, True, True]]
    assert causal_mask(3).tolist() == expected


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda x: attention(x, torch.randn(2, 3, 5), x), ValueError),
        (lambda x: attention(x, x, torch.randn(2, 4, 4)), ValueError),
        (lambda x: attention(torch.randn(4), x, x), ValueError),
        (lambda x: attention(x.tolist(), x, x), TypeError),
        (lambda x: attention(x, x, x, mask=torch.ones(3, 3)), TypeError),
        (lambda x: attention(x, x, x, causal=1), TypeError),
        (lambda x: BlockConfig(n_embd=10, n_head=3), ValueError),
        (lambda x: BlockConfig(n_embd=0), ValueError),
        (lambda x: BlockConfig(n_head=True), TypeError),
        (lambda x: BlockConfig(n_embd="64"), TypeError),
        (lambda x: BlockConfig(dropout=1.0), ValueError),
        (lambda x: BlockConfig(dropout=float("nan")), ValueError),
        (lambda x: BlockConfig(causal="ja"), TypeError),
        (lambda x: MultiHeadSelfAttention({"n_embd": 4}), TypeError),
        (lambda x: TransformerBlock(None), TypeError),
        (lambda x: MultiHeadSelfAttention(BlockConfig(n_embd=8, n_head=2))(x), ValueError),
        (lambda x: feed_forward(0), ValueError),
        (lambda x: feed_forward(8, mult=2.5), TypeError),
        (lambda x: feed_forward(8, dropout=-0.1), ValueError),
        (lambda x: sinusoidal_positions(10, 7), ValueError),
        (lambda x: sinusoidal_positions(0, 8), ValueError),
        (lambda x: sinusoidal_positions(10.0, 8), TypeError),
        (lambda x: causal_mask(0), ValueError),
        (lambda x: causal_mask(None), TypeError),
    ],
)
def test_errors(call, error):
    with pytest.raises(error):
        call(torch.randn(2, 3, 4))


def test_cache_errors():
    mha = MultiHeadSelfAttention(BlockConfig(n_embd=8, n_head=2))
    x = torch.randn(2, 3, 8)
    _, (k, v) = mha(x)
    with pytest.raises(TypeError):
        mha(x, cache=k)
    with pytest.raises(ValueError):
        mha(x, cache=(k, v[:, :, :2]))
    with pytest.raises(ValueError):
        mha(x[:1], cache=(k, v))


@pytest.mark.parametrize("causal", [True, False])
def test_fused_attention_matches_own_implementation(causal):
    """Der schnelle Kern (fused=True) rechnet dasselbe wie attention(), auch mit KV-Cache."""
    torch.manual_seed(0)
    own = TransformerBlock(BlockConfig(n_embd=32, n_head=4, causal=causal)).eval()
    fast = TransformerBlock(BlockConfig(n_embd=32, n_head=4, causal=causal, fused=True)).eval()
    fast.load_state_dict(own.state_dict())
    x = torch.randn(2, 7, 32)
    out_own, cache_own = own(x)
    out_fast, cache_fast = fast(x)
    torch.testing.assert_close(out_fast, out_own, atol=1e-5, rtol=1e-5)
    assert fast.attn.last_weights is None
    step = torch.randn(2, 1, 32)
    torch.testing.assert_close(fast(step, cache_fast)[0], own(step, cache_own)[0],
                               atol=1e-5, rtol=1e-5)
    two = torch.randn(2, 2, 32)  # mehrere neue Tokens mit Cache: eigene Implementierung
    torch.testing.assert_close(fast(two, cache_fast)[0], own(two, cache_own)[0],
                               atol=1e-5, rtol=1e-5)
