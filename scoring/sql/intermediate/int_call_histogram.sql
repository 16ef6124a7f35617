-- The model calls of the window per week (from the window start) and drift bins (load_spans.sql computes
-- them: quarter-decades of latency ms, half powers of two of input + output tokens): what drift and the
-- weeks with calls read, without re-binning millions of calls.
SELECT
    date_diff('day', getvariable('since'), ts) // 7 AS week,
    latency_bin,
    tokens_bin,
    count(*) AS calls
FROM stg_model_calls
GROUP BY ALL
