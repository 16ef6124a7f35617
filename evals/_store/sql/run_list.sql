-- One row per eval run, newest first, with its case results counted, over the segments bound as $segments.
WITH spans AS (
    SELECT SpanAttributes AS a, Timestamp
    FROM read_parquet($segments, hive_partitioning = true, union_by_name = true)
    WHERE SpanAttributes['harness.record.type'] IN ('eval_run', 'eval_case')
),
cases AS (
    SELECT a['harness.eval.run.id'] AS run_id,
           count(*) AS results,
           count(*) FILTER (WHERE a['harness.eval.passed'] = 'true') AS passed,
           count(*) FILTER (WHERE a['error.type'] IS NOT NULL) AS errored
    FROM spans
    WHERE a['harness.record.type'] = 'eval_case'
    GROUP BY ALL
)
SELECT r.a['harness.eval.run.id'] AS run_id,
       r.a['harness.eval.suite'] AS suite,
       r.a['harness.system'] AS system,
       r.a['harness.eval.candidate.id'] AS candidate_id,
       r.Timestamp AS started_at,
       TRY_CAST(r.a['harness.eval.case.count'] AS INTEGER) AS case_count,
       TRY_CAST(r.a['harness.eval.repeats'] AS INTEGER) AS repeats,
       coalesce(r.a['harness.eval.run.status'], 'unknown') AS status,
       coalesce(c.results, 0) AS results,
       coalesce(c.passed, 0) AS passed,
       coalesce(c.errored, 0) AS errored
FROM spans AS r
LEFT JOIN cases AS c ON c.run_id = r.a['harness.eval.run.id']
WHERE r.a['harness.record.type'] = 'eval_run'
ORDER BY r.Timestamp DESC
