"""Wiring and the ``harness`` command line: model server, reference app, recorders, demo."""

__all__: list[str] = []
