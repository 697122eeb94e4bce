"""Sequential, ModuleList and ModuleDict, as PyTorch's."""

from collections import OrderedDict

import pytest
from nn_helpers import assert_close, matmul, rand_var, transpose

import tinytorch.core as tt
from tinytorch import nn
from tinytorch.nn import Module


def names(pairs):
    return [name for name, _ in pairs]


def three():
    return nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)


# ------------------------------------------------------------------ Sequential
def test_sequential_calls_modules_in_order():
    a, r, b = three()
    seq = nn.Sequential(a, r, b)
    x = rand_var(4, 2)
    w1, b1 = a.weight.tolist(), a.bias.tolist()
    w2, b2 = b.weight.tolist(), b.bias.tolist()
    h = [[max(v + b1[j], 0.0) for j, v in enumerate(row)] for row in matmul(x.tolist(), transpose(w1))]
    expected = [[v + b2[j] for j, v in enumerate(row)] for row in matmul(h, transpose(w2))]
    assert_close(seq(x), expected)


def test_sequential_names_and_parameters():
    seq = nn.Sequential(*three())
    assert names(seq.named_children()) == ["0", "1", "2"]
    assert names(seq.named_parameters()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_sequential_indexing_and_negative_index():
    a, r, b = three()
    seq = nn.Sequential(a, r, b)
    assert seq[0] is a and seq[1] is r and seq[2] is b
    assert seq[-1] is b and seq[-3] is a


def test_sequential_index_out_of_range():
    seq = nn.Sequential(*three())
    with pytest.raises(IndexError):
        seq[3]
    with pytest.raises(IndexError):
        seq[-4]


def test_sequential_slice_is_a_sequential_of_the_same_modules():
    a, r, b = three()
    seq = nn.Sequential(a, r, b)
    tail = seq[1:]
    assert isinstance(tail, nn.Sequential)
    assert len(tail) == 2
    assert tail[0] is r and tail[1] is b
    assert names(tail.named_children()) == ["1", "2"]  # PyTorch keeps the names
    head = seq[:1]
    x = rand_var(3, 2)
    assert head(x).tolist() == a(x).tolist()
    assert len(seq[::2]) == 2 and seq[::2][1] is b


def test_sequential_len_and_iteration():
    mods = three()
    seq = nn.Sequential(*mods)
    assert len(seq) == 3
    assert list(seq) == list(mods)
    assert len(nn.Sequential()) == 0


def test_sequential_append_returns_self_and_registers():
    seq = nn.Sequential(nn.Linear(2, 2))
    extra = nn.Linear(2, 5)
    assert seq.append(extra) is seq
    assert len(seq) == 2 and seq[1] is extra
    assert names(seq.named_parameters())[-2:] == ["1.weight", "1.bias"]
    assert tuple(seq(rand_var(1, 2)).shape) == (1, 5)


def test_sequential_from_ordered_dict_uses_the_names():
    enc, act = nn.Linear(2, 3), nn.Tanh()
    seq = nn.Sequential(OrderedDict([("enc", enc), ("act", act)]))
    assert names(seq.named_children()) == ["enc", "act"]
    assert seq.enc is enc and seq[1] is act
    assert list(seq.state_dict()) == ["enc.weight", "enc.bias"]
    x = rand_var(2, 2)
    assert seq(x).tolist() == act(enc(x)).tolist()


def test_sequential_setitem_replaces_a_module():
    seq = nn.Sequential(*three())
    tanh = nn.Tanh()
    seq[1] = tanh
    assert seq[1] is tanh and len(seq) == 3
    assert names(seq.named_children()) == ["0", "1", "2"]


def test_empty_sequential_is_the_identity():
    x = tt.tensor([1.0, 2.0])
    assert nn.Sequential()(x).tolist() == [1.0, 2.0]


def test_nested_sequential_names():
    seq = nn.Sequential(nn.Sequential(nn.Linear(1, 2)), nn.ReLU())
    assert names(seq.named_parameters()) == ["0.0.weight", "0.0.bias"]
    assert names(seq.named_modules()) == ["", "0", "0.0", "1"]


def test_sequential_repr_as_pytorch():
    # strings printed by torch 2.13
    seq = nn.Sequential(OrderedDict([("enc", nn.Linear(2, 3)), ("act", nn.Tanh())]))
    assert repr(seq) == (
        "Sequential(\n  (enc): Linear(in_features=2, out_features=3, bias=True)\n  (act): Tanh()\n)"
    )
    assert repr(nn.Sequential()) == "Sequential()"
    assert repr(nn.Sequential(nn.Sequential(nn.Linear(1, 2)), nn.ReLU())) == (
        "Sequential(\n  (0): Sequential(\n    (0): Linear(in_features=1, out_features=2, bias=True)\n  )\n"
        "  (1): ReLU()\n)"
    )
    # Sequential does not fold repeated modules (ModuleList does, below)
    assert repr(nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))) == (
        "Sequential(\n  (0): Linear(in_features=2, out_features=2, bias=True)\n"
        "  (1): Linear(in_features=2, out_features=2, bias=True)\n)"
    )


