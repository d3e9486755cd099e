"""Tests für kibuch.nn.gpt: Formen, Referenz mit SDPA, KV-Cache, Artefakt-Cache, Training."""

import math

import pytest
import torch
from torch.nn import functional as F

from kibuch.nn.gpt import GPT, GPTConfig, RandomWindows, gpt_train_config, train_gpt
from kibuch.training.loop import TrainConfig

TEXT = ("Der Hund läuft über die Wiese. Die Katze schläft auf dem Sofa. " * 40).strip()


def small_model(seed=0, **kwargs):
    torch.manual_seed(seed)
    cfg = GPTConfig(**{"vocab_size": 20, "block_size": 16, "n_layer": 2, "n_head": 2,
                       "n_embd": 16, **kwargs})
    return GPT(cfg).eval()


def reference_logits(model, idx):
    """Dasselbe GPT, gerechnet mit PyTorchs scaled_dot_product_attention (Referenz)."""
    b, t = idx.shape
    x = model.wte(idx) + model.wpe(torch.arange(t))
    for block in model.blocks:
        h = block.ln1(x)
        c, n = h.size(-1), model.config.n_head
        q, k, v = (z.view(b, t, n, c // n).transpose(1, 2)
                   for z in block.attn.qkv(h).split(c, dim=-1))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + block.attn.proj(y.transpose(1, 2).reshape(b, t, c))
        x = x + block.ff(block.ln2(x))
    return model.lm_head(model.ln_f(x))


def test_shapes_loss_and_sdpa_reference():
    model = small_model()
    idx = torch.randint(20, (3, 10), generator=torch.Generator().manual_seed(0))
    targets = idx.roll(-1, dims=1)
    logits, loss, cache = model(idx, targets=targets)
    assert logits.shape == (3, 10, 20)
    torch.testing.assert_close(logits, reference_logits(model, idx), atol=1e-5, rtol=0)
    torch.testing.assert_close(loss, F.cross_entropy(logits.reshape(-1, 20), targets.reshape(-1)))
    assert loss.item() == pytest.approx(math.log(20), rel=0.1)  # untrainiert: fast gleichverteilt
    assert len(cache) == 2 and cache[0][0].shape == (3, 2, 10, 8)
    assert model.lm_head.weight is model.wte.weight  # weight tying
    with pytest.raises(ValueError, match="Kontextlänge"):
        model(torch.randint(20, (1, 17)))


def test_kv_cache_gives_same_logits_as_full_forward():
    model = small_model()
    idx = torch.randint(20, (2, 12), generator=torch.Generator().manual_seed(1))
    full, _, _ = model(idx)
    # Präfix auf einmal, danach Token für Token mit Cache
    logits, _, cache = model(idx[:, :5])
    steps = [logits]
    for t in range(5, 12):
        logits, _, cache = model(idx[:, t : t + 1], cache=cache)
        steps.append(logits)
    torch.testing.assert_close(torch.cat(steps, dim=1), full, atol=1e-5, rtol=0)
    # mehrere neue Tokens auf einmal an einen Cache anhängen
    _, _, cache = model(idx[:, :4])
    chunk, _, _ = model(idx[:, 4:9], cache=cache)
    torch.testing.assert_close(chunk, full[:, 4:9], atol=1e-5, rtol=0)
    with pytest.raises(ValueError, match="Kontextlänge"):  # 12 im Cache + 5 neue > 16
        model(idx[:, :5], cache=cache_after(model, idx))
    with pytest.raises(ValueError, match="Einträge"):
        model(idx[:, :1], cache=cache[:1])


def cache_after(model, idx):
    return model(idx)[2]


def test_generate_cache_equals_naive_greedy_and_sampled():
    model = small_model()
    start = torch.randint(20, (2, 3), generator=torch.Generator().manual_seed(2))
    # länger als block_size: auch das Kürzen des Kontexts wird geprüft
    a = model.generate(start, 25, greedy=True, use_cache=True)
    b = model.generate(start, 25, greedy=True, use_cache=False)
    assert a.shape == (2, 28) and torch.equal(a[:, :3], start)
    assert torch.equal(a, b)
    c = model.generate(start, 10, top_k=5, use_cache=True,
                       generator=torch.Generator().manual_seed(3))
    d = model.generate(start, 10, top_k=5, use_cache=False,
                       generator=torch.Generator().manual_seed(3))
    assert torch.equal(c, d)
    assert torch.equal(model.generate(start, 0), start)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"max_new_tokens": -1}, ValueError), ({"max_new_tokens": 2.0}, TypeError),
     ({"temperature": 0}, ValueError), ({"temperature": float("nan")}, ValueError),
     ({"top_k": 0}, ValueError), ({"top_p": 1.5}, ValueError), ({"greedy": 1}, TypeError),
     ({"use_cache": "ja"}, TypeError)],
)
def test_generate_errors(kwargs, error):
    model = small_model()
    start = torch.zeros(1, 2, dtype=torch.long)
    with pytest.raises(error):
        model.generate(start, **{"max_new_tokens": 2, **kwargs})


