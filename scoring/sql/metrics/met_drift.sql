-- Week-over-week drift (Jensen-Shannon divergence, base 2, 0..1) of latency, tokens and eval scores: model
-- calls binned by quarter-decades of ms and half powers of two of tokens (int_call_histogram), eval scores in
-- tenths. Weeks count from the window start; a week is compared with the one before when both have data.
WITH hist AS (
    SELECT 'latency_ms' AS signal, week, latency_bin AS bin, sum(calls) AS n FROM int_call_histogram
    GROUP BY week, latency_bin
    UNION ALL
    SELECT 'total_tokens', week, tokens_bin, sum(calls) FROM int_call_histogram
    WHERE tokens_bin IS NOT NULL
    GROUP BY week, tokens_bin
    UNION ALL
    SELECT 'eval_score', date_diff('day', getvariable('since'), ts) // 7, least(greatest(floor(score_value * 10), 0), 9),
        CAST(count(*) AS BIGINT)  -- the type of int_call_histogram's calls on every engine
    FROM stg_eval_results WHERE score_value IS NOT NULL
    GROUP BY ALL
),
totals AS (SELECT signal, week, sum(n) AS total FROM hist GROUP BY signal, week),
prob AS (
    SELECT h.signal, h.week, h.bin, h.n / t.total AS p
    FROM hist AS h JOIN totals AS t ON t.signal = h.signal AND t.week = h.week
),
pairs AS (
    SELECT t.signal, t.week, t.total, prev.total AS previous_total
    FROM totals AS t JOIN totals AS prev ON prev.signal = t.signal AND prev.week = t.week - 1
),
bins AS (
    SELECT DISTINCT pr.signal, pr.week, h.bin
    FROM pairs AS pr JOIN hist AS h ON h.signal = pr.signal AND (h.week = pr.week OR h.week = pr.week - 1)
),
joined AS (
    SELECT b.signal, b.week, coalesce(cur.p, 0) AS q, coalesce(prev.p, 0) AS r
    FROM bins AS b
    LEFT JOIN prob AS cur ON cur.signal = b.signal AND cur.week = b.week AND cur.bin = b.bin
    LEFT JOIN prob AS prev ON prev.signal = b.signal AND prev.week = b.week - 1 AND prev.bin = b.bin
)
SELECT
    j.signal,
    j.week,
    getvariable('since') + to_days(CAST(j.week * 7 AS INTEGER)) AS week_start,
    0.5 * sum(CASE WHEN j.q > 0 THEN j.q * log2(j.q / ((j.q + j.r) / 2)) ELSE 0 END)
        + 0.5 * sum(CASE WHEN j.r > 0 THEN j.r * log2(j.r / ((j.q + j.r) / 2)) ELSE 0 END) AS js_divergence
FROM joined AS j
GROUP BY j.signal, j.week
ORDER BY j.signal, j.week
