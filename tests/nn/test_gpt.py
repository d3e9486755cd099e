"""Tests für kibuch.nn.gpt: Formen, KV-Cache, Cache-Schlüssel, Training."""

import pytest
import torch

from kibuch.nn.gpt import GPT, GPTConfig, TrainConfig, cache_key, train_gpt
from kibuch.text.tokens import CharTokenizer

TEXT = ("Der Hund läuft über die Wiese. Die Katze schläft auf dem Sofa. " * 40).strip()


def small_model(seed=0, **kwargs):
    torch.manual_seed(seed)
    cfg = GPTConfig(**{"vocab_size": 20, "block_size": 16, "n_layer": 2, "n_head": 2,
                       "n_embd": 16, **kwargs})
    return GPT(cfg).eval()


def test_shapes_and_loss():
    model = small_model()
    idx = torch.randint(20, (3, 10))
    logits, loss, cache = model(idx, targets=idx)
    assert logits.shape == (3, 10, 20)
    assert loss.ndim == 0 and loss.item() == pytest.approx(torch.log(torch.tensor(20.0)).item(),
                                                            rel=0.1)
    assert len(cache) == 2 and cache[0][0].shape == (3, 2, 10, 8)
    with pytest.raises(ValueError):
        model(torch.randint(20, (1, 17)))


def test_kv_cache_gives_same_logits_as_naive():
    model = small_model()
    idx = torch.randint(20, (2, 12))
    full, _, _ = model(idx)
    # Präfix auf einmal, danach Token für Token mit Cache
    logits, _, cache = model(idx[:, :5])
    steps = [logits]
    for t in range(5, 12):
        logits, _, cache = model(idx[:, t : t + 1], cache=cache)
        steps.append(logits)
    torch.testing.assert_close(torch.cat(steps, dim=1), full, atol=1e-5, rtol=1e-4)
    # mehrere neue Tokens auf einmal an einen Cache anhängen
    _, _, cache = model(idx[:, :4])
    chunk, _, _ = model(idx[:, 4:9], cache=cache)
    torch.testing.assert_close(chunk, full[:, 4:9], atol=1e-5, rtol=1e-4)


def test_generate_cache_equals_naive_greedy_and_sampled():
    model = small_model()
    start = torch.randint(20, (2, 3))
    # länger als block_size: auch das Kürzen des Kontexts wird geprüft
    a = model.generate(start, 25, greedy=True, use_cache=True)
    b = model.generate(start, 25, greedy=True, use_cache=False)
    assert a.shape == (2, 28)
    assert torch.equal(a, b)
    c = model.generate(start, 10, top_k=5, use_cache=True,
                       generator=torch.Generator().manual_seed(3))
    d = model.generate(start, 10, top_k=5, use_cache=False,
                       generator=torch.Generator().manual_seed(3))
    assert torch.equal(c, d)
    with pytest.raises(ValueError):
        model.generate(start, -1)
    with pytest.raises(ValueError):
        model.generate(torch.zeros(3, dtype=torch.long), 2)
    with pytest.raises(ValueError):
        model.generate(start, 2, temperature=0)


def test_cache_key():
    cfg, tc = GPTConfig(), TrainConfig()
    key = cache_key(cfg, tc, TEXT)
    assert len(key) == 16 and key == cache_key(GPTConfig(), TrainConfig(), TEXT)
    assert key != cache_key(GPTConfig(n_layer=3), tc, TEXT)
    assert key != cache_key(cfg, TrainConfig(steps=5), TEXT)
    assert key != cache_key(cfg, tc, TEXT + "!")
    with pytest.raises(TypeError):
        cache_key(cfg, tc, b"bytes")


def test_config_validation():
    with pytest.raises(ValueError):
        GPTConfig(n_embd=30, n_head=4)
    with pytest.raises(ValueError):
        GPTConfig(block_size=0)
    with pytest.raises(ValueError):
        GPTConfig(dropout=1.5)
    with pytest.raises(ValueError):
        TrainConfig(steps=0)
    with pytest.raises(ValueError):
        TrainConfig(lr=0)
    with pytest.raises(TypeError):
        GPT({"n_layer": 2})


def test_train_uses_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KIBUCH_CACHE", str(tmp_path))
    cfg = GPTConfig(block_size=16, n_layer=1, n_head=2, n_embd=16)
    tc = TrainConfig(steps=30, batch_size=8, eval_every=10, warmup=5)
    model, tok, info = train_gpt(TEXT, cfg, tc, device="cpu")
    assert not info["from_cache"] and info["path"].is_file()
    assert info["path"].parent == tmp_path / "gpt"
    assert tok.vocab_size == len(set(TEXT)) == model.config.vocab_size
    first, last = info["history"][0][2], info["history"][-1][2]
    assert last < first  # das Modell lernt etwas
    model2, _, info2 = train_gpt(TEXT, cfg, tc, device="cpu")
    assert info2["from_cache"] and info2["key"] == info["key"]
    for p, q in zip(model.state_dict().values(), model2.state_dict().values(), strict=True):
        assert torch.equal(p, q)
    with pytest.raises(ValueError):
        train_gpt("zu kurz", cfg, tc)


def test_char_tokenizer_roundtrip():
    tok = CharTokenizer.from_text(TEXT)
    ids = tok.encode("Die Katze")
    assert tok.decode(ids) == "Die Katze"
    with pytest.raises(ValueError):
        tok.encode("Zebra§")
    with pytest.raises(ValueError):
        CharTokenizer.from_text("")
