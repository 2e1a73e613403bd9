"""rehearse: rehearse spoken interview answers aloud, offline."""

__version__ = "0.1.0"
