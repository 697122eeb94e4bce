"""Fit a line with nn.Linear, SGD and MSELoss: the whole training loop in a few lines.

    python examples/linear_regression.py            # about a second
    python examples/linear_regression.py --epochs 5

Needs tinytorch-nn (python -m pip install ./packages/tinytorch-nn).
"""

import argparse
import sys
import time

import tinytorch.core as tt
from tinytorch import nn, optim
from tinytorch.autograd import no_grad
from tinytorch.utils.data import DataLoader, TensorDataset
from tinytorch.utils.data.toy import make_regression_line
from tinytorch.utils.progress import Progress

SLOPE, INTERCEPT = 2.0, -1.0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10, help="passes over the data (default 10)")
    parser.add_argument("--lr", type=float, default=0.1, help="SGD learning rate (default 0.1)")
    parser.add_argument("--seed", type=int, default=0, help="seeds the data, the weights and the shuffle")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    tt.manual_seed(args.seed)  # the initial weights and the shuffle order

    # 200 points near y = 2x - 1, in mini-batches of 16
    X, y = make_regression_line(200, slope=SLOPE, intercept=INTERCEPT, noise=0.1, seed=args.seed)
    loader = DataLoader(TensorDataset(X, y), batch_size=16, shuffle=True)

    model = nn.Linear(1, 1)  # y_hat = w x + b
    loss_fn = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=args.lr)

    progress = Progress(desc="fit", unit="sample", file=sys.stdout)
    for epoch in range(1, args.epochs + 1):
        for xb, yb in progress(loader, epoch=epoch, epochs=args.epochs):
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()  # gradients add up: clear last step's
            loss.backward()        # d loss / d w and d loss / d b
            optimizer.step()       # w -= lr * w.grad, b -= lr * b.grad
            progress.update(loss=loss, n=len(yb))

    with no_grad():
        mse = loss_fn(model(X), y).item()
    w, b = model.weight.item(), model.bias.item()
    print(f"learned y = {w:.3f} x {b:+.3f}   (true: y = {SLOPE:g} x {INTERCEPT:+g})")
    print(f"mean squared error {mse:.4f} (the noise alone gives about 0.01)")
    print(f"done in {time.perf_counter() - start:.2f} s")
    if abs(w - SLOPE) > 0.1 or abs(b - INTERCEPT) > 0.1:
        print("the fit did not converge: try more --epochs or another --lr", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
