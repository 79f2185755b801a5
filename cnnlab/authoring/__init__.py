"""Instructor and CI tools; never imported by the learner runtime (``import cnnlab``).

- :mod:`cnnlab.authoring.grade`: ``python -m cnnlab.authoring.grade SUBMISSIONS...
  --lesson NN --csv grades.csv`` grades a folder of submitted exercise notebooks.
- :mod:`cnnlab.authoring.sealed`: runs one notebook in a fresh kernel whose checks
  are recorded by the checker itself (used by the grader).

Nothing is imported here: import the submodule you need.
"""
