"""Notebook 1, backpropagation by hand (numpy).

``mlp`` (the reference layers, forward and backward), ``training`` (its training loop),
``gradcheck`` (finite differences), ``schedules`` (learning-rate schedules and their
explorer), ``exercises`` (the checkers of the notebook's exercises).

Nothing is imported here: import the module you need, e.g.
``from course_utils.backprop import mlp``.
"""
