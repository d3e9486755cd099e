"""Erzeugt ``tests/js/fixtures/gpt.json`` für den Golden-Test ``gpt_sampler.test.mjs``.

Ein winziges GPT derselben Klasse ``kibuch.nn.gpt.GPT`` (2 Blöcke, 16 Dimensionen, 2 Köpfe,
Kontextlänge 16) mit festem Seed und absichtlich großen Zufallsgewichten – damit Attention
und GELU wirklich etwas tun – geht durch denselben Export wie das Widget
(``kibuch.web.models.gpt_payload``), einmal als float32 und einmal als float16. Dazu
kommen Sampling-Fälle (feste Logits, Temperatur, Top-k, Top-p) mit dem Ergebnis von
``kibuch.text.sampling.filter_logits`` und Werte von ``math.erf``.

Aufruf: ``python tests/js/make_fixtures_gpt.py`` (schreibt die Datei neu).
"""

from __future__ import annotations

import math
from pathlib import Path

from fixturecheck import dumps, write_fixture

FIXTURE = Path(__file__).with_name("fixtures") / "gpt.json"
TEXT = "abcdefg hij, klm. Äpfel über Öl!\n"  # Vokabular des Test-Tokenizers
PROMPTS = ("abc", "Äpfel über", "hij, klm. abcdefg hij, klm.")  # der letzte > Kontextlänge
#: (Temperatur, Top-k, Top-p) für die Sampling-Fälle
SAMPLING = ((1.0, None, None), (0.7, None, None), (1.5, 5, None), (1.0, 3, None),
            (1.0, None, 0.5), (0.8, None, 0.9), (1.2, 4, 0.7), (1.0, 1, None),
            (1.0, None, 1.0), (1.0, 50, None), (2.0, None, 0.3), (0.5, 6, 0.95))


def tiny_gpt():
    """Das Testmodell: GPT mit Zufallsgewichten aus einem festen Seed, und sein Tokenizer."""
    import torch

    from kibuch.nn.gpt import GPT, GPTConfig
    from kibuch.text.tokens import CharTokenizer

    tokenizer = CharTokenizer.from_text(TEXT)
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=tokenizer.vocab_size, block_size=16, n_layer=2,
                          n_head=2, n_embd=16))
    gen = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, p in model.named_parameters():  # wte.weight ist zugleich lm_head.weight
            noise = torch.randn(p.shape, generator=gen)
            if name.endswith(("ln1.weight", "ln2.weight", "ln_f.weight")):
                p.copy_(1 + 0.3 * noise)
            elif name.endswith("bias"):
                p.copy_(0.2 * noise)
            else:
                p.copy_(0.5 * noise)
    return model.eval(), tokenizer


def sampling_cases() -> list[dict]:
    """Feste Logits und das Ergebnis von filter_logits; keine Top-p-Grenze liegt knapp."""
    import numpy as np
    import torch

    from kibuch.text.sampling import filter_logits

    gen = torch.Generator().manual_seed(2)
    vectors = [torch.randn(12, generator=gen) * 2, torch.randn(30, generator=gen) * 3,
               torch.tensor([1.0, 2.0, 2.0, 2.0, 0.5, -1.0, 2.0, 0.0])]  # Gleichstand bei Top-k
    cases = []
    for logits in vectors:
        for temperature, top_k, top_p in SAMPLING:
            scores = filter_logits(logits, temperature=temperature, top_k=top_k, top_p=top_p)
            if top_p is not None:  # Abstand der aufsummierten Masse zur Grenze 1 − p
                s = np.sort(logits.double().numpy() / temperature)
                if top_k is not None:
                    s = np.where(s < np.sort(s)[::-1][min(top_k, len(s)) - 1], -np.inf, s)
                cum = np.cumsum(np.exp(s - s.max()) / np.exp(s - s.max()).sum())[:-1]
                margin = np.abs(cum - (1 - top_p))
                assert margin.min() > 1e-5 or top_p == 1.0, (temperature, top_k, top_p)
            cases.append({
                "logits": [float(v) for v in logits.tolist()],
                "temperature": temperature, "top_k": top_k, "top_p": top_p,
                "scores": [None if math.isinf(v) else float(v) for v in scores.tolist()],
            })
    return cases


def build() -> dict:
    """Der Inhalt der Fixture-Datei."""
    from kibuch.web.models import gpt_payload

    model, tokenizer = tiny_gpt()
    erf_x = [i / 8 for i in range(-56, 57)] + [1e-6, 2.499, 2.5, 2.501, 5.999, 6.5]
    return {
        "float32": gpt_payload(model, tokenizer, prompts=PROMPTS, greedy_tokens=40),
        "float16": gpt_payload(model, tokenizer, dtype="float16", prompts=PROMPTS,
                               greedy_tokens=40),
        "sampling": sampling_cases(),
        "erf": {"x": erf_x, "y": [math.erf(x) for x in erf_x]},
    }


def main() -> None:
    import torch

    torch.set_num_threads(1)
    write_fixture(FIXTURE, dumps(build()))


if __name__ == "__main__":
    main()
