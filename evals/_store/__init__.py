"""The store room: where runs live (``runs``: the lake and the run files), reading them back from the
lake (``lake``), and running the SQL of ``sql/*.sql`` over its segments (``queries``)."""
