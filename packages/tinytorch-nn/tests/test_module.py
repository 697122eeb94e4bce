"""Module and Parameter: registration, walking the tree, modes, state_dict, hooks, repr."""

from collections import OrderedDict

import pytest
from nn_helpers import assert_close, flat, grad_of, rand_var

import tinytorch.core as tt
from tinytorch import nn
from tinytorch.autograd import Variable
from tinytorch.nn import Module, Parameter


# ------------------------------------------------------------------ models used below
class Block(Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.fc(x))


class Scaled(Module):
    """One parameter, one buffer, one submodule, one plain attribute."""

    def __init__(self):
        super().__init__()
        self.scale = Parameter(tt.tensor([2.0, 3.0]))
        self.register_buffer("offset", tt.tensor([0.5, -0.5]))
        self.inner = nn.Linear(2, 2)
        self.note = "not a part"
        self.plain = tt.ones(2)  # a Tensor that is not a Parameter: not registered

    def forward(self, x):
        return self.inner(x) * self.scale + self.offset


class Tree(Module):
    def __init__(self):
        super().__init__()
        self.first = Block()
        self.second = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 2))


def names(pairs):
    return [name for name, _ in pairs]


# ------------------------------------------------------------------ Parameter
def test_parameter_requires_grad_and_is_a_variable():
    p = Parameter(tt.zeros(2, 3))
    assert isinstance(p, Variable)
    assert p.requires_grad is True
    assert p.is_leaf
    assert p.shape == (2, 3)


def test_parameter_requires_grad_false():
    p = Parameter(tt.zeros(2), requires_grad=False)
    assert p.requires_grad is False


def test_parameter_from_variable_keeps_the_values():
    v = Variable(tt.tensor([1.0, 2.0]))
    p = Parameter(v)
    assert p.requires_grad is True
    assert p.tolist() == [1.0, 2.0]


def test_parameter_repr_as_pytorch():
    # torch: repr(nn.Parameter(torch.tensor([1., 2.])))
    assert repr(Parameter(tt.tensor([1.0, 2.0]))) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"


# ------------------------------------------------------------------ registration
def test_attribute_assignment_registers_parameters_buffers_and_modules():
    m = Scaled()
    assert names(m.named_parameters()) == ["scale", "inner.weight", "inner.bias"]
    assert names(m.named_buffers()) == ["offset"]
    assert names(m.named_children()) == ["inner"]
    assert m.scale.tolist() == [2.0, 3.0]
    assert m.offset.tolist() == [0.5, -0.5]
    assert m.note == "not a part"
    assert isinstance(m.inner, nn.Linear)


def test_plain_tensor_attribute_is_not_a_parameter_or_buffer():
    m = Scaled()
    assert all(p is not m.plain for p in m.parameters())
    assert all(b is not m.plain for b in m.buffers())
    assert "plain" not in m.state_dict()


def test_parameters_are_the_registered_objects():
    m = Scaled()
    params = list(m.parameters())
    assert params[0] is m.scale
    assert params[1] is m.inner.weight
    assert params[2] is m.inner.bias
    assert all(isinstance(p, Parameter) for p in params)


def test_reassigning_a_name_moves_it_between_kinds():
    m = Scaled()
    m.inner = Parameter(tt.zeros(1))
    assert "inner" in names(m.named_parameters())
    assert list(m.children()) == []
    m.scale = nn.Identity()
    assert "scale" not in names(m.named_parameters())
    assert names(m.named_children()) == ["scale"]


def test_assigning_a_tensor_to_a_parameter_name_is_refused():
    m = Scaled()
    with pytest.raises(TypeError, match="scale"):
        m.scale = tt.zeros(2)


def test_assigning_none_to_a_parameter_removes_it_from_parameters():
    m = Scaled()
    m.scale = None
    assert m.scale is None
    assert names(m.named_parameters()) == ["inner.weight", "inner.bias"]
    assert "scale" not in m.state_dict()


def test_assigning_a_tensor_to_a_buffer_name_replaces_the_buffer():
    m = Scaled()
    m.offset = tt.tensor([7.0, 8.0])
    assert names(m.named_buffers()) == ["offset"]
    assert m.state_dict()["offset"].tolist() == [7.0, 8.0]


def test_delattr_unregisters():
    m = Scaled()
    del m.scale
    del m.inner
    assert names(m.named_parameters()) == []
    with pytest.raises(AttributeError):
        m.scale


def test_missing_attribute_error_names_the_class_and_attribute():
    with pytest.raises(AttributeError, match="'Scaled' object has no attribute 'nothing'"):
        Scaled().nothing


