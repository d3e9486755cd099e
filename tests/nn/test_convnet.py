"""ConvNet: Formen, Normierung, Embedding und Fehlermeldungen."""

import pytest
import torch
from torch import nn

from kibuch.nn.convnet import ConvNet, ConvNetConfig, conv_block


def test_shapes_for_mnist_and_digits():
    net = ConvNet(ConvNetConfig()).eval()
    x = torch.randn(4, 1, 28, 28)
    assert net(x).shape == (4, 10)
    assert net.embed(x).shape == (4, 128 * 9)
    small = ConvNet(ConvNetConfig(grid=2)).eval()
    assert small(torch.randn(2, 1, 8, 8)).shape == (2, 10)


def test_normalisation_matches_manual_reference():
    torch.manual_seed(0)
    cfg = ConvNetConfig(channels=(4,), grid=1, mean=0.3, std=0.5, dropout=0.0)
    net = ConvNet(cfg).eval()
    x = torch.rand(3, 1, 6, 6)
    block = net.features[0]
    ref = block((x - 0.3) / 0.5).mean(dim=(2, 3))  # AdaptiveAvgPool2d(1) = Mittel je Kanal
    torch.testing.assert_close(net.embed(x), ref)
    assert net.mean.item() == pytest.approx(0.3) and "mean" in net.state_dict()


def test_conv_block_layers():
    block = conv_block(1, 8, pool=True)
    assert [type(m) for m in block] == [nn.Conv2d, nn.BatchNorm2d, nn.ReLU, nn.MaxPool2d]
    assert block[0].bias is None  # BatchNorm bringt den Bias mit
    assert block(torch.randn(2, 1, 8, 8)).shape == (2, 8, 4, 4)


@pytest.mark.parametrize("kwargs, match", [
    ({"channels": ()}, "channels"),
    ({"channels": (8, 0)}, "channels"),
    ({"channels": "32"}, "channels"),
    ({"grid": 0}, "grid"),
    ({"std": 0.0}, "std"),
    ({"mean": float("nan")}, "mean"),
    ({"dropout": 1.0}, "dropout"),
    ({"n_classes": 1}, "n_classes"),
])
def test_config_rejects_bad_values(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        ConvNetConfig(**kwargs)


def test_embed_rejects_wrong_input():
    net = ConvNet()
    with pytest.raises(ValueError, match="x muss die Form"):
        net.embed(torch.randn(2, 28, 28))
    with pytest.raises(TypeError, match="x"):
        net.embed([[0.0]])
    with pytest.raises(TypeError, match="config"):
        ConvNet("klein")
