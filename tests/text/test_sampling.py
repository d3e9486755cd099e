"""Tests für kibuch.text.sampling – Vergleich mit den Logits-Warpern aus transformers."""

import pytest
import torch
from transformers.generation.logits_process import (
    LogitsProcessorList,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

from kibuch.text.sampling import filter_logits, sample


def reference(logits, temperature=1.0, top_k=None, top_p=None):
    warpers = LogitsProcessorList([TemperatureLogitsWarper(float(temperature))])
    if top_k is not None:
        warpers.append(TopKLogitsWarper(top_k))
    if top_p is not None:
        warpers.append(TopPLogitsWarper(top_p))
    return warpers(torch.zeros(logits.size(0), 1, dtype=torch.long), logits)


@pytest.mark.parametrize("temperature", [0.3, 0.7, 1.0, 2.5])
@pytest.mark.parametrize("top_k", [None, 1, 5, 40, 1000])
@pytest.mark.parametrize("top_p", [None, 0.05, 0.5, 0.9, 1.0])
def test_matches_transformers_warpers(temperature, top_k, top_p):
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(4, 50, generator=gen) * 3
    ours = filter_logits(logits, temperature=temperature, top_k=top_k, top_p=top_p)
    ref = reference(logits, temperature, top_k, top_p)
    assert torch.equal(torch.isinf(ours), torch.isinf(ref))
    finite = torch.isfinite(ref)
    torch.testing.assert_close(ours[finite], ref[finite])
    # mindestens ein Token bleibt pro Zeile übrig
    assert torch.isfinite(ours).any(dim=-1).all()


def test_known_values_top_k_and_top_p():
    logits = torch.log(torch.tensor([0.5, 0.3, 0.15, 0.05]))
    assert torch.isinf(filter_logits(logits, top_k=2)).tolist() == [False, False, True, True]
    # 0,5 + 0,3 = 0,8 ≥ 0,75: die ersten beiden reichen
    assert torch.isinf(filter_logits(logits, top_p=0.75)).tolist() == [False, False, True, True]
    assert torch.isinf(filter_logits(logits, top_p=0.81)).tolist() == [False, False, False, True]
    # Temperatur teilt die Logits
    torch.testing.assert_close(filter_logits(logits, temperature=0.5), logits * 2)


def test_one_dimensional_and_ties():
    logits = torch.tensor([1.0, 3.0, 3.0, 0.0])
    out = filter_logits(logits, top_k=1)
    assert out.shape == (4,)
    # Gleichstand an der Grenze: beide Maxima bleiben (wie TopKLogitsWarper)
    assert torch.isfinite(out).tolist() == [False, True, True, False]


def test_sample_respects_filters_and_generator():
    logits = torch.tensor([[2.0, 1.0, 0.5, -1.0, 0.0]]).repeat(200, 1)
    ids = sample(logits, top_k=2, generator=torch.Generator().manual_seed(1))
    assert ids.shape == (200,)
    assert set(ids.tolist()) <= {0, 1}
    assert len(set(ids.tolist())) == 2
    again = sample(logits, top_k=2, generator=torch.Generator().manual_seed(1))
    assert torch.equal(ids, again)
    single = sample(logits[0], top_k=1)
    assert single.dim() == 0 and single.item() == 0


def test_sample_frequencies_follow_temperature():
    logits = torch.log(torch.tensor([0.6, 0.3, 0.1])).repeat(20000, 1)
    gen = torch.Generator().manual_seed(2)
    ids = sample(logits, temperature=0.5, generator=gen)
    expected = torch.softmax(logits[0] / 0.5, dim=-1)
    observed = torch.bincount(ids, minlength=3).float() / len(ids)
    torch.testing.assert_close(observed, expected, atol=0.015, rtol=0)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"temperature": 0}, ValueError),
        ({"temperature": -1.0}, ValueError),
        ({"temperature": float("nan")}, ValueError),
        ({"temperature": "heiß"}, TypeError),
        ({"top_k": 0}, ValueError),
        ({"top_k": -3}, ValueError),
        ({"top_k": 2.5}, TypeError),
        ({"top_p": 0.0}, ValueError),
        ({"top_p": 1.2}, ValueError),
        ({"top_p": -0.1}, ValueError),
        ({"top_p": "0.9"}, TypeError),
    ],
)
def test_invalid_options(kwargs, error):
    logits = torch.randn(2, 5)
    with pytest.raises(error):
        filter_logits(logits, **kwargs)
    with pytest.raises(error):
        sample(logits, **kwargs)


def test_invalid_logits():
    with pytest.raises(TypeError):
        filter_logits([1.0, 2.0])
    with pytest.raises(TypeError):
        filter_logits(torch.tensor([1, 2, 3]))
    with pytest.raises(ValueError):
        filter_logits(torch.randn(2, 3, 4))
    with pytest.raises(ValueError):
        filter_logits(torch.randn(2, 0))
    with pytest.raises(TypeError):
        sample(torch.randn(3), generator=42)


def test_nan_empty_and_infinite_logits():
    with pytest.raises(ValueError, match="NaN"):
        filter_logits(torch.tensor([1.0, float("nan")]))
    with pytest.raises(ValueError, match="inf"):
        sample(torch.tensor([1.0, float("inf")]))
    with pytest.raises(ValueError, match="leer"):
        filter_logits(torch.zeros(0, 4))
    # −inf (ausgeschlossenes Token) ist erlaubt und bekommt Wahrscheinlichkeit 0
    logits = torch.tensor([0.0, float("-inf"), 1.0])
    draws = torch.stack([sample(logits, generator=torch.Generator().manual_seed(s))
                         for s in range(50)])
    assert (draws != 1).all()


def test_check_sampling_options_is_shared():
    from kibuch.text.sampling import check_sampling_options

    check_sampling_options(0.7, 5, 0.9)  # gültig: kein Fehler
    with pytest.raises(TypeError):
        check_sampling_options(True, None, None)
    with pytest.raises(ValueError):
        check_sampling_options(1.0, None, 0.0)
