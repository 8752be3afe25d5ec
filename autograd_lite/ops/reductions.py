"""Reductions over axes — sum, mean, max, min, logsumexp — and softmax, log_softmax.

Each op normalizes its own `axis` (an int, a tuple, negative allowed) to None (all axes) or a
sorted tuple of non-negative ints, so rules and kernels see one form. A reduction's gradient is
the output gradient given back its reduced axes, then broadcast.
"""

from __future__ import annotations

import numpy as np

from .. import functional as F
from .. import kernels as K
from ..op import Domain, op
from . import arguments
from ._domains import at_least_1d, axis_params, distinct, nonempty_axis_params


def _reduction_args(x, axis=None, keepdims=False, *, where: str) -> dict:
    if axis is not None:
        axis = arguments.axes(axis, len(F.shape(x)), where)
    return {"axis": axis, "keepdims": arguments.flag(keepdims, "keepdims", where)}


def _reduction(name: str):
    """The normalize of a reduction: `axis` and `keepdims` as the op receives them."""
    return lambda x, axis=None, keepdims=False: _reduction_args(x, axis, keepdims, where=name)


def _softmax_args(x, axis=-1, *, where: str) -> dict:
    ndim = len(F.shape(x))
    if ndim == 0:
        raise ValueError(f"{where}: needs a Value with at least one dimension, got a scalar")
    if axis is None:
        raise TypeError(f"{where}: axis must be an int or a tuple of ints, not None")
    return {"axis": arguments.axes(axis, ndim, where)}


def _spread(g, x, axis, keepdims):
    """The output gradient broadcast back over the reduced axes of `x`."""
    return F.broadcast_to(F.expand_reduced(g, F.shape(x), axis, keepdims), F.shape(x))


def _count(x, axis) -> int:
    shape = F.shape(x)
    if axis is None:
        return int(np.prod(shape))
    return int(np.prod([shape[i] for i in axis]))


def _sum(x, axis, keepdims):
    if type(x) is np.ndarray:
        return K.sum(x, axis, keepdims)
    return np.sum(x, axis=axis, keepdims=keepdims)


def _mean(x, axis, keepdims):
    return np.mean(x, axis=axis, keepdims=keepdims)


REDUCE = Domain(params=axis_params)

sum = op("sum", _sum,  # noqa: A001
         grads=lambda g, out, x, axis, keepdims: _spread(g, x, axis, keepdims),
         normalize=_reduction("sum"), domain=REDUCE, latex=r"\sum")

mean = op("mean", _mean,
          grads=lambda g, out, x, axis, keepdims: _spread(g, x, axis, keepdims) / _count(x, axis),
          normalize=_reduction("mean"), domain=REDUCE)


def _extreme_grad(g, out, x, axis, keepdims):
    """Gradient of max/min: to the extreme element(s); tied extremes share it equally."""
    kept = K.kept_shape(F.shape(x), axis)
    hit = F.raw(x) == np.reshape(F.raw(out), kept)
    with np.errstate(invalid="ignore"):  # a nan extreme equals no element: 0/0 makes that slice nan
        share = hit / np.sum(hit, axis=axis, keepdims=True)
    return F.expand_reduced(g, F.shape(x), axis, keepdims) * share


def _max(x, axis, keepdims):
    return np.max(x, axis=axis, keepdims=keepdims)


def _min(x, axis, keepdims):
    return np.min(x, axis=axis, keepdims=keepdims)


EXTREME = Domain(params=axis_params, adjust=distinct)

max = op("max", _max, grads=_extreme_grad, normalize=_reduction("max"), domain=EXTREME)  # noqa: A001
min = op("min", _min, grads=_extreme_grad, normalize=_reduction("min"), domain=EXTREME)  # noqa: A001


def _logsumexp_grad(g, out, x, axis, keepdims):
    """d logsumexp(x)/dx = softmax(x) = exp(x - logsumexp(x))."""
    kept = K.kept_shape(F.shape(x), axis)
    return F.expand_reduced(g, F.shape(x), axis, keepdims) * F.exp(x - F.reshape(out, kept))


def _logsumexp(x, axis, keepdims):
    if type(x) is float:
        return 0.0 + x  # x + log(1), so -0.0 gives 0.0 as on arrays
    return K.logsumexp(x, axis, keepdims)


logsumexp = op("logsumexp", _logsumexp, grads=_logsumexp_grad, normalize=_reduction("logsumexp"),
               domain=REDUCE)

SOFTMAX = Domain(at_least_1d, params=nonempty_axis_params)

softmax = op("softmax", lambda x, axis: K.softmax(x, axis),
             grads=lambda g, out, x, axis: out * (g - F.sum(g * out, axis, True)),
             normalize=lambda x, axis=-1: _softmax_args(x, axis, where="softmax"),
             domain=SOFTMAX, doc="exp(x) / sum(exp(x)) over axis")

log_softmax = op("log_softmax", lambda x, axis: K.log_softmax(x, axis),
                 grads=lambda g, out, x, axis: g - F.exp(out) * F.sum(g, axis, True),
                 normalize=lambda x, axis=-1: _softmax_args(x, axis, where="log_softmax"),
                 domain=SOFTMAX, doc="x - logsumexp(x) over axis")
