"""Sampling text from a character model: temperature, generation loop, an explorer widget.

The temperature ``T`` reshapes a distribution ``p`` into ``p_i^(1/T) / sum_j p_j^(1/T)``.
It is computed in log space, ``softmax(log p / T)``, so a small ``T`` does not
underflow: ``T -> 0`` gives the most probable character (``T = 0`` is argmax),
``T = 1`` leaves ``p`` as it is and ``T -> inf`` gives the uniform distribution
over the characters that ``p`` allows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from course_utils.explorers import Explorer


def apply_temperature(probs: np.ndarray, temperature: float) -> np.ndarray:
    """Reshape next-character distributions with a temperature.

    Parameters
    ----------
    probs : ndarray of shape (V,) or (N, V)
        Non-negative; each row sums to 1 (rows are renormalised anyway).
    temperature : float >= 0
        0 puts all the mass on the most probable character (the first one on a tie);
        ``np.inf`` spreads it evenly over the characters with a positive probability.

    Returns
    -------
    probs_T : ndarray of the same shape, rows summing to 1

    Raises
    ------
    ValueError
        ``temperature`` negative or NaN, or ``probs`` negative or all zero in a row.
    """
    if not isinstance(temperature, (int, float, np.floating)) or np.isnan(temperature) \
            or temperature < 0:
        raise ValueError(f"apply_temperature: temperature={temperature!r} must be a number >= 0")
    p = np.asarray(probs, dtype=np.float64)
    if np.any(p < 0) or np.any(p.sum(axis=-1) <= 0):
        raise ValueError("apply_temperature: probabilities must be >= 0 with a positive sum per row")
    if temperature == 0:
        out = np.zeros_like(p)
        np.put_along_axis(out, np.argmax(p, axis=-1)[..., None], 1.0, axis=-1)
        return out
    if np.isinf(temperature):
        out = (p > 0).astype(np.float64)
        return out / out.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore"):
        logits = np.log(p) / temperature
    logits = logits - logits.max(axis=-1, keepdims=True)
    out = np.exp(logits)
    return out / out.sum(axis=-1, keepdims=True)


def sample_next(probs: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    """Draw one character id from ``apply_temperature(probs, temperature)``, ``probs`` of shape (V,)."""
    p = apply_temperature(probs, temperature)
    if p.ndim != 1:
        raise ValueError(f"sample_next: probs must be one distribution (V,), got shape {p.shape}")
    return int(rng.choice(len(p), p=p))


def generate(next_probs: Callable[[np.ndarray], np.ndarray], seed_ids: Sequence[int], length: int,
             temperature: float, *, context: int, rng: np.random.Generator | None = None) -> list[int]:
    """Extend ``seed_ids`` by ``length`` sampled character ids.

    Parameters
    ----------
    next_probs : callable
        Maps a (1, context) id array to a (1, V) array of next-character probabilities.
    seed_ids : sequence of int
        At least ``context`` ids; the model always sees the last ``context`` ones.
    length : int >= 0
    temperature : float >= 0
    context : int >= 1
        Window length the model reads.
    rng : numpy Generator, optional
        Default: ``np.random.default_rng(0)``.

    Returns
    -------
    ids : list of int
        The ``length`` new ids (the seed excluded).
    """
    if len(seed_ids) < context:
        raise ValueError(f"generate: the seed has {len(seed_ids)} characters, the model reads {context}")
    if length < 0:
        raise ValueError(f"generate: length={length} must be >= 0")
    rng = np.random.default_rng(0) if rng is None else rng
    ids = list(seed_ids)
    for _ in range(length):
        window = np.asarray(ids[-context:], dtype=np.int64)[None, :]
        probs = np.asarray(next_probs(window), dtype=np.float64).reshape(-1)
        ids.append(sample_next(probs / probs.sum(), temperature, rng))
    return ids[len(seed_ids):]


def generation_widget(next_probs: Callable[[np.ndarray], np.ndarray], vocab: Sequence[str], *,
                      context: int, seed_text: str, length: int = 300) -> Explorer:
    """Interactive generator: temperature slider, seed text box, length, "Generate" button.

    Parameters
    ----------
    next_probs : callable
        As in :func:`generate`.
    vocab : sequence of str
        Characters in id order; seed characters outside it are reported, not sampled.
    context : int
        Window length the model reads; a shorter seed is left-padded with spaces.
    seed_text : str
        Initial content of the seed box.

    Returns
    -------
    explorer : course_utils.explorers.Explorer
        Display it (it is the cell's value). ``explorer.widget`` is the ``ipywidgets.VBox``;
        it opens with a first sample at the default settings, which is also the preview
        shown before the cell is run.
    """
    import ipywidgets as w

    from course_utils.explorers import Explorer

    index = {c: i for i, c in enumerate(vocab)}
    temp = w.FloatSlider(value=0.5, min=0.05, max=2.0, step=0.05, readout_format=".2f",
                         description="T")  # 0.5 on the grid: the browser shows what runs
    seed = w.Textarea(value=seed_text, description="seed", layout=w.Layout(width="90%"))
    size = w.IntSlider(value=length, min=20, max=1000, step=20, description="characters")
    seed_rng = w.IntText(value=0, description="rng seed")
    button = w.Button(description="Generate", button_style="primary")
    out = w.Output(layout=w.Layout(border="1px solid #ccc", padding="4px"))

    def sample() -> str:
        text = seed.value.lower()
        unknown = sorted(set(text) - set(index))
        if unknown:
            return f"characters not in the vocabulary: {unknown!r}; remove them"
        padded = text.rjust(context)
        ids = [index.get(c, index.get(" ", 0)) for c in padded]
        new = generate(next_probs, ids, size.value, temp.value, context=context,
                       rng=np.random.default_rng(seed_rng.value))
        return text + "|" + "".join(vocab[i] for i in new)

    def run(_=None) -> None:
        out.clear_output()
        with out:
            print(sample())

    first = sample()
    out.append_stdout(first + "\n")
    button.on_click(run)
    box = w.VBox([w.HBox([temp, size, seed_rng]), seed, button, out])
    preview = f"T = {temp.value:g}, {size.value} characters, rng seed {seed_rng.value}:\n{first}"
    return Explorer(box, {"text/plain": preview}, name="Text generator",
                    controls=["T", "characters", "rng seed", "seed", "Generate"])
