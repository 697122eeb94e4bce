"""Embedding: a lookup table of learned vectors, one row per index (word, character, class)."""
# ruff: noqa: A002  (``input`` is PyTorch's argument name)

import tinytorch.core as tt
from tinytorch.autograd import no_grad

from .. import functional as F
from .. import init
from ..module import Module, Parameter


class Embedding(Module):
    """A table of ``num_embeddings`` vectors of size ``embedding_dim``; index ``i`` gives row ``i``.

    ``y[..., :] = weight[x[...], :]``: the same as ``one_hot(x) @ weight``,
    without building the one-hot matrix.

    Args:
        num_embeddings: the number of rows (the vocabulary size).
        embedding_dim: the size of each vector.
        padding_idx: if given, this row is zeroed at initialisation and
            receives no gradient, so it stays a fixed "pad" vector. Negative
            values count from the end.
        generator: (keyword only) an optional ``tinytorch.core.Generator`` for the initial
            weights (a tinyTorch addition).

    Attributes:
        weight: ``(num_embeddings, embedding_dim)``, initialised from N(0, 1).

    Shape:
        - Input: ``(*)``, int64 indices in ``[0, num_embeddings)``.
        - Output: ``(*, H)``, ``H = embedding_dim``.

    >>> emb = Embedding(10, 3, padding_idx=0)
    >>> emb(tt.tensor([[1, 2, 0], [4, 3, 9]])).shape
    (2, 3, 3)
    >>> emb(tt.tensor([0])).tolist()
    [[0.0, 0.0, 0.0]]
    >>> emb
    Embedding(10, 3, padding_idx=0)
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, *, _weight=None, _freeze=False,
                 generator=None):
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(
                    f"Embedding: padding_idx={padding_idx} must be within num_embeddings={num_embeddings}"
                )
            if padding_idx < 0:
                padding_idx += num_embeddings
        self.padding_idx = padding_idx
        if _weight is None:
            self.weight = Parameter(tt.zeros(num_embeddings, embedding_dim), requires_grad=not _freeze)
            self.reset_parameters(generator)
        else:
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise ValueError(
                    f"Embedding: the weight has shape {tuple(_weight.shape)}, expected "
                    f"({num_embeddings}, {embedding_dim}) (num_embeddings, embedding_dim)"
                )
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self, generator=None):
        init.normal_(self.weight, generator=generator)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx] = 0.0

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None):
        """An Embedding whose weight is ``embeddings`` (2-D); frozen (no gradient) unless ``freeze=False``.

        >>> Embedding.from_pretrained(tt.tensor([[1.0, 2.0], [3.0, 4.0]]))(tt.tensor([1]))
        tensor([[3., 4.]])
        """
        if embeddings.ndim != 2:
            raise ValueError(
                f"Embedding.from_pretrained: embeddings must be 2-D (num_embeddings, "
                f"embedding_dim), got shape {tuple(embeddings.shape)}"
            )
        rows, cols = embeddings.shape
        return cls(rows, cols, padding_idx, _weight=embeddings, _freeze=freeze)

    def forward(self, input):
        indices = F._check_indices(input, self.num_embeddings, self)
        return F._lookup(indices, self.weight, self.padding_idx)

    def extra_repr(self):
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        return text
