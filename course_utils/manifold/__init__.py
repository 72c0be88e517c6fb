"""Notebook 2, Keras and manifold untangling.

``untangling`` (embeddings, separability, neighbourhood hit, loss gradients),
``keras_references`` and ``keras_exercises`` (the Keras exercises: references and
checkers), ``exercises`` (the manifold exercises' checkers).

Nothing is imported here (no Keras): import the module you need, e.g.
``from course_utils.manifold import untangling``.
"""
