"""The scorer room: the scorer base and running one (``base``), the built-in checks (``checks``), the
LLM judge (``judge``) and its calibration against human labels (``calibration``), and the registry of
types a suite file names (``registry``)."""
