"""The ``rehearse`` command line: it parses and presents; ``rehearse.service`` does the work."""

from rehearse.cli.main import main

__all__ = ["main"]
