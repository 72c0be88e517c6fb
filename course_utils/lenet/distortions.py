"""Random affine distortions of digit images, generated on the fly during training.

LeNet-5's 0.8 % test error came from adding distorted copies of the training
digits (translation, scaling, squeezing, shearing). Here each batch gets fresh
distortions inside the model, so nothing is stored::

    from course_utils.lenet.distortions import RandomDistortion
    augmented = keras.Sequential([RandomDistortion(), lenet])   # shares lenet's weights

Only active in training (``training=True``); the identity at inference.
:class:`RandomDistortion` is a registered Keras layer with a ``get_config``
(it saves and loads with the model); this module imports Keras. Written with
``keras.ops`` / ``keras.random``: TensorFlow and JAX.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.config import import_keras

keras = import_keras()
ops = keras.ops


def affine_transforms(shift_x, shift_y, scale, squeeze, shear, size: int) -> Any:
    """Per-image sampling transforms for ``keras.ops.image.affine_transform``.

    The forward map, about the image centre ``c``, is
    ``p_out = F (p_in - c) + c + t`` with ``F = [[sx, shear * sy], [0, sy]]``,
    ``sx = scale * (1 + squeeze)``, ``sy = scale * (1 - squeeze)``, ``t = (shift_x, shift_y)``
    (x to the right, y downwards, in pixels). Keras wants the inverse map.

    Parameters
    ----------
    shift_x, shift_y, scale, squeeze, shear : tensors of shape (n,)
    size : int
        Height = width of the images.

    Returns
    -------
    transforms : tensor of shape (n, 8)
        ``[a0, a1, a2, b0, b1, b2, 0, 0]``: output pixel (x, y) reads input
        pixel ``(a0 x + a1 y + a2, b0 x + b1 y + b2)``.
    """
    c = (size - 1) / 2.0
    sx, sy = scale * (1.0 + squeeze), scale * (1.0 - squeeze)
    a0, a1 = 1.0 / sx, -shear / sx
    b1 = 1.0 / sy
    a2 = c - a0 * (c + shift_x) - a1 * (c + shift_y)
    b2 = c - b1 * (c + shift_y)
    zero = ops.zeros_like(a0)
    return ops.stack([a0, a1, a2, zero, b1, b2, zero, zero], axis=1)


def distort(images, *, shift_x=0.0, shift_y=0.0, scale=1.0, squeeze=0.0, shear=0.0,
            background: float = -0.1) -> np.ndarray:
    """Apply one given distortion to every image (for figures and the explorer).

    Parameters
    ----------
    images : array of shape (n, h, h, 1)
    shift_x, shift_y, scale, squeeze, shear : float
        See :func:`affine_transforms`.
    background : float
        Value of the pixels that come from outside the image.

    Returns
    -------
    distorted : ndarray of shape (n, h, h, 1), dtype float32
    """
    images = np.asarray(images, dtype="float32")
    if images.ndim != 4 or images.shape[1] != images.shape[2]:
        raise ValueError(f"distort: expected (n, h, h, channels) images, got shape {images.shape}")
    if scale <= 0 or abs(squeeze) >= 1:
        raise ValueError(f"distort: scale={scale} must be > 0 and |squeeze|={abs(squeeze)} < 1")
    n = images.shape[0]

    def full(v):
        return ops.full((n,), float(v), dtype="float32")

    t = affine_transforms(full(shift_x), full(shift_y), full(scale), full(squeeze), full(shear),
                          images.shape[1])
    out = ops.image.affine_transform(images, t, interpolation="bilinear", fill_mode="constant",
                                     fill_value=background)
    return np.asarray(ops.convert_to_numpy(out))


@keras.saving.register_keras_serializable(package="course_utils")
class RandomDistortion(keras.layers.Layer):
    """Random shift, scale, squeeze and shear of each image, drawn uniformly per image.

    Parameters
    ----------
    shift, scale, squeeze, shear : float
        Half-widths of the uniform ranges (shift in pixels, scale and squeeze
        relative, shear as a slope); ``scale`` draws in ``[1 - scale, 1 + scale]``.
    background : float
        Fill value for pixels coming from outside (the paper's -0.1).
    seed : int, optional
    """

    def __init__(self, shift: float = 2.0, scale: float = 0.1, squeeze: float = 0.1,
                 shear: float = 0.2, background: float = -0.1, seed: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for name, value in (("shift", shift), ("scale", scale), ("squeeze", squeeze),
                            ("shear", shear)):
            if value < 0:
                raise ValueError(f"RandomDistortion: {name}={value} must be >= 0")
        if scale >= 1 or squeeze >= 1:
            raise ValueError(f"RandomDistortion: scale={scale} and squeeze={squeeze} must be < 1")
        self.ranges = {"shift": shift, "scale": scale, "squeeze": squeeze, "shear": shear}
        self.background = background
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, x: Any, training: bool = False) -> Any:
        if not training:
            return x
        n = ops.shape(x)[0]

        def draw(half_width, centre=0.0):
            u = keras.random.uniform((n,), -1.0, 1.0, seed=self.seed_generator)
            return centre + half_width * u

        r = self.ranges
        t = affine_transforms(draw(r["shift"]), draw(r["shift"]), draw(r["scale"], 1.0),
                              draw(r["squeeze"]), draw(r["shear"]), x.shape[1])
        return ops.image.affine_transform(x, t, interpolation="bilinear", fill_mode="constant",
                                          fill_value=self.background)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), **self.ranges, "background": self.background,
                "seed": self.seed}
