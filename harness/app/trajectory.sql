-- Trajectory metrics of one agent by version, from its invoke_agent spans in the lake.
-- Every attribute name and value is a bound parameter (names from instrumentation.semconv).
WITH runs AS (
    SELECT
        SpanAttributes[$version_key] AS version,
        TRY_CAST(SpanAttributes[$steps_key] AS INTEGER) AS steps,
        TRY_CAST(SpanAttributes[$llm_calls_key] AS INTEGER) AS llm_calls,
        TRY_CAST(SpanAttributes[$tool_calls_key] AS INTEGER) AS tool_calls,
        TRY_CAST(SpanAttributes[$retries_key] AS INTEGER) AS retries,
        TRY_CAST(SpanAttributes[$cost_key] AS DOUBLE) AS cost,
        SpanAttributes[$termination_key] AS termination
    FROM read_parquet($glob, hive_partitioning = true)
    WHERE SpanAttributes[$operation_key] = $invoke_agent
      AND SpanAttributes[$agent_key] = $agent
)
SELECT
    version,
    count(*) AS runs,
    avg(steps) AS mean_steps,
    avg(llm_calls) AS mean_llm_calls,
    avg(tool_calls) AS mean_tool_calls,
    sum(retries) AS retries,
    avg(CASE WHEN termination = $completed THEN 1.0 ELSE 0.0 END) AS completed_share,
    histogram(termination) AS terminations,
    sum(cost) AS cost_usd
FROM runs
GROUP BY version
ORDER BY version
