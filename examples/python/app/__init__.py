"""hello-python: a tiny HTTP service used as a tightship example."""
