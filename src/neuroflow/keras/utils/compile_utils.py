"""What ``compile`` builds: the loss (one or one per output, weighted) and the metrics.

``CompileLoss`` turns ``loss=`` and ``loss_weights=`` into one scalar and keeps a ``Mean`` per
output for multi-output models (logged as ``<output>_loss``). ``CompileMetrics`` resolves
``metrics=``/``weighted_metrics=`` (names, objects, per-output lists or dicts) once the first
batch shows the shapes, which is when ``'accuracy'`` can be told binary, sparse or categorical.
"""

from ...core import nest
from ...core.ops import math as m
from .. import losses as losses_module
from .. import metrics as metrics_module

__all__ = ["CompileLoss", "CompileMetrics", "match_outputs", "resolve_metric"]

_ACCURACY = ("accuracy", "acc")
_CROSSENTROPY = ("crossentropy", "ce")


def match_outputs(spec, output_names, what):
    """Spreads ``spec`` (one value, a list per output, or a dict by output name) over outputs."""
    n = len(output_names)
    if isinstance(spec, dict) and not _is_config(spec):
        unknown = [k for k in spec if k not in output_names]
        if unknown:
            raise ValueError(f"In the dict argument `{what}`, key {unknown[0]!r} does not "
                             f"correspond to any model output. Received: {what}={spec}; model "
                             f"output names: {list(output_names)}")
        return [spec.get(name) for name in output_names]
    if isinstance(spec, (list, tuple)) and n > 1:
        if len(spec) != n:
            raise ValueError(f"For a model with multiple outputs, when providing the `{what}` "
                             f"argument as a list, it should have as many entries as the model "
                             f"has outputs. Received: {what}={spec} of length {len(spec)} "
                             f"whereas the model has {n} outputs.")
        return list(spec)
    if isinstance(spec, (list, tuple)) and n == 1 and what in ("loss", "loss_weights") and \
            len(spec) == 1:
        return [spec[0]]
    return [spec] * n if what != "metrics" else [spec]


def _is_config(spec):
    return "class_name" in spec and "config" in spec


def _flat_outputs(value):
    return nest.flatten(value) if nest.is_nested(value) else [value]


def _align_targets(y_true, y_pred, output_names):
    """``y_true`` as a list aligned with the flattened model outputs."""
    preds = _flat_outputs(y_pred)
    if isinstance(y_true, dict):
        if isinstance(y_pred, dict):
            return [y_true.get(k) for k in sorted(y_pred)], preds
        missing = [name for name in output_names if name not in y_true]
        if missing and len(y_true) == len(preds):
            return [y_true[k] for k in sorted(y_true)], preds
        return [y_true.get(name) for name in output_names], preds
    trues = _flat_outputs(y_true)
    if len(trues) != len(preds):
        raise ValueError(f"The model has {len(preds)} outputs, but the targets `y` hold "
                         f"{len(trues)} arrays")
    return trues, preds


class _LossTerm:
    """One loss applied to one output, with its weight."""

    def __init__(self, loss, weight):
        self.fn = losses_module.get(loss)
        self.weight = 1.0 if weight is None else float(weight)
        self.name = getattr(self.fn, "name", None) or getattr(self.fn, "__name__", "loss")
        if not hasattr(self.fn, "reduction"):
            self.fn = losses_module.LossFunctionWrapper(self.fn, name=self.name)

    def __call__(self, y_true, y_pred, sample_weight):
        # Targets take the prediction's dtype, except integer labels of sparse losses.
        if y_pred.dtype != y_true.dtype and y_pred.dtype.is_floating and (
                not y_true.dtype.is_integer or "sparse" not in self.name):
            y_true = m.cast(y_true, y_pred.dtype)
        if sample_weight is not None and sample_weight.dtype != y_pred.dtype:
            sample_weight = m.cast(sample_weight, y_pred.dtype)
        return self.fn(y_true, y_pred, sample_weight=sample_weight)


