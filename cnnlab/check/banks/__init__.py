"""One question bank per lesson: ``lessonNN.py`` (imported on first use by the registry)."""
