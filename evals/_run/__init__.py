"""The run room: suites in Python (``suite``) and in files (``loading``), datasets (``dataset``), the
runner and its cache, the results it produces, the trajectory read from a case's spans, and datasets
sampled from production (``sampling``)."""
