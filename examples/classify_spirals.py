"""Classify three interleaved spirals with an MLP: Adam, a learning-rate schedule,
a progress display, loss and accuracy curves in an SVG, and saving and reloading
the weights.

    python examples/classify_spirals.py                  # about 8 seconds
    python examples/classify_spirals.py --epochs 5 --out /tmp/spirals

Writes, in --out (default: the current directory):
    spirals_curves.svg        loss and accuracy per epoch: open it in a browser
    spirals_history.csv       the same numbers
    spirals_mlp.safetensors   the trained weights (tinytorch.nn.save)

Exits with status 1 if the validation accuracy ends below --min-accuracy, or
if the reloaded weights do not give the same predictions.
Needs tinytorch-nn (python -m pip install ./packages/tinytorch-nn).
"""

import argparse
import sys
import time
from pathlib import Path

import tinytorch.core as tt
from tinytorch import nn, optim
from tinytorch.autograd import no_grad
from tinytorch.utils.data import DataLoader, TensorDataset
from tinytorch.utils.data.toy import make_spirals
from tinytorch.utils.history import History
from tinytorch.utils.progress import Progress

N_CLASSES = 3


def make_model(hidden=64):
    """2 inputs (x, y of a point) -> two hidden ReLU layers -> one score per class."""
    return nn.Sequential(
        nn.Linear(2, hidden), nn.ReLU(),
        nn.Linear(hidden, hidden), nn.ReLU(),
        nn.Linear(hidden, N_CLASSES),
    )


def evaluate(model, X, y, loss_fn):
    """Loss and accuracy on (X, y), without building a graph, in eval mode."""
    model.eval()
    with no_grad():
        scores = model(X)
        loss = loss_fn(scores, y).item()
        predictions = scores.argmax(dim=1)
        accuracy = (predictions == y).float().mean().item()
    model.train()
    return loss, accuracy, predictions.tolist()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20, help="passes over the data (default 20)")
    parser.add_argument("--out", type=Path, default=Path("."), help="where to write the files")
    parser.add_argument("--lr", type=float, default=0.01, help="Adam's starting learning rate")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--samples", type=int, default=600, help="points in the data set")
    parser.add_argument("--min-accuracy", type=float, default=0.9,
                        help="fail (exit 1) below this validation accuracy (default 0.9)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    start = time.perf_counter()
    tt.manual_seed(args.seed)  # the model's initial weights

    # --- data: 3 spiral arms, shuffled; 80% to train on, 20% held out -----------
    X, y = make_spirals(args.samples, n_classes=N_CLASSES, noise=0.2, seed=args.seed)
    n_train = int(0.8 * len(y))
    X_train, y_train, X_val, y_val = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
    loader = DataLoader(TensorDataset(X_train, y_train), batch_size=args.batch_size,
                        shuffle=True, generator=tt.Generator(args.seed))
    print(f"spirals: {n_train} points to train on, {len(y) - n_train} held out, "
          f"{N_CLASSES} classes")

    # --- model, loss, optimizer, learning-rate schedule ---------------------------
    model = make_model()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    # the rate falls from lr to 0 along half a cosine over the run: big steps first, fine ones last
    scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"model: {n_params} parameters\n{model}")

    # --- the training loop ---------------------------------------------------------
    history = History()
    progress = Progress(desc="train", unit="sample", file=sys.stdout)
    report_every = max(1, args.epochs // 8)
    for epoch in range(1, args.epochs + 1):
        lr = optimizer.param_groups[0]["lr"]
        for xb, yb in progress(loader, epoch=epoch, epochs=args.epochs):
            scores = model(xb)
            loss = loss_fn(scores, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            batch_accuracy = (scores.argmax(dim=1) == yb).float().mean()
            progress.update(loss=loss, accuracy=batch_accuracy, n=len(yb))
        scheduler.step()  # once per epoch, after the optimizer's steps

        val_loss, val_accuracy, predictions = evaluate(model, X_val, y_val, loss_fn)
        history.log(epoch=epoch, **progress.metrics, val_loss=val_loss,
                    val_accuracy=val_accuracy, lr=lr)
        if epoch % report_every == 0 or epoch == args.epochs:
            print(f"    held out: val_loss {val_loss:.4f}  val_accuracy {val_accuracy:.4f}  "
                  f"(lr was {lr:.5f})")

    # --- curves ----------------------------------------------------------------------
    args.out.mkdir(parents=True, exist_ok=True)
    curves = args.out / "spirals_curves.svg"
    history.to_svg(curves, title=f"3-class spirals: MLP of {n_params} parameters, Adam, cosine lr")
    history.to_csv(args.out / "spirals_history.csv")
    print(f"curves: {curves} (open it in a browser), numbers: {args.out / 'spirals_history.csv'}")

    # --- save the weights, load them into a fresh model, check it predicts the same --
    weights = args.out / "spirals_mlp.safetensors"
    nn.save(model.state_dict(), weights)
    accuracy = val_accuracy  # the last epoch's, with these weights
    fresh = make_model()
    fresh.load_state_dict(nn.load(weights))
    _, reloaded_accuracy, reloaded_predictions = evaluate(fresh, X_val, y_val, loss_fn)
    same = reloaded_predictions == predictions and reloaded_accuracy == accuracy
    print(f"saved {weights} ({weights.stat().st_size:,} bytes); reloaded into a fresh model: "
          f"accuracy {reloaded_accuracy:.4f}, same predictions: {'yes' if same else 'NO'}")

    best_epoch, best = history.best("val_accuracy")
    print(f"validation accuracy {accuracy:.4f} (best {best:.4f} at epoch {best_epoch}), "
          f"done in {time.perf_counter() - start:.1f} s")
    if not same:
        print("the reloaded model predicts differently from the saved one", file=sys.stderr)
        return 1
    if accuracy < args.min_accuracy:
        print(f"accuracy {accuracy:.4f} is below --min-accuracy {args.min_accuracy}: "
              "try more --epochs", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
