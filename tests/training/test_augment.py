"""Augmentierung: Identität ohne Zufall, Reproduzierbarkeit, Formen und Fehler."""

import pytest
import torch

from kibuch.training.augment import AffineAugment, AugmentConfig, AugmentedBatches


def test_zero_augmentation_is_identity():
    x = torch.rand(3, 1, 28, 28)
    out = AffineAugment(AugmentConfig(0.0, 0.0, 0.0), seed=0)(x)
    torch.testing.assert_close(out, x, atol=1e-5, rtol=0)


def test_pure_shift_moves_pixels():
    x = torch.zeros(1, 1, 8, 8)
    x[0, 0, 4, 4] = 1.0
    aug = AffineAugment(AugmentConfig(max_shift=0.25, max_rotate=0.0, max_scale=0.0), seed=3)
    out = aug(x)[0, 0]
    assert out.shape == (8, 8) and out.sum() > 0.5  # der Punkt bleibt im Bild
    rows, cols = torch.meshgrid(torch.arange(8.0), torch.arange(8.0), indexing="ij")
    com = ((out * rows).sum() / out.sum(), (out * cols).sum() / out.sum())
    assert max(abs(com[0] - 4), abs(com[1] - 4)) <= 0.25 * 8 + 0.5  # höchstens max_shift·W
    assert max(abs(com[0] - 4), abs(com[1] - 4)) > 0.05  # aber verschoben


def test_same_seed_same_result_and_batches_wrapper():
    x = torch.rand(5, 1, 12, 12)
    a = AffineAugment(seed=7)(x)
    b = AffineAugment(seed=7)(x)
    torch.testing.assert_close(a, b)
    assert not torch.allclose(a, AffineAugment(seed=8)(x))
    loader = [(x, torch.arange(5))]
    wrapped = AugmentedBatches(loader, AffineAugment(seed=7))
    assert len(wrapped) == 1
    (xa, ya), = list(wrapped)
    torch.testing.assert_close(xa, a)
    assert ya.tolist() == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("kwargs, match", [
    ({"max_shift": -0.1}, "max_shift"), ({"max_shift": 0.9}, "max_shift"),
    ({"max_rotate": float("inf")}, "max_rotate"), ({"max_scale": "0.1"}, "max_scale"),
])
def test_config_rejects_bad_values(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        AugmentConfig(**kwargs)


def test_bad_inputs():
    with pytest.raises(ValueError, match="x muss die Form"):
        AffineAugment()(torch.rand(2, 8, 8))
    with pytest.raises(TypeError, match="seed"):
        AffineAugment(seed=1.5)
    with pytest.raises(TypeError, match="batches"):
        AugmentedBatches(5, AffineAugment())
    with pytest.raises(TypeError, match="augment"):
        AugmentedBatches([], "drehen")
