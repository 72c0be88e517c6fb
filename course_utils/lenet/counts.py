"""LeNet-5's per-layer table of trainable parameters and connections, counted from a model.

Notebook 5 checks its model against the paper's Table (LeCun et al., 1998)::

    from course_utils.lenet import counts as lenet_counts, model as lenet
    print(lenet_counts.format_table(lenet_counts.lenet_table(lenet.build_lenet5())))
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: (trainable parameters, connections) per layer, as printed in the paper.
PAPER_COUNTS: dict[str, tuple[int, int]] = {
    "C1": (156, 122_304), "S2": (12, 5_880), "C3": (1_516, 151_600),
    "S4": (32, 2_000), "C5": (48_120, 48_120), "F6": (10_164, 10_164),
}


def layer_connections(layer) -> int:
    """Number of connections (multiply-adds, biases counted) of one layer, as the paper counts them.

    A convolution uses each trainable weight once per output position; a
    subsampling map has (pool area + 1) connections per output unit; a dense or
    RBF layer one per weight. Layers without weights (flatten) have none.
    Layers of other classes are counted by their name's first letter
    (``C``: convolution, ``S``: subsampling), as in the paper.

    Raises
    ------
    TypeError
        A layer of a kind the paper does not have.
    """
    kind = type(layer).__name__
    if kind not in ("Conv2D", "SparseConv2D", "Subsampling", "Dense", "RBFOutput") and layer.weights:
        # A layer of your own: recognised by the paper's name for it (C3, S2, S4...).
        kind = {"C": "Conv2D", "S": "Subsampling"}.get(layer.name[:1], kind)
    shape = layer.output.shape
    if kind in ("Conv2D", "SparseConv2D"):
        return int(shape[1] * shape[2]) * layer.count_params()
    if kind == "Subsampling":
        return int(shape[1] * shape[2] * shape[3]) * (2 * 2 + 1)
    if kind == "Dense":
        return layer.count_params()
    if kind == "RBFOutput":
        return int(np.prod(layer.centres.shape))
    if not layer.weights:
        return 0
    raise TypeError(f"layer_connections: no rule for layer {layer.name!r} of type {kind}")


def lenet_table(model) -> list[dict[str, Any]]:
    """One row per layer with weights: name, output shape, trainable parameters, connections.

    Returns
    -------
    rows : list of dict
        Keys ``layer``, ``shape`` (without the batch axis), ``params``, ``connections``,
        and ``paper`` (the paper's (params, connections), or None); a last row
        ``layer="total"`` sums the columns.
    """
    rows = []
    for layer in model.layers:
        if not layer.weights:
            continue
        params = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
        rows.append({"layer": layer.name, "shape": tuple(layer.output.shape[1:]), "params": params,
                     "connections": layer_connections(layer), "paper": PAPER_COUNTS.get(layer.name)})
    rows.append({"layer": "total", "shape": (), "params": sum(r["params"] for r in rows),
                 "connections": sum(r["connections"] for r in rows), "paper": None})
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    """The rows of :func:`lenet_table` as fixed-width text, with the paper's figures beside."""
    lines = [f"{'layer':<7}{'output shape':<15}{'params':>9}{'connections':>13}   paper (params / conn.)"]
    for r in rows:
        shape = "x".join(str(s) for s in r["shape"])
        paper = "" if r["paper"] is None else (
            f"{r['paper'][0]:,} / {r['paper'][1]:,}"
            + ("  same" if r["paper"] == (r["params"], r["connections"]) else "  DIFFERENT"))
        lines.append(f"{r['layer']:<7}{shape:<15}{r['params']:>9,}{r['connections']:>13,}   {paper}")
    return "\n".join(lines)