def test_register_buffer_and_non_persistent_buffer():
    m = Module()
    m.register_buffer("kept", tt.zeros(2))
    m.register_buffer("scratch", tt.ones(3), persistent=False)
    assert names(m.named_buffers()) == ["kept", "scratch"]
    assert list(m.state_dict()) == ["kept"]
    assert list(m.parameters()) == []
    assert m.scratch.tolist() == [1.0, 1.0, 1.0]


def test_register_buffer_refuses_a_non_tensor():
    with pytest.raises(TypeError):
        Module().register_buffer("b", [1.0, 2.0])


def test_register_parameter_and_add_module():
    m = Module()
    m.register_parameter("w", Parameter(tt.ones(2)))
    m.add_module("child", nn.Linear(2, 1))
    assert names(m.named_parameters()) == ["w", "child.weight", "child.bias"]
    with pytest.raises(TypeError):
        m.register_parameter("x", tt.ones(2))
    with pytest.raises(TypeError):
        m.add_module("y", 3)


# ---------------------------------------------------------- forgetting super().__init__()
class NoSuperParam(Module):
    def __init__(self):
        self.w = Parameter(tt.zeros(2))


class NoSuperModule(Module):
    def __init__(self):
        self.fc = nn.Linear(2, 2)


class NoSuperBuffer(Module):
    def __init__(self):
        self.register_buffer("b", tt.zeros(2))


@pytest.mark.parametrize("cls", [NoSuperParam, NoSuperModule, NoSuperBuffer])
def test_forgetting_super_init_says_to_call_it(cls):
    with pytest.raises(AttributeError, match=r"super\(\)\.__init__\(\)"):
        cls()


# ------------------------------------------------------------------ plain list vs ModuleList
class InAList(Module):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Linear(2, 2), nn.Linear(2, 2)]


class InAModuleList(Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 3)])


def test_parameters_in_a_plain_list_are_not_registered():
    m = InAList()
    assert list(m.parameters()) == []
    assert list(m.children()) == []
    assert list(m.state_dict()) == []


def test_modulelist_registers_its_parameters():
    m = InAModuleList()
    assert names(m.named_parameters()) == [
        "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
    ]
    assert [tuple(p.shape) for p in m.parameters()] == [(2, 2), (2,), (3, 2), (3,)]


# ------------------------------------------------------------------ walking the tree
def test_named_parameters_have_dotted_names_in_registration_order():
    assert names(Tree().named_parameters()) == [
        "first.fc.weight", "first.fc.bias",
        "second.0.weight", "second.0.bias", "second.2.weight", "second.2.bias",
    ]


def test_named_parameters_prefix_and_recurse():
    m = Scaled()
    assert names(m.named_parameters(prefix="model")) == ["model.scale", "model.inner.weight", "model.inner.bias"]
    assert names(m.named_parameters(recurse=False)) == ["scale"]
    assert [p is m.scale for p in m.parameters(recurse=False)] == [True]


class Shared(Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 2)
        self.b = self.a  # the same module twice
        self.w = Parameter(tt.ones(2))
        self.c = Module()
        self.c.w = self.w  # the same parameter in another module


def test_shared_parameters_and_modules_are_listed_once():
    m = Shared()
    # as PyTorch: the module's own parameters first, then each submodule's
    assert names(m.named_parameters()) == ["w", "a.weight", "a.bias"]
    assert len(list(m.parameters())) == 3
    assert names(m.named_modules()) == ["", "a", "c"]


def test_state_dict_keeps_every_name_of_a_shared_parameter():
    # PyTorch's state_dict lists a tied parameter under each of its names
    assert list(Shared().state_dict()) == ["w", "a.weight", "a.bias", "b.weight", "b.bias", "c.w"]


def test_children_and_named_children_are_direct_only():
    m = Tree()
    assert names(m.named_children()) == ["first", "second"]
    kids = list(m.children())
    assert kids[0] is m.first and kids[1] is m.second


def test_modules_and_named_modules_preorder_with_self_first():
    m = Tree()
    assert names(m.named_modules()) == [
        "", "first", "first.fc", "first.act", "second", "second.0", "second.1", "second.2",
    ]
    mods = list(m.modules())
    assert mods[0] is m
    assert mods[2] is m.first.fc
    assert len(mods) == 8


def test_buffers_of_submodules_have_dotted_names():
    m = Module()
    m.child = Scaled()
    assert names(m.named_buffers()) == ["child.offset"]
    assert [b.tolist() for b in m.buffers()] == [[0.5, -0.5]]


