"""tinytorch.optim: optimizers and learning-rate schedules, as ``torch.optim``.

>>> opt = SGD(model.parameters(), lr=0.1, momentum=0.9)   # doctest: +SKIP
>>> loss.backward(); opt.step(); opt.zero_grad()         # doctest: +SKIP
"""

from . import lr_scheduler
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import Adagrad, RMSprop
from .sgd import SGD

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
