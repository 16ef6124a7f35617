"""The gate room: the policy a suite declares (``policy``), pairing two runs item by item (``pairing``),
the statistics (``stats``), the comparison per metric (``comparisons``) and the decision (``decision``)."""
