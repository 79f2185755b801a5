"""Walk a built Keras model's graph and collect one record per layer.

Reads only the model object it is given (Keras is never imported here):
``model.inputs`` / ``model.outputs``, the ``Node`` each ``KerasTensor`` came
from (``tensor._keras_history`` and ``layer._inbound_nodes``, the same links
Keras itself uses), ``layer.get_config()`` and the weights.

Conventions
-----------
- Nested models (a Sequential inside a functional model, a backbone …) are
  *recursed into*: their layers get rows named ``"outer/inner"``, the
  submodel itself gets no row, and the submodel's own input layers are
  skipped (their values are the outer tensor, already counted).
- A layer called several times (shared weights) gets one row: its weights
  count once, its MACs and activations are summed over the calls, its output
  shape and receptive field are those of the first call.
- Operations that are not layers (``keras.ops`` calls in a functional model)
  get no row; receptive fields flow through them (merge rule for several
  inputs, else unchanged when the spatial size is).
- Models without a graph (subclassed ``keras.Model`` with a ``call`` method)
  give one row per layer with parameters only.
"""
from __future__ import annotations

from math import prod

from cnnlab.arith.layer_rules import display_field, input_flow, layer_cost, layer_kind

__all__ = ["collect"]


def _graph_of(model):
    """The functional graph of ``model`` (a Sequential keeps it aside), or None."""
    graph = getattr(model, "_functional", None)
    if graph is None and _has_graph(model):
        graph = model
    return graph if graph is not None and _has_graph(graph) else None


def _has_graph(obj) -> bool:
    try:
        outputs = obj.outputs
    except (AttributeError, ValueError):
        return False
    return bool(outputs) and all(hasattr(t, "_keras_history") for t in outputs)


def _is_model(layer) -> bool:
    return any(c.__name__ in ("Model", "Functional", "Sequential")
               for c in type(layer).__mro__)


def _node_of(tensor):
    history = getattr(tensor, "_keras_history", None)
    if history is None or history[0] is None:
        return None
    op, node_index = history[0], history[1]
    return op._inbound_nodes[node_index]


def _topological_nodes(graph) -> list:
    """Nodes between ``graph.inputs`` and ``graph.outputs``, parents first."""
    stop = {id(t) for t in graph.inputs}
    order, seen, done = [], set(), set()
    stack = [(n, False) for n in map(_node_of, reversed(graph.outputs)) if n is not None]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            if id(node) not in done:
                done.add(id(node))
                order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for tensor in reversed(node.input_tensors):
            parent = None if id(tensor) in stop else _node_of(tensor)
            if parent is not None and id(parent) not in seen:
                stack.append((parent, False))
    return order


def _shape(tensor) -> tuple:
    return tuple(tensor.shape)


def _count(weights) -> int:
    return int(sum(prod(w.shape) for w in weights))


def _values(shape) -> int | None:
    """Values per image in a tensor of ``shape`` (batch axis first)."""
    rest = tuple(shape[1:])
    return prod(rest) if all(d is not None for d in rest) else None


