"""Instructor and CI tools: never imported by the learner runtime (``import cnnlab``).

- :mod:`cnnlab.authoring.notebooks`: the Colab badge, the set-up cell and
  :func:`~cnnlab.authoring.notebooks.new_notebook` for writing course notebooks;
- :mod:`cnnlab.authoring.markers`: nbgrader's solution markers and metadata;
- :mod:`cnnlab.authoring.generate`: exercise notebooks generated from the
  solutions (``python -m cnnlab.authoring`` regenerates ``exercises/``;
  ``--check`` only reports drift, as CI does);
- :mod:`cnnlab.authoring.grade`: ``python -m cnnlab.authoring.grade SUBMISSIONS...
  --lesson NN --csv grades.csv`` grades a folder of submitted exercise notebooks;
- :mod:`cnnlab.authoring.sealed`: runs one notebook in a fresh kernel whose checks
  are recorded by the checker itself (used by the grader).

These need ``nbformat`` and ``nbclient``: ``pip install "cnnlab[authoring]"`` (the ``test``
extra and JupyterLab bring them too). Nothing is imported here: import the
submodule you need.
"""
