"""tinyTorch in one minute: tensors, swapping a kernel, and fitting a line with autograd.

    python examples/quickstart.py
"""

import tinytorch.core as tt
from tinytorch.autograd import Variable, no_grad
from tinytorch.core.plugins import explain, use_kernel

# --- 1. tensors: PyTorch's names, plain Python lists underneath ------------------
a = tt.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print("a =", a)
print("a.T is a view:", a.T.storage is a.storage, "strides", a.T.strides)
print("a @ a.T =", a @ a.T)
print("softmax of big logits stays finite:", tt.tensor([1000.0, 1001.0]).softmax(0))


# --- 2. swap a kernel: every op goes through the op registry ---------------------
def shouty_relu(x):
    print("  (my relu kernel ran)")
    return tt.where(x > 0, x, 0.0)


with use_kernel("relu", shouty_relu):
    print(explain("relu"))
    print("relu:", tt.tensor([-1.0, 2.0]).relu())
print("restored:", explain("relu").provider)

# --- 3. fit y = 3x - 1 by gradient descent -------------------------------------
tt.manual_seed(0)
x = tt.linspace(-1, 1, 50).reshape(50, 1)
y = 3 * x - 1 + 0.1 * tt.randn(50, 1)
w = Variable(tt.zeros(1, 1), requires_grad=True)
b = Variable(tt.zeros(1), requires_grad=True)
for step in range(1, 201):
    loss = ((x @ w + b - y) ** 2).mean()
    loss.backward()
    with no_grad():
        w -= 0.1 * w.grad
        b -= 0.1 * b.grad
    w.grad = b.grad = None
    if step % 50 == 0:
        print(f"step {step:3d}  loss {loss.item():.4f}  w {w.item():+.3f}  b {b.item():+.3f}")
if abs(w.item() - 3) > 0.1 or abs(b.item() + 1) > 0.1:
    raise SystemExit("the fit did not converge")
print(f"learned y = {w.item():.2f} x {b.item():+.2f} (true: 3x - 1)")
