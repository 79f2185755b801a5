"""Instructor and CI tools: never imported by the learner runtime.

- :mod:`cnnlab.authoring.notebooks`: the Colab badge, the set-up cell and
  :func:`~cnnlab.authoring.notebooks.new_notebook` for writing course notebooks;
- :mod:`cnnlab.authoring.generate`: exercise notebooks generated from the
  solutions' nbgrader markers (``python -m cnnlab.authoring`` regenerates
  ``exercises/``; ``--check`` only reports drift, as CI does).

These need ``nbformat`` and ``nbclient``: ``pip install "cnnlab[authoring]"`` (the ``test``
extra and JupyterLab bring them too).
"""
