"""Notebook 4, recurrent networks on "Les Fleurs du mal".

``encoding`` (characters as ids, bits per character), ``ngram`` (n-gram baselines), ``charlm`` (character
language models: windows, tables, embeddings), ``sampling`` (temperature sampling and
the text generator), ``reference`` and ``model_checks`` and ``exercises`` (the
exercises' references and checkers).

Nothing is imported here (no Keras): import the module you need, e.g.
``from course_utils.text import ngram``.
"""