def test_forward_and_generate_input_errors():
    model = small_model()
    with pytest.raises(ValueError):
        model.generate(torch.zeros(3, dtype=torch.long), 2)
    with pytest.raises(ValueError):
        model(torch.zeros(1, 3))  # Gleitkomma statt Token-IDs
    with pytest.raises(TypeError):
        model([[1, 2, 3]])
    with pytest.raises(ValueError):
        model(torch.zeros(1, 3, dtype=torch.long), targets=torch.zeros(1, 4, dtype=torch.long))


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"n_embd": 30, "n_head": 4}, ValueError), ({"block_size": 0}, ValueError),
     ({"n_layer": True}, TypeError), ({"vocab_size": 10.0}, TypeError),
     ({"dropout": 1.5}, ValueError), ({"dropout": "0"}, TypeError)],
)
def test_config_validation(kwargs, error):
    with pytest.raises(error):
        GPTConfig(**kwargs)


def test_model_needs_config():
    with pytest.raises(TypeError):
        GPT({"n_layer": 2})


def test_random_windows():
    data = torch.arange(100)
    windows = RandomWindows(data, 8, 4, seed=5, n_batches=3)
    first = list(windows)
    assert len(first) == 3
    for x, y in first:
        assert x.shape == y.shape == (4, 8)
        assert torch.equal(y, x + 1)  # y ist x um ein Token verschoben
    again = list(windows)  # jeder Durchlauf beginnt mit demselben Startwert
    assert all(torch.equal(a[0], b[0]) for a, b in zip(first, again))
    endless = iter(RandomWindows(data, 8, 4, seed=5))
    assert torch.equal(next(endless)[0], first[0][0])
    with pytest.raises(ValueError):
        RandomWindows(torch.arange(9), 8, 4)
    with pytest.raises(TypeError):
        RandomWindows(list(range(100)), 8, 4)
    with pytest.raises(ValueError):
        RandomWindows(data, 8, 0)


def test_gpt_train_config():
    cfg = gpt_train_config(steps=50)
    assert cfg.steps == 50 and cfg.optimizer == "adamw" and cfg.schedule == "cosine"
    assert cfg.betas == (0.9, 0.99) and cfg.grad_clip == 1.0 and cfg.final_lr == 0.1
    with pytest.raises(ValueError, match="Meinten Sie"):
        gpt_train_config(stepz=50)


def tiny(**overrides):
    cfg = GPTConfig(block_size=16, n_layer=1, n_head=2, n_embd=16)
    return cfg, gpt_train_config(**{"steps": 30, "batch_size": 8, "eval_every": 10, **overrides})


