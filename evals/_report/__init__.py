"""The report room: the gate's outputs (``outputs``: Markdown, JUnit, JSON), the command line's text
about runs (``text``), and what evals record as telemetry (``telemetry``)."""