class CompileLoss:
    """The training loss from ``compile(loss=..., loss_weights=...)``.

    Args:
        loss: a name, function or ``Loss``; a list (one per output) or dict (by output name).
        loss_weights: scalar coefficients, shaped like ``loss``.
    """

    def __init__(self, loss, loss_weights=None):
        self.loss, self.loss_weights = loss, loss_weights
        self.terms = None
        self.trackers = []
        self.output_names = None
        for fn in nest.flatten(loss) if isinstance(loss, (list, tuple, dict)) else [loss]:
            if fn is not None:
                losses_module.get(fn)   # unknown names fail at compile, listing valid names

    def build(self, output_names):
        """Makes one term per output; called at the first batch."""
        self.output_names = list(output_names)
        fns = match_outputs(self.loss, self.output_names, "loss")
        weights = (match_outputs(self.loss_weights, self.output_names, "loss_weights")
                   if self.loss_weights is not None else [None] * len(fns))
        self.terms = [None if fn is None else _LossTerm(fn, w) for fn, w in zip(fns, weights)]
        if len(self.terms) > 1:
            self.trackers = [None if t is None else metrics_module.Mean(name=f"{name}_loss")
                             for t, name in zip(self.terms, self.output_names)]

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The weighted sum of the per-output losses (a scalar tensor)."""
        trues, preds = _align_targets(y_true, y_pred, self.output_names)
        weights = (_flat_outputs(sample_weight) if nest.is_nested(sample_weight)
                   else [sample_weight] * len(preds))
        total = None
        for i, (term, yt, yp, sw) in enumerate(zip(self.terms, trues, preds, weights)):
            if term is None or yt is None:
                continue
            value = term(yt, yp, sw)
            if self.trackers and self.trackers[i] is not None:
                self.trackers[i].update_state(value)
            value = value * term.weight if term.weight != 1.0 else value
            total = value if total is None else total + value
        if total is None:
            raise ValueError("No loss to compute: give `loss` to compile() and targets `y`")
        return total

    @property
    def metrics(self):
        return [t for t in self.trackers if t is not None]


def resolve_metric(identifier, y_true, y_pred, loss=None):
    """A metric object for ``identifier``; ``'accuracy'``/``'acc'`` picked from the shapes."""
    if isinstance(identifier, str) and identifier.lower() in _ACCURACY:
        return metrics_module.resolve_accuracy(loss, tuple(y_true.shape), y_true.dtype,
                                               tuple(y_pred.shape), name=identifier)
    metric = metrics_module.get(identifier)
    if isinstance(metric, type):
        metric = metric()
    if not hasattr(metric, "update_state"):
        metric = metrics_module.MeanMetricWrapper(metric)
    if isinstance(identifier, str):
        metric.name = identifier      # Keras names a metric by the string it was given
    return metric


class CompileMetrics:
    """The metrics from ``compile(metrics=..., weighted_metrics=...)``, built at first batch.

    Plain ``metrics`` ignore ``sample_weight``; ``weighted_metrics`` use it (Keras 3).
    """

    def __init__(self, metrics, weighted_metrics):
        self.spec, self.weighted_spec = metrics, weighted_metrics
        self.built = False
        self._entries = []     # (output index, metric, weighted)
        for ident in _leaves(metrics) + _leaves(weighted_metrics):
            if isinstance(ident, str) and ident.lower() not in _ACCURACY:
                metrics_module.get(ident)   # fail at compile on unknown names

    def build(self, y_true, y_pred, output_names, losses=None):
        trues, preds = _align_targets(y_true, y_pred, output_names)
        losses = losses or [None] * len(preds)
        plain_names = {}     # output index -> names of its unweighted metrics
        multi = len(preds) > 1
        for spec, weighted in ((self.spec, False), (self.weighted_spec, True)):
            if spec is None:
                continue
            if multi:
                per_output = _per_output_metrics(spec, output_names)
            else:
                per_output = [_as_list(spec)]
            for i, idents in enumerate(per_output):
                for ident in idents:
                    if ident is None or trues[i] is None:
                        continue
                    metric = resolve_metric(ident, trues[i], preds[i], losses[i])
                    if weighted and metric.name in plain_names.get(i, ()):
                        metric.name = f"weighted_{metric.name}"
                    if not weighted:
                        plain_names.setdefault(i, set()).add(metric.name)
                    if multi:
                        metric.name = f"{output_names[i]}_{metric.name}"
                    self._entries.append((i, metric, weighted))
        self.built = True

    @property
    def metrics(self):
        return [e[1] for e in self._entries]

    def update_state(self, y_true, y_pred, sample_weight=None, output_names=None):
        trues, preds = _align_targets(y_true, y_pred, output_names)
        weights = (_flat_outputs(sample_weight) if nest.is_nested(sample_weight)
                   else [sample_weight] * len(preds))
        for i, metric, weighted in self._entries:
            yt = trues[i]
            sw = weights[i] if weighted else None
            if sw is not None and sw.dtype != preds[i].dtype:
                sw = m.cast(sw, preds[i].dtype)
            metric.update_state(yt, preds[i], sample_weight=sw)


def _as_list(spec):
    if spec is None:
        return []
    if isinstance(spec, (list, tuple)):
        return list(spec)
    return [spec]


def _leaves(spec):
    if spec is None:
        return []
    if isinstance(spec, dict):
        return [x for v in spec.values() for x in _as_list(v)]
    if isinstance(spec, (list, tuple)):
        return [x for v in spec for x in _as_list(v)]
    return [spec]


def _per_output_metrics(spec, output_names):
    if isinstance(spec, dict):
        return [_as_list(v) for v in match_outputs(spec, output_names, "metrics")]
    if isinstance(spec, (list, tuple)):
        if len(spec) != len(output_names):
            raise ValueError("For a model with multiple outputs, when providing the `metrics` "
                             "argument as a list, it should have as many entries as the model "
                             f"has outputs. Received: metrics={spec} of length {len(spec)} "
                             f"whereas the model has {len(output_names)} outputs.")
        return [_as_list(v) for v in spec]
    return [[spec] for _ in output_names]