def test_train_uses_artifact_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KIBUCH_CACHE", str(tmp_path))
    cfg, tc = tiny()
    model, tok, info = train_gpt(TEXT, cfg, tc, device="cpu")
    assert not info["from_cache"] and info["path"].is_file()
    assert info["path"].parent == tmp_path / "artifacts" / "gpt"
    assert info["path"].suffix == ".safetensors"
    assert tok.vocab_size == len(set(TEXT)) == model.config.vocab_size
    assert info["params"] == model.num_params() and info["seconds"] > 0
    history = info["history"]
    assert history["step"] == [10, 20, 30]
    assert history["val_loss"][-1] < history["val_loss"][0]  # das Modell lernt etwas
    model2, _, info2 = train_gpt(TEXT, cfg, tc, device="cpu")
    assert info2["from_cache"] and info2["path"] == info["path"]
    assert info2["history"] == history
    for p, q in zip(model.state_dict().values(), model2.state_dict().values(), strict=True):
        assert torch.equal(p, q)
    assert model2.lm_head.weight is model2.wte.weight  # auch nach dem Laden geteilt
    # der Fortschrittsbalken gehört nicht zum Schlüssel, die Lernrate schon
    _, _, info3 = train_gpt(TEXT, cfg, tiny(progress=False)[1], device="cpu")
    assert info3["from_cache"]
    _, _, info4 = train_gpt(TEXT, cfg, tiny(lr=1e-3)[1], device="cpu")
    assert not info4["from_cache"] and info4["path"] != info["path"]
    # ohne Cache: nichts wird geschrieben, gleiches Ergebnis
    files = sorted(tmp_path.rglob("*"))
    model5, _, info5 = train_gpt(TEXT, cfg, tc, device="cpu", use_cache=False)
    assert not info5["from_cache"] and info5["path"] is None
    assert sorted(tmp_path.rglob("*")) == files
    for p, q in zip(model.state_dict().values(), model5.state_dict().values(), strict=True):
        assert torch.equal(p, q)


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda cfg, tc: train_gpt("zu kurz", cfg, tc), ValueError),
        (lambda cfg, tc: train_gpt(list(TEXT), cfg, tc), TypeError),
        (lambda cfg, tc: train_gpt(TEXT, {"n_layer": 1}, tc), TypeError),
        (lambda cfg, tc: train_gpt(TEXT, cfg, {"steps": 3}), TypeError),
        (lambda cfg, tc: train_gpt(TEXT, cfg, TrainConfig()), ValueError),  # steps fehlt
        (lambda cfg, tc: train_gpt(TEXT, cfg, tc, val_fraction=0.6), ValueError),
        (lambda cfg, tc: train_gpt(TEXT, cfg, tc, use_cache=1), TypeError),
        (lambda cfg, tc: train_gpt(TEXT, GPTConfig(block_size=512), tc), ValueError),
        (lambda cfg, tc: tiny(lr=float("nan")), ValueError),
        (lambda cfg, tc: tiny(lr=float("inf")), ValueError),
        (lambda cfg, tc: tiny(lr=0), ValueError),
        (lambda cfg, tc: tiny(lr=-1e-3), ValueError),
        (lambda cfg, tc: tiny(lr="3e-3"), TypeError),
    ],
)
def test_train_errors(call, error):
    with pytest.raises(error):
        call(*tiny())


def test_text_loss_matches_direct_computation_and_scores_every_char():
    """text_loss wertet jedes Zeichen ab dem zweiten genau einmal, mit genug Kontext."""
    import math

    from kibuch.nn.gpt import GPT, GPTConfig, text_loss
    from kibuch.text.tokens import CharTokenizer

    torch.manual_seed(0)
    text = "abcab cabba cab" * 3
    tok = CharTokenizer.from_text(text)
    model = GPT(GPTConfig(vocab_size=tok.vocab_size, block_size=8, n_layer=1, n_head=2,
                          n_embd=8)).eval()
    ids = torch.tensor(tok.encode(text))
    # direkt: jedes Zeichen j ≥ 1 mit dem längsten Kontext, den das Fenster hergibt
    expected = 0.0
    for j in range(1, len(ids)):
        ctx = ids[max(0, j - 8) : j][None]
        logp = torch.log_softmax(model(ctx)[0][0, -1], dim=-1)
        expected -= logp[ids[j]].item()
    expected /= len(ids) - 1
    got = text_loss(model, tok, text, batch_size=3)
    # Mindestens T/2 Kontext statt des längsten möglichen: kleine Abweichung erlaubt
    assert abs(got - expected) < 0.05
    assert math.isfinite(got)
    short = text_loss(model, tok, text[:5])  # kürzer als die Kontextlänge
    first = -sum(torch.log_softmax(model(ids[:4][None])[0][0], dim=-1)[i, ids[i + 1]].item()
                 for i in range(4)) / 4
    assert short == pytest.approx(first, rel=1e-5)
    with pytest.raises(ValueError, match="text"):
        text_loss(model, tok, "a")
    with pytest.raises(TypeError, match="tokenizer"):
        text_loss(model, "tok", text)


def test_gpt_recipe_depends_on_device():
    from kibuch.nn.gpt import gpt_recipe

    cpu_model, cpu_train = gpt_recipe("cpu")
    assert cpu_model.n_layer == 3 and cpu_train.steps == 3000
    with pytest.raises((TypeError, ValueError), match="device"):
        gpt_recipe(3)