# ------------------------------------------------------------------ modes and helpers
def test_train_and_eval_propagate_and_return_self():
    m = Tree()
    assert m.training and all(x.training for x in m.modules())
    assert m.eval() is m
    assert not m.training
    assert all(not x.training for x in m.modules())
    assert m.train() is m
    assert all(x.training for x in m.modules())
    m.train(False)
    assert all(not x.training for x in m.modules())


def test_eval_on_a_child_leaves_the_parent_alone():
    m = Tree()
    m.second.eval()
    assert m.training and m.first.training and m.first.fc.training
    assert not m.second.training and not m.second[0].training


def test_zero_grad_sets_gradients_to_none():
    m = Block()
    m(rand_var(2, 3)).sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())


def test_zero_grad_set_to_none_false_gives_zeros():
    m = Block()
    m(rand_var(2, 3, low=0.5, high=1.0)).sum().backward()
    m.zero_grad(set_to_none=False)
    for p in m.parameters():
        g = grad_of(p)
        assert tuple(g.shape) == tuple(p.shape)
        assert flat(g) == [0.0] * p.numel()


def test_gradients_accumulate_until_zero_grad():
    m = Module()
    m.w = Parameter(tt.tensor([1.0, 2.0]))
    (m.w * 3.0).sum().backward()
    (m.w * 3.0).sum().backward()
    assert flat(grad_of(m.w)) == [6.0, 6.0]
    m.zero_grad()
    (m.w * 3.0).sum().backward()
    assert flat(grad_of(m.w)) == [3.0, 3.0]


def test_requires_grad_():
    m = Tree()
    assert m.requires_grad_(False) is m
    assert all(not p.requires_grad for p in m.parameters())
    m.requires_grad_()
    assert all(p.requires_grad for p in m.parameters())


def test_apply_visits_children_first_then_self():
    m = Tree()
    seen = []
    assert m.apply(lambda mod: seen.append(type(mod).__name__)) is m
    assert seen == ["Linear", "ReLU", "Block", "Linear", "Tanh", "Linear", "Sequential", "Tree"]


def test_apply_can_initialise_weights():
    m = Tree()

    def fill(mod):
        if isinstance(mod, nn.Linear):
            mod.weight.data.fill_(0.25)
            mod.bias.data.zero_()

    m.apply(fill)
    for name, p in m.named_parameters():
        assert set(flat(p)) == ({0.25} if name.endswith("weight") else {0.0}), name


# ------------------------------------------------------------------ calling
class Affine(Module):
    def __init__(self):
        super().__init__()
        self.calls = 0

    def forward(self, x, scale=1.0, shift=0.0):
        self.calls += 1
        return x * scale + shift


def test_call_runs_forward_with_args_and_kwargs():
    m = Affine()
    out = m(tt.tensor([1.0, 2.0]), 3.0, shift=1.0)
    assert out.tolist() == [4.0, 7.0]
    assert m.calls == 1


def test_module_without_forward_raises_not_implemented():
    with pytest.raises(NotImplementedError, match="Module"):
        Module()(tt.ones(1))


def test_forward_hook_sees_inputs_and_output_and_can_be_removed():
    m = Affine()
    calls = []
    handle = m.register_forward_hook(lambda mod, inputs, output: calls.append((mod, inputs, output.tolist())))
    x = tt.tensor([1.0, 2.0])
    m(x, 2.0)
    assert len(calls) == 1
    mod, inputs, out = calls[0]
    assert mod is m
    assert isinstance(inputs, tuple) and inputs[0] is x and inputs[1] == 2.0
    assert out == [2.0, 4.0]
    handle.remove()
    m(x)
    assert len(calls) == 1


def test_forward_hook_return_value_replaces_the_output():
    m = Affine()
    m.register_forward_hook(lambda mod, inputs, output: output * 10.0)
    assert m(tt.tensor([1.0])).tolist() == [10.0]


def test_forward_hooks_run_in_registration_order():
    m = Affine()
    order = []
    m.register_forward_hook(lambda *a: order.append("first"))
    h = m.register_forward_hook(lambda *a: order.append("second"))
    m(tt.tensor([1.0]))
    h.remove()
    m(tt.tensor([1.0]))
    assert order == ["first", "second", "first"]


def test_forward_hook_on_a_submodule_fires_inside_the_parent():
    m = Tree()
    shapes = []
    m.first.fc.register_forward_hook(lambda mod, inputs, output: shapes.append(tuple(output.shape)))
    m.second(m.first(rand_var(5, 3)))
    assert shapes == [(5, 4)]