class _Collector:
    def __init__(self):
        self.records = {}   # id(layer) -> record dict

    def record(self, layer, name, shapes, macs, activations, flow):
        rec = self.records.get(id(layer))
        if rec is None:
            self.records[id(layer)] = {
                "layer": layer, "name": name, "shapes": shapes, "macs": macs,
                "activations": activations, "flow": flow, "calls": 1}
            return
        rec["calls"] += 1
        for key, value in (("macs", macs), ("activations", activations)):
            rec[key] = None if rec[key] is None or value is None else rec[key] + value

    def walk(self, graph, in_flows, prefix, top):
        flows = {id(t): f for t, f in zip(graph.inputs, in_flows)}
        for node in _topological_nodes(graph):
            op = node.operation
            if getattr(node, "is_input", False) or layer_kind(op) == "input":
                continue
            ins = [flows.get(id(t)) for t in node.input_tensors]
            sub = _graph_of(op) if _is_model(op) else None
            if sub is not None:
                outs = self.walk(sub, ins, f"{prefix}{op.name}/", top=False)
                for tensor, flow in zip(node.outputs, outs):
                    flows[id(tensor)] = flow
                continue
            get_config = getattr(op, "get_config", None)
            try:
                config = get_config() if get_config else {}
            except NotImplementedError:
                config = {}
            in_shapes = [_shape(t) for t in node.input_tensors]
            out_shapes = [_shape(t) for t in node.outputs]
            macs, flow = layer_cost(op, config, in_shapes, out_shapes, ins)
            for tensor in node.outputs:
                flows[id(tensor)] = flow
            if _is_layer(op):
                values = [_values(s) for s in out_shapes]
                acts = None if None in values else sum(values)
                self.record(op, f"{prefix}{op.name}", out_shapes, macs, acts, flow)
        return [flows.get(id(t)) for t in graph.outputs]

    def ordered(self, graph, prefix, top):
        """Layers in the model's own order (recursing into submodels)."""
        for layer in graph.layers:
            if layer_kind(layer) == "input":
                if top:
                    yield layer, f"{prefix}{layer.name}"
                continue
            sub = _graph_of(layer) if _is_model(layer) else None
            if sub is not None:
                yield from self.ordered(sub, f"{prefix}{layer.name}/", top=False)
            else:
                yield layer, f"{prefix}{layer.name}"


def _is_layer(op) -> bool:
    return hasattr(op, "trainable_weights") and hasattr(op, "non_trainable_weights")


def _row(layer, name, rec) -> dict:
    trainable = _count(layer.trainable_weights)
    non_trainable = _count(layer.non_trainable_weights)
    row = {"name": name, "type": type(layer).__name__, "output_shape": None,
           "params": trainable + non_trainable, "trainable": trainable,
           "non_trainable": non_trainable, "macs": None, "activations": None,
           "receptive_field": None}
    if rec is not None:
        shapes = [tuple(s[1:]) for s in rec["shapes"]]
        row.update(output_shape=shapes[0] if len(shapes) == 1 else shapes,
                   macs=rec["macs"], activations=rec["activations"],
                   receptive_field=display_field(rec["flow"]))
    return row


def collect(model) -> list[dict]:
    """One row per layer of a built Keras model (see the module notes).

    Parameters
    ----------
    model : keras.Model
        A built model: Sequential (with an ``Input`` or after ``build``),
        functional, possibly nested.

    Returns
    -------
    list of dict
        Keys ``name``, ``type``, ``output_shape`` (without the batch axis),
        ``params``, ``trainable``, ``non_trainable``, ``macs``,
        ``activations`` and ``receptive_field``.

    Raises
    ------
    ValueError
        If ``model`` is not a built Keras model.

    Examples
    --------
    >>> collect("vgg16")
    Traceback (most recent call last):
    ...
    ValueError: `model` must be a built Keras model (give it a keras.Input or call model.build(input_shape)). Received: model='vgg16'.
    """
    if not (hasattr(model, "layers") and _is_layer(model)) or not getattr(
            model, "built", False):
        text = repr(model) if len(repr(model)) < 60 else f"<{type(model).__name__} ...>"
        raise ValueError("`model` must be a built Keras model (give it a keras.Input "
                         f"or call model.build(input_shape)). Received: model={text}.")
    graph = _graph_of(model)
    collector = _Collector()
    if graph is None:   # subclassed model: parameters only
        return [_row(layer, layer.name, None) for layer in model.layers]
    collector.walk(graph, [input_flow(_shape(t)) for t in graph.inputs], "", top=True)
    for tensor in graph.inputs:
        node = _node_of(tensor)
        if node is not None and layer_kind(node.operation) == "input":
            shape = _shape(tensor)
            collector.record(node.operation, node.operation.name, [shape], 0,
                             _values(shape), input_flow(shape))
    return [_row(layer, name, collector.records.get(id(layer)))
            for layer, name in collector.ordered(graph, "", top=True)]
