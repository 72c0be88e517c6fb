"""Notebook 5, convolutional networks and LeNet-5.

``model`` (LeNet-5 as in LeCun et al. 1998: its layers and input), ``counts``
(parameters and connections), ``distortions`` (the paper's training distortions),
``demos`` (convolution, pooling and shift demonstrations), ``tune``
(``python -m course_utils.lenet.tune``: recipes chosen on validation data) and ``logs``
(its committed logs, read back), ``exercises`` (the exercises' checkers).

Nothing is imported here (no Keras): import the module you need, e.g.
``from course_utils.lenet import model``.
"""
