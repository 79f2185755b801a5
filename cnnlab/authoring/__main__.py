"""``python -m cnnlab.authoring [--check] [--root DIR]``: regenerate (or check) ``exercises/``."""
import sys

from cnnlab.authoring.generate import main

sys.exit(main(prog="python -m cnnlab.authoring"))