# ------------------------------------------------------------------ state_dict
def test_state_dict_keys_order_and_values():
    m = Scaled()
    sd = m.state_dict()
    assert list(sd) == ["scale", "offset", "inner.weight", "inner.bias"]
    assert all(isinstance(v, tt.Tensor) for v in sd.values())  # Tensors, not Variables
    assert sd["scale"].tolist() == [2.0, 3.0]
    assert sd["inner.weight"].tolist() == m.inner.weight.tolist()


def test_state_dict_of_nested_model():
    sd = Tree().state_dict()
    assert [(k, tuple(v.shape)) for k, v in sd.items()] == [
        ("first.fc.weight", (4, 3)), ("first.fc.bias", (4,)),
        ("second.0.weight", (5, 4)), ("second.0.bias", (5,)),
        ("second.2.weight", (2, 5)), ("second.2.bias", (2,)),
    ]


def test_state_dict_keep_vars_gives_the_parameters():
    m = Scaled()
    sd = m.state_dict(keep_vars=True)
    assert sd["scale"] is m.scale


def test_load_state_dict_round_trip_copies_in_place():
    a, b = Tree(), Tree()
    weight_before = b.first.fc.weight
    result = b.load_state_dict(a.state_dict())
    assert list(result.missing_keys) == [] and list(result.unexpected_keys) == []
    missing, unexpected = result  # a (missing, unexpected) pair
    assert list(missing) == [] and list(unexpected) == []
    assert b.first.fc.weight is weight_before  # the same Parameter, new values
    for (na, pa), (nb, pb) in zip(a.named_parameters(), b.named_parameters()):
        assert na == nb and pa.tolist() == pb.tolist()
    x = rand_var(2, 3)
    assert b.second(b.first(x)).tolist() == a.second(a.first(x)).tolist()


def test_load_state_dict_loads_buffers():
    a, b = Scaled(), Scaled()
    a.offset = tt.tensor([9.0, 8.0])
    b.load_state_dict(a.state_dict())
    assert b.offset.tolist() == [9.0, 8.0]


def test_load_state_dict_does_not_alias_the_source():
    a, b = Scaled(), Scaled()
    sd = a.state_dict()
    b.load_state_dict(sd)
    sd["scale"].fill_(100.0)
    assert b.scale.tolist() == [2.0, 3.0]


def test_load_state_dict_accepts_parameters_as_values():
    a, b = Scaled(), Scaled()
    a.scale.data.fill_(4.0)
    b.load_state_dict(a.state_dict(keep_vars=True))
    assert b.scale.tolist() == [4.0, 4.0]


def _snapshot(m):
    return {k: v.tolist() for k, v in m.state_dict().items()}


def test_strict_load_lists_missing_keys_and_loads_nothing():
    src, dst = Scaled(), Scaled()
    src.scale.data.fill_(42.0)
    sd = src.state_dict()
    del sd["inner.bias"]
    del sd["offset"]
    before = _snapshot(dst)
    with pytest.raises(RuntimeError) as info:
        dst.load_state_dict(sd)
    message = str(info.value)
    assert "inner.bias" in message and "offset" in message
    assert "missing" in message.lower()
    assert "Scaled" in message
    assert _snapshot(dst) == before  # "scale" was not half-loaded


def test_strict_load_lists_unexpected_keys_and_loads_nothing():
    src, dst = Scaled(), Scaled()
    src.scale.data.fill_(42.0)
    sd = src.state_dict()
    sd["extra.weight"] = tt.zeros(2)
    sd["bogus"] = tt.zeros(1)
    before = _snapshot(dst)
    with pytest.raises(RuntimeError) as info:
        dst.load_state_dict(sd)
    message = str(info.value)
    assert "extra.weight" in message and "bogus" in message
    assert "unexpected" in message.lower()
    assert _snapshot(dst) == before


def test_load_lists_wrongly_shaped_keys_with_both_shapes():
    src, dst = Scaled(), Scaled()
    src.scale.data.fill_(42.0)
    sd = src.state_dict()
    sd["inner.weight"] = tt.zeros(3, 2)
    before = _snapshot(dst)
    with pytest.raises(RuntimeError) as info:
        dst.load_state_dict(sd)
    message = str(info.value)
    assert "inner.weight" in message
    assert "(3, 2)" in message and "(2, 2)" in message
    assert _snapshot(dst) == before


def test_strict_load_lists_all_problems_in_one_error():
    dst = Scaled()
    sd = Scaled().state_dict()
    del sd["offset"]
    sd["stray"] = tt.zeros(1)
    sd["scale"] = tt.zeros(5)
    with pytest.raises(RuntimeError) as info:
        dst.load_state_dict(sd)
    message = str(info.value)
    assert "offset" in message and "stray" in message and "scale" in message and "(5,)" in message


