"""tightship: secure-by-default container configuration, proven on a real engine."""

__version__ = "0.1.0"