# ------------------------------------------------------------------ ModuleList
def test_modulelist_indexing_len_iteration():
    mods = three()
    ml = nn.ModuleList(mods)
    assert len(ml) == 3
    assert list(ml) == list(mods)
    assert ml[0] is mods[0] and ml[-1] is mods[2]
    assert len(nn.ModuleList()) == 0


def test_modulelist_append_extend_and_names():
    ml = nn.ModuleList()
    a, b, c = nn.Linear(1, 1), nn.Linear(1, 2), nn.Linear(2, 2)
    assert ml.append(a) is ml
    assert ml.extend([b, c]) is ml
    assert list(ml) == [a, b, c]
    assert names(ml.named_children()) == ["0", "1", "2"]
    assert names(ml.named_parameters()) == [
        "0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias",
    ]


def test_modulelist_slice_is_a_renumbered_modulelist():
    mods = three()
    ml = nn.ModuleList(mods)
    part = ml[1:]
    assert isinstance(part, nn.ModuleList)
    assert list(part) == list(mods[1:])
    assert names(part.named_children()) == ["0", "1"]  # as PyTorch: renumbered


def test_modulelist_setitem():
    ml = nn.ModuleList(three())
    tanh = nn.Tanh()
    ml[1] = tanh
    assert ml[1] is tanh and len(ml) == 3


def test_modulelist_index_out_of_range():
    with pytest.raises(IndexError):
        nn.ModuleList(three())[3]


def test_modulelist_used_in_a_model():
    class Stack(Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    m = Stack()
    assert len(list(m.parameters())) == 6
    x = rand_var(1, 2)
    assert m(x).tolist() == m.layers[2](m.layers[1](m.layers[0](x))).tolist()
    m.eval()
    assert all(not layer.training for layer in m.layers)


def test_modulelist_repr_as_pytorch():
    # torch 2.13 folds consecutive modules whose reprs are equal: "(0-2): 3 x ..."
    ml = nn.ModuleList([nn.Linear(2, 2), nn.ReLU()])
    assert repr(ml) == "ModuleList(\n  (0): Linear(in_features=2, out_features=2, bias=True)\n  (1): ReLU()\n)"
    assert repr(nn.ModuleList()) == "ModuleList()"


def test_modulelist_repr_folds_repeated_modules_as_pytorch():
    ml = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU()])
    assert repr(ml) == (
        "ModuleList(\n  (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)\n  (3): ReLU()\n)"
    )


# ------------------------------------------------------------------ ModuleDict
def test_moduledict_access_and_registration():
    a, b = nn.Linear(2, 3), nn.ReLU()
    md = nn.ModuleDict({"fc": a, "act": b})
    assert md["fc"] is a and md["act"] is b
    assert len(md) == 2
    assert list(md) == ["fc", "act"]
    assert list(md.keys()) == ["fc", "act"]
    assert list(md.values()) == [a, b]
    assert list(md.items()) == [("fc", a), ("act", b)]
    assert "fc" in md and "nope" not in md
    assert names(md.named_parameters()) == ["fc.weight", "fc.bias"]
    assert md.fc is a  # also an attribute, as in PyTorch


def test_moduledict_from_pairs_and_ordered_dict():
    a, b = nn.Linear(1, 1), nn.Tanh()
    assert list(nn.ModuleDict([("x", a), ("y", b)]).keys()) == ["x", "y"]
    assert list(nn.ModuleDict(OrderedDict([("y", b), ("x", a)])).keys()) == ["y", "x"]


def test_moduledict_setitem_delitem_and_missing_key():
    md = nn.ModuleDict()
    assert len(md) == 0
    md["enc"] = nn.Linear(2, 2)
    assert names(md.named_parameters()) == ["enc.weight", "enc.bias"]
    del md["enc"]
    assert len(md) == 0 and list(md.parameters()) == []
    with pytest.raises(KeyError):
        md["enc"]


def test_moduledict_in_a_model_state_dict_and_repr():
    class Heads(Module):
        def __init__(self):
            super().__init__()
            self.heads = nn.ModuleDict({"a": nn.Linear(2, 1, bias=False), "b": nn.Identity()})

    m = Heads()
    assert list(m.state_dict()) == ["heads.a.weight"]
    assert repr(m) == (
        "Heads(\n  (heads): ModuleDict(\n    (a): Linear(in_features=2, out_features=1, bias=False)\n"
        "    (b): Identity()\n  )\n)"
    )
    assert repr(nn.ModuleDict()) == "ModuleDict()"
