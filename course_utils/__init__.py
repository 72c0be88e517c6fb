"""Helpers for the Cnam "Neural networks and deep learning" course notebooks.

The package is split in small modules with one job each; import what you need::

    from course_utils.data import load_mnist
    from course_utils.check import check_close
    from course_utils.config import FAST, seed_everything

Importing ``course_utils`` itself is cheap: no module here imports Keras,
matplotlib or ipywidgets at import time.
"""

__version__ = "0.1.0"
