"""Notebook 3, deep features and transfer.

``models`` (the notebook's MNIST MLP and ConvNet, budgets, frozen features),
``multilabel`` (average precision), ``references`` and ``exercises`` (the exercises'
references and checkers).

Nothing is imported here (no Keras): import the module you need, e.g.
``from course_utils.transfer import models``.
"""
