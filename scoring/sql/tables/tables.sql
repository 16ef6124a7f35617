-- The materialised staging tables and their bookkeeping.
-- spans: one narrow typed row per span (what the metrics read). span_class (the ENUM type of
-- _sql.SPAN_CLASSES, created by the engine): inference (chat, text_completion, generate_content,
-- embeddings), agent (invoke_agent), tool (execute_tool), prediction (classical), other. priced_cost is
-- the cost of a counted inference span recorded without one, at the price in force when it started.
-- latency_bin and tokens_bin are the drift histogram's bins of a model call, computed once at load rather than
-- per scorecard;
-- latency_fine its 64ths of a power of two of the duration in ns (the bins int_model_call_stats ranks in). env is the
-- deployment.environment.name of the span (else of its resource), null when unset; version its service.version
-- (else its resource's; a prediction's model version), null when unset.
-- eval_traffic marks every span of a trace holding an eval case (eval_traffic.sql): the system under test
-- runs inside it for the suite, so its calls stay out of the production metrics.
-- service_tier: the provider's tier that served an inference call (OpenAI's default, flex, priority ...; else the
-- one it asked for), and speed its Anthropic speed mode (fast): both price it.
-- Span and parent ids are kept as 64-bit keys (the hex ids), the trace id as text and a hash key.
CREATE TABLE IF NOT EXISTS segments (path VARCHAR PRIMARY KEY, size BIGINT, mtime DOUBLE);
CREATE TABLE IF NOT EXISTS spans (
    segment VARCHAR, ts TIMESTAMP, trace_id VARCHAR, trace_key UBIGINT, span_key UBIGINT, parent_key UBIGINT,
    span_class span_class, system VARCHAR, system_kind VARCHAR, env VARCHAR, version VARCHAR, record_type VARCHAR, status VARCHAR,
    error_type VARCHAR, duration_ns BIGINT, latency_bin SMALLINT, latency_fine SMALLINT, tokens_bin SMALLINT, feature VARCHAR,
    operation VARCHAR, provider VARCHAR, request_model VARCHAR, response_model VARCHAR, prompt_version VARCHAR,
    service_tier VARCHAR, speed VARCHAR,
    input_tokens BIGINT, output_tokens BIGINT, cache_read_tokens BIGINT, cache_write_tokens BIGINT, reasoning_tokens BIGINT,
    cost DOUBLE, priced_cost DOUBLE, usage_counted BOOLEAN, usage_absent_reason VARCHAR, ttfc_s DOUBLE,
    agent_name VARCHAR, agent_version VARCHAR, tool_name VARCHAR, tool_allowed BOOLEAN, tool_owner VARCHAR,
    termination VARCHAR,
    rollup_steps BIGINT, rollup_tool_calls BIGINT, rollup_retries BIGINT,
    model_name VARCHAR, model_version VARCHAR, eval_traffic BOOLEAN
);
-- fact_spans: the few spans that are facts (deployments, incidents, changes, audit requests, eval runs, gates,
-- approvals, judge calibrations, production samples, overrides, canary decisions). actor: who overrode or
-- approved; outcome: the override's outcome or the canary's decision; note: the reason, or a bundle's digest.
CREATE TABLE IF NOT EXISTS fact_spans (
    segment VARCHAR, ts TIMESTAMP, end_ts TIMESTAMP, trace_id VARCHAR, record_type VARCHAR, system_attr VARCHAR,
    env VARCHAR, eval_run_id VARCHAR, eval_suite VARCHAR, eval_dataset_hash VARCHAR, eval_passed BOOLEAN,
    eval_approved BOOLEAN, candidate_id VARCHAR, gate_decision VARCHAR, gate_run_id VARCHAR,
    fact_id VARCHAR, recorded_at TIMESTAMP, version VARCHAR, deploy_status VARCHAR, strategy VARCHAR, deploy_trigger VARCHAR,
    rolls_back VARCHAR, change_ids VARCHAR, approver VARCHAR, pipeline_run_id VARCHAR, revision VARCHAR,
    incident_deployment VARCHAR, severity VARCHAR, fact_start TIMESTAMP, fact_end TIMESTAMP,
    change_kind VARCHAR, material BOOLEAN, reviewer VARCHAR,
    eval_judges VARCHAR, sampled_cases BIGINT, failure_modes VARCHAR, gate_metrics VARCHAR,
    scorer VARCHAR, judge_model VARCHAR, kappa DOUBLE, kappa_low DOUBLE, calibration_items BIGINT,
    calibration_passed BOOLEAN, sample_count BIGINT, sample_dataset VARCHAR,
    reviewed_at TIMESTAMP, change_approver VARCHAR, risk_by VARCHAR, risk_at TIMESTAMP, risk_outcome VARCHAR,
    risk_link VARCHAR, actor VARCHAR, outcome VARCHAR, decision_id VARCHAR, concerns_trace VARCHAR, note VARCHAR,
    red_team BOOLEAN, baseline_version VARCHAR,
    canary_decision VARCHAR, canary_baseline_version VARCHAR, canary_version VARCHAR, canary_metrics VARCHAR,
    canary_reason VARCHAR
);
CREATE TABLE IF NOT EXISTS eval_scores (
    segment VARCHAR, ts TIMESTAMP, trace_id VARCHAR, span_id VARCHAR, system_attr VARCHAR,
    eval_run_id VARCHAR, eval_suite VARCHAR, evaluation_name VARCHAR, score_value DOUBLE, score_label VARCHAR
);
-- prices: what genai-prices and the price book charge each (provider, model, service tier, speed) of the unpriced
-- calls (a null service_tier or speed: calls that name none), one row per period and token tier, so that a call matches
-- exactly one row: the period from midnight UTC `starts` (null:
-- always before) to `ends` (null: for ever), at `day_from` to `day_until` seconds after midnight UTC of each day;
-- the tier of calls with more input tokens than `above_tokens` (null: any) and at most `upto_tokens` (null: any).
CREATE TABLE IF NOT EXISTS prices (
    provider VARCHAR, model VARCHAR, service_tier VARCHAR, speed VARCHAR, starts TIMESTAMP, ends TIMESTAMP,
    day_from INTEGER, day_until INTEGER,
    above_tokens BIGINT, upto_tokens BIGINT, input_per_token DOUBLE, output_per_token DOUBLE,
    cache_read_per_token DOUBLE, cache_write_per_token DOUBLE
);
-- call_costs: the cost of each call call_costs.sql priced, until price_calls.sql writes it into spans
CREATE TABLE IF NOT EXISTS call_costs (
    segment VARCHAR, trace_key UBIGINT, span_key UBIGINT, ts TIMESTAMP, priced_cost DOUBLE
);
CREATE TABLE IF NOT EXISTS span_rollup (
    segment VARCHAR, system VARCHAR, day DATE, declared_kind VARCHAR,
    has_llm BOOLEAN, has_predictions BOOLEAN, has_agents BOOLEAN, is_system BOOLEAN, spans BIGINT
);
CREATE TABLE IF NOT EXISTS unpriced (
    segment VARCHAR, provider VARCHAR, model VARCHAR, service_tier VARCHAR, speed VARCHAR
);
CREATE TABLE IF NOT EXISTS orphans (segment VARCHAR, span_key UBIGINT, parent_key UBIGINT);
-- call_rollup: the counted inference spans per segment, day (midnight UTC), system, environment, eval traffic,
-- feature and model, with the counts int_llm_call_groups sums (call_rollup.sql; like the other roll-ups, grown by
-- the segments a sync added, else rebuilt whole: Engine._roll_up): a warm scorecard sums the whole days of its
-- window here and reads spans only for the partial days at its edges.
CREATE TABLE IF NOT EXISTS call_rollup (
    segment VARCHAR, day TIMESTAMP, system VARCHAR, env VARCHAR, eval_traffic BOOLEAN, feature VARCHAR,
    model VARCHAR, calls BIGINT, failed_calls BIGINT, completed_calls BIGINT, usage_absent_calls BIGINT,
    usage_calls BIGINT, with_tokens BIGINT, with_cost BIGINT, with_recorded_cost BIGINT, with_request_model BIGINT,
    with_response_model BIGINT, with_prompt_version BIGINT, priced_calls BIGINT, priced_completed BIGINT,
    cost_usd DOUBLE
);
-- trace_rollup: the inference spans per segment, day, system, environment, eval traffic and trace, with what
-- met_cost_per_request asks of a request (trace_rollup.sql, rebuilt with call_rollup): costed and uncosted
-- completed calls that count usage, and their cost; whole: the row is its trace's only one (every inference span
-- of the trace is in it), so the trace is one request of its row's day, system and environment.
CREATE TABLE IF NOT EXISTS trace_rollup (
    segment VARCHAR, day TIMESTAMP, system VARCHAR, env VARCHAR, eval_traffic BOOLEAN, trace_key UBIGINT,
    costed BIGINT, uncosted BIGINT, cost_usd DOUBLE, whole BOOLEAN
);
-- request_rollup: the whole traces of trace_rollup (nearly every request) counted per segment, day, system,
-- environment and eval traffic (request_rollup.sql, rebuilt after trace_rollup): requests, the priced ones and
-- their cost, which met_cost_per_request adds without grouping a million traces.
CREATE TABLE IF NOT EXISTS request_rollup (
    segment VARCHAR, day TIMESTAMP, system VARCHAR, env VARCHAR, eval_traffic BOOLEAN, requests BIGINT,
    priced_requests BIGINT, cost_usd DOUBLE
);
-- bin_rollup: the inference and prediction spans per segment, day, system, environment, eval traffic, class
-- and drift bins (bin_rollup.sql, rebuilt with call_rollup): what int_call_histogram counts per week.
CREATE TABLE IF NOT EXISTS bin_rollup (
    segment VARCHAR, day TIMESTAMP, system VARCHAR, env VARCHAR, eval_traffic BOOLEAN, span_class span_class,
    latency_bin SMALLINT, tokens_bin SMALLINT, calls BIGINT
);
-- latency_rollup: the inference and prediction spans per segment, day, system, environment, eval traffic, class,
-- fine latency bin and feature or model (dimension 'feature' or 'model', value the feature or model, as
-- int_model_call_stats names them; latency_rollup.sql, rebuilt with call_rollup): the calls and failures
-- int_model_call_stats counts, and the ranks its exact percentiles are found between.
CREATE TABLE IF NOT EXISTS latency_rollup (
    segment VARCHAR, day TIMESTAMP, system VARCHAR, env VARCHAR, eval_traffic BOOLEAN, span_class span_class,
    dimension VARCHAR, value VARCHAR, latency_fine SMALLINT, calls BIGINT, failed BIGINT
);
-- parent_rollup: the inference and tool spans with a parent per segment, day, system, environment and eval
-- traffic (parent_rollup.sql, rebuilt with call_rollup): the spans met_orphan_spans shares its orphans among.
CREATE TABLE IF NOT EXISTS parent_rollup (
    segment VARCHAR, day TIMESTAMP, system VARCHAR, env VARCHAR, eval_traffic BOOLEAN, spans BIGINT
);
-- agent_rollup: the agent runs and tool steps per segment, day, system, environment and eval traffic
-- (agent_rollup.sql, rebuilt with call_rollup): runs, those that recorded their termination, tool steps, and
-- those of an allowed tool with an owner, which int_agent_activity sums.
CREATE TABLE IF NOT EXISTS agent_rollup (
    segment VARCHAR, day TIMESTAMP, system VARCHAR, env VARCHAR, eval_traffic BOOLEAN, runs BIGINT,
    terminated_runs BIGINT, tool_steps BIGINT, governed_steps BIGINT
);
-- trajectory_rollup: the agent runs per segment, day, system, environment, eval traffic, agent and version
-- (trajectory_rollup.sql, rebuilt with call_rollup), counted twice over: per steps value (kind 'steps', with the
-- counts and sums met_trajectory averages) and per fine latency bin (kind 'duration', runs only).
CREATE TABLE IF NOT EXISTS trajectory_rollup (
    segment VARCHAR, day TIMESTAMP, system VARCHAR, env VARCHAR, eval_traffic BOOLEAN, agent VARCHAR,
    version VARCHAR, kind VARCHAR, value BIGINT, runs BIGINT, tool_calls_n BIGINT, tool_calls_sum HUGEINT,
    retries_n BIGINT, retries_sum HUGEINT, completed BIGINT, terminated BIGINT, failed BIGINT
);
-- duration_index: every model call's and agent run's duration with the columns its scope is decided on, in fine
-- latency bin order (duration_index.sql, rebuilt with call_rollup), so that ranking the durations of a few bins
-- (int_model_call_stats, met_trajectory) reads the row groups of those bins only instead of every span.
CREATE TABLE IF NOT EXISTS duration_index (  -- no segment column (sorting paths costs memory): emptied whole
    latency_fine SMALLINT, span_class span_class, ts TIMESTAMP, system VARCHAR, env VARCHAR,
    eval_traffic BOOLEAN, feature VARCHAR, model VARCHAR, agent_name VARCHAR, agent_version VARCHAR,
    duration_ms DOUBLE
);