def test_non_strict_load_returns_missing_and_unexpected_and_loads_the_rest():
    src, dst = Scaled(), Scaled()
    src.scale.data.fill_(42.0)
    sd = src.state_dict()
    del sd["inner.bias"]
    sd["stray"] = tt.zeros(1)
    bias_before = dst.inner.bias.tolist()
    missing, unexpected = dst.load_state_dict(sd, strict=False)
    assert list(missing) == ["inner.bias"]
    assert list(unexpected) == ["stray"]
    assert dst.scale.tolist() == [42.0, 42.0]
    assert dst.inner.weight.tolist() == src.inner.weight.tolist()
    assert dst.inner.bias.tolist() == bias_before


def test_non_strict_load_still_refuses_wrong_shapes():
    # as PyTorch: a size mismatch is an error even with strict=False
    dst = Scaled()
    sd = Scaled().state_dict()
    sd["scale"] = tt.zeros(3)
    with pytest.raises(RuntimeError, match="scale"):
        dst.load_state_dict(sd, strict=False)


# ------------------------------------------------------------------ repr
class Net(Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5))
        self.norm = nn.LayerNorm(8)
        self.heads = nn.ModuleDict({"a": nn.Linear(8, 2, bias=False)})
        self.blocks = nn.ModuleList([Block(), nn.Tanh()])
        self.emb = nn.Embedding(10, 3, padding_idx=0)


# printed by torch 2.13 for the same structure (tests/parity checks it against the live torch)
NET_REPR = (
    "Net(\n"
    "  (features): Sequential(\n"
    "    (0): Linear(in_features=4, out_features=8, bias=True)\n"
    "    (1): ReLU()\n"
    "    (2): Dropout(p=0.5, inplace=False)\n"
    "  )\n"
    "  (norm): LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)\n"
    "  (heads): ModuleDict(\n"
    "    (a): Linear(in_features=8, out_features=2, bias=False)\n"
    "  )\n"
    "  (blocks): ModuleList(\n"
    "    (0): Block(\n"
    "      (fc): Linear(in_features=3, out_features=4, bias=True)\n"
    "      (act): ReLU()\n"
    "    )\n"
    "    (1): Tanh()\n"
    "  )\n"
    "  (emb): Embedding(10, 3, padding_idx=0)\n"
    ")"
)


def test_repr_of_a_nested_model_as_pytorch():
    assert repr(Net()) == NET_REPR


def test_repr_of_a_module_without_parts():
    class Empty(Module):
        pass

    assert repr(Empty()) == "Empty()"


def test_repr_with_extra_repr_and_children():
    class WithExtra(Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(1, 1)

        def extra_repr(self):
            return "size=3"

    # torch prints extra_repr's lines first, then the children
    assert repr(WithExtra()) == (
        "WithExtra(\n  size=3\n  (fc): Linear(in_features=1, out_features=1, bias=True)\n)"
    )


def test_repr_with_multiline_extra_repr():
    class Multi(Module):
        def extra_repr(self):
            return "a=1\nb=2"

    assert repr(Multi()) == "Multi(\n  a=1\n  b=2\n)"


def test_dir_lists_registered_parts():
    d = dir(Scaled())
    assert "scale" in d and "offset" in d and "inner" in d and "forward" in d


def test_a_model_of_modules_trains_one_step():
    # the parts work together: forward, loss, backward, a manual SGD step lowers the loss
    tt.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    x = rand_var(8, 3, requires_grad=False)
    y = rand_var(8, 1, seed=1, requires_grad=False)
    loss_fn = nn.MSELoss()
    first = loss_fn(model(x), y)
    first.backward()
    for p in model.parameters():
        p.data.sub_(grad_of(p) * 0.1)
    model.zero_grad()
    second = loss_fn(model(x), y)
    assert second.item() < first.item()


def test_ordered_dict_state_dict_is_ordered():
    assert isinstance(Scaled().state_dict(), OrderedDict)


def test_output_of_scaled_matches_plain_python():
    m = Scaled()
    m.inner.weight.data.copy_(tt.tensor([[1.0, 2.0], [3.0, 4.0]]))
    m.inner.bias.data.copy_(tt.tensor([0.1, 0.2]))
    out = m(tt.tensor([[1.0, -1.0]]))
    # inner: [1-2+0.1, 3-4+0.2] = [-0.9, -0.8]; * [2, 3] + [0.5, -0.5]
    assert_close(out, [[-0.9 * 2 + 0.5, -0.8 * 3 - 0.5]])
