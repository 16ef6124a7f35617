-- The model calls in scope (stg_model_calls): count, failures and latency percentiles (ms; quantile_cont's) of
-- all of them, per feature and per model; the per-system figures are met_latency_by's own, read on demand.
-- No quantile is handed millions of durations: int_latency_bins counts the calls per fine latency bin (a
-- contiguous run of the sorted durations), which names the bin holding each order statistic a percentile
-- interpolates between, and only the durations of those bins are read (from duration_index, sorted by bin) and
-- ranked (docs/scorecard.md).
WITH levels AS (
    SELECT 1 AS level, CAST(0.5 AS DOUBLE) AS p
    UNION ALL SELECT 2, CAST(0.95 AS DOUBLE)
    UNION ALL SELECT 3, CAST(0.99 AS DOUBLE)
),
positions AS (  -- quantile_cont's position h = (n - 1) p, between the order statistics floor(h) and ceil(h)
    SELECT b.dimension, b.value, l.level, (b.n - 1) * l.p AS h
    FROM (SELECT DISTINCT dimension, value, n FROM int_latency_bins WHERE n > 0) AS b
    CROSS JOIN levels AS l
),
wanted AS (  -- each order statistic (0-based rank), the bin holding it and its rank within that bin
    SELECT k.dimension, k.value, k.level, k.h, k.side, r.latency_fine, k.rank - r.below AS within
    FROM (
        SELECT p.dimension, p.value, p.level, p.h, s.side,
            CAST(CASE WHEN s.side = 'lo' THEN floor(p.h) ELSE ceil(p.h) END AS BIGINT) AS rank
        FROM positions AS p
        CROSS JOIN (SELECT 'lo' AS side UNION ALL SELECT 'hi') AS s
    ) AS k
    JOIN int_latency_bins AS r ON r.dimension = k.dimension AND r.value = k.value
    WHERE r.latency_fine IS NOT NULL AND k.rank >= r.below AND k.rank < r.below + r.calls
),
ranked AS (  -- the durations of the wanted bins only, ranked within their group and bin
    SELECT t.dimension, t.value, t.latency_fine, c.duration_ms,
        row_number() OVER (PARTITION BY t.dimension, t.value, t.latency_fine ORDER BY c.duration_ms) - 1 AS within
    FROM (
        SELECT coalesce(feature, '(unattributed)') AS feature, coalesce(model, '(unknown)') AS model, latency_fine,
            duration_ms
        FROM duration_index
        WHERE latency_fine IN (SELECT latency_fine FROM wanted)  -- first: the index's zone maps skip the rest
            AND ts >= getvariable('since') AND ts < getvariable('until')  -- stg_model_calls' scope, as the roll-ups'
            AND (
                (span_class = 'inference' AND system IN (SELECT name FROM scope_systems WHERE kind = 'llm'))
                OR (span_class = 'prediction' AND system IN (SELECT name FROM scope_systems WHERE kind = 'classical'))
            )
            AND coalesce(env, 'production') = getvariable('env')
            AND NOT eval_traffic
    ) AS c
    JOIN (SELECT DISTINCT dimension, value, latency_fine FROM wanted) AS t ON t.latency_fine = c.latency_fine
    WHERE t.dimension = 'all' OR (t.dimension = 'feature' AND t.value = c.feature)
        OR (t.dimension = 'model' AND t.value = c.model)
),
percentiles AS (  -- quantile_cont's interpolation for doubles: lo (1 - d) + hi d, d = h - floor(h)
    SELECT w.dimension, w.value, w.level,
        max(CASE WHEN w.side = 'lo' THEN r.duration_ms END) * (1 - (max(w.h) - floor(max(w.h))))
            + max(CASE WHEN w.side = 'hi' THEN r.duration_ms END) * (max(w.h) - floor(max(w.h))) AS latency_ms
    FROM wanted AS w
    JOIN ranked AS r ON r.dimension = w.dimension AND r.value = w.value AND r.latency_fine = w.latency_fine
        AND r.within = w.within
    GROUP BY w.dimension, w.value, w.level
),
groups AS (  -- the row of all calls is there when there are none (as for an aggregate over no rows)
    SELECT DISTINCT dimension, value, group_calls AS calls, group_failed AS failed, n
    FROM int_latency_bins
    WHERE dimension <> 'all'
    UNION ALL
    SELECT 'all', '', coalesce(max(group_calls), 0), coalesce(max(group_failed), 0), coalesce(max(n), 0)
    FROM int_latency_bins
    WHERE dimension = 'all'
)
SELECT
    g.dimension,
    CASE WHEN g.dimension = 'all' THEN NULL ELSE g.value END AS value,
    g.calls,
    g.failed,
    CASE WHEN g.n > 0 THEN [
        max(CASE WHEN q.level = 1 THEN q.latency_ms END),
        max(CASE WHEN q.level = 2 THEN q.latency_ms END),
        max(CASE WHEN q.level = 3 THEN q.latency_ms END)
    ] END AS latency_ms
FROM groups AS g
LEFT JOIN percentiles AS q ON q.dimension = g.dimension AND q.value = g.value
GROUP BY g.dimension, g.value, g.calls, g.failed, g.n
