"""Every attribute, span and metric name the project writes or reads.

Pinned to the OpenTelemetry GenAI semantic conventions as published in
``open-telemetry/semantic-conventions-genai`` at the revision named by
``GENAI_SEMCONV_REVISION`` (cache_read/cache_write naming, inference metrics under
``gen_ai.client.operation.*``). Cost names follow the open proposal PR #443.

No other module writes an attribute string: import the constant from here.
"""

from __future__ import annotations

from typing import Final

GENAI_SEMCONV_REVISION: Final = "semantic-conventions-genai@2026-09 (v1.38 registry, PR #440 cache_write, PR #443 cost)"
SCHEMA_URL: Final = "https://opentelemetry.io/schemas/1.38.0"
INSTRUMENTATION_SCOPE: Final = "harness.instrumentation"

# --- gen_ai.*: operation and provider -------------------------------------------------------
GEN_AI_OPERATION_NAME: Final = "gen_ai.operation.name"
GEN_AI_PROVIDER_NAME: Final = "gen_ai.provider.name"
GEN_AI_OUTPUT_TYPE: Final = "gen_ai.output.type"
GEN_AI_CONVERSATION_ID: Final = "gen_ai.conversation.id"

# request
GEN_AI_REQUEST_MODEL: Final = "gen_ai.request.model"
GEN_AI_REQUEST_MAX_TOKENS: Final = "gen_ai.request.max_tokens"
GEN_AI_REQUEST_TEMPERATURE: Final = "gen_ai.request.temperature"
GEN_AI_REQUEST_TOP_P: Final = "gen_ai.request.top_p"
GEN_AI_REQUEST_SEED: Final = "gen_ai.request.seed"
GEN_AI_REQUEST_STREAM: Final = "gen_ai.request.stream"
GEN_AI_REQUEST_CHOICE_COUNT: Final = "gen_ai.request.choice.count"
GEN_AI_REQUEST_STOP_SEQUENCES: Final = "gen_ai.request.stop_sequences"
GEN_AI_REQUEST_ENCODING_FORMATS: Final = "gen_ai.request.encoding_formats"
GEN_AI_REQUEST_TOP_K: Final = "gen_ai.request.top_k"
GEN_AI_REQUEST_FREQUENCY_PENALTY: Final = "gen_ai.request.frequency_penalty"
GEN_AI_REQUEST_PRESENCE_PENALTY: Final = "gen_ai.request.presence_penalty"
OPENAI_API_TYPE: Final = "openai.api.type"
OPENAI_REQUEST_SERVICE_TIER: Final = "openai.request.service_tier"  # as asked: auto, default, flex, priority ...

# response
GEN_AI_RESPONSE_ID: Final = "gen_ai.response.id"
GEN_AI_RESPONSE_MODEL: Final = "gen_ai.response.model"
GEN_AI_RESPONSE_FINISH_REASONS: Final = "gen_ai.response.finish_reasons"
GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK: Final = "gen_ai.response.time_to_first_chunk"
OPENAI_RESPONSE_SERVICE_TIER: Final = "openai.response.service_tier"  # the tier that served it (what it costs)
HARNESS_ANTHROPIC_SPEED: Final = "harness.anthropic.speed"  # its speed mode (fast costs more); no convention yet

# usage (input_tokens includes cache read/write; output_tokens includes reasoning)
GEN_AI_USAGE_INPUT_TOKENS: Final = "gen_ai.usage.input_tokens"
GEN_AI_USAGE_OUTPUT_TOKENS: Final = "gen_ai.usage.output_tokens"
GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS: Final = "gen_ai.usage.cache_read.input_tokens"
GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS: Final = "gen_ai.usage.cache_write.input_tokens"
GEN_AI_USAGE_REASONING_OUTPUT_TOKENS: Final = "gen_ai.usage.reasoning.output_tokens"

# cost (proposed in semantic-conventions-genai PR #443; inference spans only)
GEN_AI_USAGE_COST_AMOUNT: Final = "gen_ai.usage.cost.amount"
GEN_AI_USAGE_COST_CURRENCY: Final = "gen_ai.usage.cost.currency"
GEN_AI_USAGE_COST_SOURCE: Final = "gen_ai.usage.cost.source"

# prompt identity and content (content is opt-in)
GEN_AI_PROMPT_NAME: Final = "gen_ai.prompt.name"
GEN_AI_PROMPT_VERSION: Final = "gen_ai.prompt.version"
GEN_AI_INPUT_MESSAGES: Final = "gen_ai.input.messages"
GEN_AI_OUTPUT_MESSAGES: Final = "gen_ai.output.messages"
GEN_AI_SYSTEM_INSTRUCTIONS: Final = "gen_ai.system_instructions"
GEN_AI_TOOL_DEFINITIONS: Final = "gen_ai.tool.definitions"

# agents and tools
GEN_AI_AGENT_ID: Final = "gen_ai.agent.id"
GEN_AI_AGENT_NAME: Final = "gen_ai.agent.name"
GEN_AI_AGENT_VERSION: Final = "gen_ai.agent.version"
GEN_AI_AGENT_DESCRIPTION: Final = "gen_ai.agent.description"
GEN_AI_TOOL_NAME: Final = "gen_ai.tool.name"
GEN_AI_TOOL_TYPE: Final = "gen_ai.tool.type"
GEN_AI_TOOL_DESCRIPTION: Final = "gen_ai.tool.description"
GEN_AI_TOOL_CALL_ID: Final = "gen_ai.tool.call.id"
GEN_AI_TOOL_CALL_ARGUMENTS: Final = "gen_ai.tool.call.arguments"
GEN_AI_TOOL_CALL_RESULT: Final = "gen_ai.tool.call.result"

# embeddings
GEN_AI_EMBEDDINGS_DIMENSION_COUNT: Final = "gen_ai.embeddings.dimension.count"

# evaluation
GEN_AI_EVALUATION_NAME: Final = "gen_ai.evaluation.name"
GEN_AI_EVALUATION_SCORE_VALUE: Final = "gen_ai.evaluation.score.value"
GEN_AI_EVALUATION_SCORE_LABEL: Final = "gen_ai.evaluation.score.label"
GEN_AI_EVALUATION_EXPLANATION: Final = "gen_ai.evaluation.explanation"

# metric dimension
GEN_AI_TOKEN_TYPE: Final = "gen_ai.token.type"

# --- general OpenTelemetry names ---------------------------------------------------------------
ERROR_TYPE: Final = "error.type"
SERVER_ADDRESS: Final = "server.address"
SERVER_PORT: Final = "server.port"
HTTP_RESPONSE_STATUS_CODE: Final = "http.response.status_code"
HTTP_ROUTE: Final = "http.route"
SERVICE_NAME: Final = "service.name"
SERVICE_VERSION: Final = "service.version"
DEPLOYMENT_ID: Final = "deployment.id"
DEPLOYMENT_NAME: Final = "deployment.name"
DEPLOYMENT_STATUS: Final = "deployment.status"
DEPLOYMENT_ENVIRONMENT_NAME: Final = "deployment.environment.name"
CICD_PIPELINE_NAME: Final = "cicd.pipeline.name"
CICD_PIPELINE_RUN_ID: Final = "cicd.pipeline.run.id"
VCS_REF_HEAD_REVISION: Final = "vcs.ref.head.revision"
VCS_CHANGE_ID: Final = "vcs.change.id"

# --- operation name values ----------------------------------------------------------------------
OP_CHAT: Final = "chat"
OP_TEXT_COMPLETION: Final = "text_completion"
OP_GENERATE_CONTENT: Final = "generate_content"
OP_EMBEDDINGS: Final = "embeddings"
OP_INVOKE_AGENT: Final = "invoke_agent"
OP_EXECUTE_TOOL: Final = "execute_tool"
INFERENCE_OPERATIONS: Final = (OP_CHAT, OP_TEXT_COMPLETION, OP_GENERATE_CONTENT, OP_EMBEDDINGS)

COST_CURRENCY_USD: Final = "USD"
COST_SOURCE_PROVIDER: Final = "provider"
COST_SOURCE_LOCAL: Final = "local"

# --- harness.*: project-specific facts --------------------------------------------------------------
HARNESS_FEATURE: Final = "harness.feature"
HARNESS_PRICE_SOURCE: Final = "harness.price.source"
HARNESS_PRICE_VERSION: Final = "harness.price.version"
HARNESS_LLM_ATTEMPTS: Final = "harness.llm.attempts"
HARNESS_LLM_ATTEMPT: Final = "harness.llm.attempt"
HARNESS_LLM_RETRY_WAIT: Final = "harness.llm.retry.wait"
HARNESS_LLM_NESTED: Final = "harness.llm.nested"
HARNESS_USAGE_COUNTED: Final = "harness.usage.counted"
# why a completed call has no usage on its span (streams without include_usage, a provider that omitted it)
HARNESS_USAGE_ABSENT_REASON: Final = "harness.usage.absent_reason"
USAGE_ABSENT_STREAM_WITHOUT_USAGE: Final = "stream_without_usage"
USAGE_ABSENT_PROVIDER_OMITTED: Final = "provider_omitted"

# provider wrappers: provider names, one event per retried HTTP attempt, how a stream can end badly
PROVIDER_OPENAI: Final = "openai"
PROVIDER_ANTHROPIC: Final = "anthropic"
OPENAI_API_CHAT_COMPLETIONS: Final = "chat_completions"
OPENAI_API_RESPONSES: Final = "responses"
EVENT_LLM_ATTEMPT: Final = "harness.llm.attempt"
FINISH_REASON_ERROR: Final = "error"
ERROR_STREAM_ABANDONED: Final = "stream_abandoned"
ERROR_STREAM_CLOSED: Final = "stream_closed"

# agent trajectory (roll-ups use names distinct from the inference spans' so nothing counts twice)
HARNESS_AGENT_TERMINATION: Final = "harness.agent.termination"
HARNESS_AGENT_STEP: Final = "harness.agent.step"
HARNESS_AGENT_MAX_STEPS: Final = "harness.agent.max_steps"
HARNESS_AGENT_ROLLUP_STEPS: Final = "harness.agent.rollup.steps"
HARNESS_AGENT_ROLLUP_LLM_CALLS: Final = "harness.agent.rollup.llm_calls"
HARNESS_AGENT_ROLLUP_TOOL_CALLS: Final = "harness.agent.rollup.tool_calls"
HARNESS_AGENT_ROLLUP_RETRIES: Final = "harness.agent.rollup.retries"
HARNESS_AGENT_ROLLUP_INPUT_TOKENS: Final = "harness.agent.rollup.input_tokens"
HARNESS_AGENT_ROLLUP_OUTPUT_TOKENS: Final = "harness.agent.rollup.output_tokens"
HARNESS_AGENT_ROLLUP_COST_AMOUNT: Final = "harness.agent.rollup.cost.amount"
HARNESS_AGENT_LOOP_DETECTED: Final = "harness.agent.loop_detected"
HARNESS_TOOL_ALLOWED: Final = "harness.tool.allowed"
HARNESS_TOOL_OWNER: Final = "harness.tool.owner"
HARNESS_TOOL_POLICY: Final = "harness.tool.policy"
HARNESS_TOOL_CATALOGUE: Final = "harness.tool.catalogue"

# termination values (harness.agent.termination) and tool catalogue policies (harness.tool.policy)
TERMINATION_COMPLETED: Final = "completed"
TERMINATION_MAX_STEPS: Final = "max_steps"
TERMINATION_ERROR: Final = "error"
TERMINATION_TIMEOUT: Final = "timeout"
TERMINATION_CANCELLED: Final = "cancelled"
TERMINATION_LOOP_DETECTED: Final = "loop_detected"
AGENT_TERMINATIONS: Final = (
    TERMINATION_COMPLETED,
    TERMINATION_MAX_STEPS,
    TERMINATION_ERROR,
    TERMINATION_TIMEOUT,
    TERMINATION_CANCELLED,
    TERMINATION_LOOP_DETECTED,
)
TOOL_POLICY_FLAG: Final = "flag"
TOOL_POLICY_REFUSE: Final = "refuse"

# systems and facts recorded by `harness ... record`
HARNESS_RECORD_TYPE: Final = "harness.record.type"
HARNESS_SYSTEM: Final = "harness.system"
HARNESS_SYSTEM_KIND: Final = "harness.system.kind"

# eval runs and the gate
HARNESS_EVAL_RUN_ID: Final = "harness.eval.run.id"
HARNESS_EVAL_SUITE: Final = "harness.eval.suite"
HARNESS_EVAL_DATASET_HASH: Final = "harness.eval.dataset.hash"
HARNESS_EVAL_CASE_ID: Final = "harness.eval.case.id"
HARNESS_EVAL_REPEAT: Final = "harness.eval.repeat"
HARNESS_EVAL_CANDIDATE_ID: Final = "harness.eval.candidate.id"
HARNESS_EVAL_BASELINE_ID: Final = "harness.eval.baseline.id"
HARNESS_EVAL_PASSED: Final = "harness.eval.passed"
HARNESS_EVAL_CACHED: Final = "harness.eval.cached"
HARNESS_GATE_DECISION: Final = "harness.gate.decision"
HARNESS_GATE_RUN_ID: Final = "harness.gate.run.id"

HARNESS_EVAL_APPROVED: Final = "harness.eval.approved"
HARNESS_EVAL_SCORER: Final = "harness.eval.scorer"
HARNESS_EVAL_JUDGE_MODEL: Final = "harness.eval.judge.model"
HARNESS_EVAL_JUDGE_PROMPT_VERSION: Final = "harness.eval.judge.prompt_version"
HARNESS_GATE_SUITE: Final = "harness.gate.suite"
# eval runner detail (case roll-ups use names distinct from gen_ai.usage.* so nothing counts twice)
HARNESS_EVAL_REPEATS: Final = "harness.eval.repeats"
HARNESS_EVAL_CASE_COUNT: Final = "harness.eval.case.count"
HARNESS_EVAL_CASE_IDS: Final = "harness.eval.case.ids"
HARNESS_EVAL_RUN_STATUS: Final = "harness.eval.run.status"
HARNESS_EVAL_JUDGES: Final = "harness.eval.judges"
HARNESS_EVAL_GATE_POLICY: Final = "harness.eval.gate_policy"
HARNESS_EVAL_APPROVED_BY: Final = "harness.eval.approved_by"
HARNESS_EVAL_CASE_COST_AMOUNT: Final = "harness.eval.case.cost.amount"
HARNESS_EVAL_CASE_LATENCY: Final = "harness.eval.case.latency"
HARNESS_EVAL_CASE_STEPS: Final = "harness.eval.case.steps"
HARNESS_EVAL_CASE_TOOLS: Final = "harness.eval.case.tools"
HARNESS_EVAL_CASE_TERMINATION: Final = "harness.eval.case.termination"
HARNESS_EVAL_CACHED_FROM: Final = "harness.eval.cached_from"
HARNESS_GATE_METRICS: Final = "harness.gate.metrics"
HARNESS_GATE_REASON: Final = "harness.gate.reason"
# judge calibration (`harness eval calibrate`), production samples (`harness eval sample`), failure modes
HARNESS_EVAL_CALIBRATION_KAPPA: Final = "harness.eval.calibration.kappa"
HARNESS_EVAL_CALIBRATION_KAPPA_LOW: Final = "harness.eval.calibration.kappa_low"
HARNESS_EVAL_CALIBRATION_ITEMS: Final = "harness.eval.calibration.items"
HARNESS_EVAL_CALIBRATION_PASSED: Final = "harness.eval.calibration.passed"
HARNESS_EVAL_SAMPLE_COUNT: Final = "harness.eval.sample.count"
HARNESS_EVAL_SAMPLE_DATASET: Final = "harness.eval.sample.dataset"
HARNESS_EVAL_SAMPLED_CASES: Final = "harness.eval.case.sampled_count"
HARNESS_EVAL_FAILURE_MODES: Final = "harness.eval.failure_modes"
EVAL_STATUS_COMPLETE: Final = "complete"
EVAL_STATUS_BUDGET: Final = "budget_exceeded"
GATE_PASS: Final = "pass"
GATE_REGRESSION: Final = "regression"
GATE_INCONCLUSIVE: Final = "inconclusive"
GATE_ERROR: Final = "error"

# canary decisions (`harness canary`): the two versions compared and the decision
HARNESS_CANARY_DECISION: Final = "harness.canary.decision"
HARNESS_CANARY_BASELINE_VERSION: Final = "harness.canary.baseline.version"
HARNESS_CANARY_VERSION: Final = "harness.canary.version"
HARNESS_CANARY_METRICS: Final = "harness.canary.metrics"
HARNESS_CANARY_REASON: Final = "harness.canary.reason"
CANARY_PROMOTE: Final = "promote"
CANARY_HOLD: Final = "hold"
CANARY_ROLLBACK: Final = "rollback"

# record types (harness.record.type) of facts that are not LLM calls
RECORD_DEPLOYMENT: Final = "deployment"
RECORD_INCIDENT: Final = "incident"
RECORD_CHANGE: Final = "change"
RECORD_AUDIT_REQUEST: Final = "audit_request"
RECORD_EVAL_RUN: Final = "eval_run"
RECORD_EVAL_CASE: Final = "eval_case"
RECORD_GATE: Final = "gate"
RECORD_EVAL_APPROVAL: Final = "eval_approval"
RECORD_PREDICTION: Final = "prediction"
RECORD_EVAL_CALIBRATION: Final = "eval_calibration"
RECORD_EVAL_SAMPLE: Final = "eval_sample"
RECORD_CANARY: Final = "canary"
RECORD_OVERRIDE: Final = "override"

# when a fact (deployment, incident, change, audit request) was written, ISO 8601 UTC: of the records of one id,
# scoring keeps the one written last (an --update), whatever the times it gives
HARNESS_FACT_RECORDED_AT: Final = "harness.fact.recorded_at"
# deployment facts (with deployment.*, cicd.pipeline.run.id, vcs.ref.head.revision, service.version above)
HARNESS_DEPLOYMENT_STRATEGY: Final = "harness.deployment.strategy"
HARNESS_DEPLOYMENT_TRIGGER: Final = "harness.deployment.trigger"
HARNESS_DEPLOYMENT_ROLLS_BACK: Final = "harness.deployment.rolls_back"
HARNESS_DEPLOYMENT_CHANGE_IDS: Final = "harness.deployment.change_ids"
HARNESS_DEPLOYMENT_APPROVER: Final = "harness.deployment.approver"
DEPLOYMENT_STATUS_SUCCEEDED: Final = "succeeded"
DEPLOYMENT_STATUS_FAILED: Final = "failed"
DEPLOYMENT_STRATEGIES: Final = ("direct", "canary", "shadow")
DEPLOYMENT_TRIGGERS: Final = ("manual", "pipeline", "rollback", "eval_regression")
# incident, change and audit-request facts (times as ISO 8601 UTC strings)
HARNESS_INCIDENT_ID: Final = "harness.incident.id"
HARNESS_INCIDENT_SEVERITY: Final = "harness.incident.severity"
HARNESS_INCIDENT_DEPLOYMENT_ID: Final = "harness.incident.deployment.id"
HARNESS_INCIDENT_STARTED_AT: Final = "harness.incident.started_at"
HARNESS_INCIDENT_RESOLVED_AT: Final = "harness.incident.resolved_at"
HARNESS_CHANGE_KIND: Final = "harness.change.kind"
HARNESS_CHANGE_MATERIAL: Final = "harness.change.material"
HARNESS_CHANGE_REVIEWER: Final = "harness.change.reviewer"
HARNESS_CHANGE_AUTHOR: Final = "harness.change.author"
HARNESS_CHANGE_OPENED_AT: Final = "harness.change.opened_at"
HARNESS_CHANGE_MERGED_AT: Final = "harness.change.merged_at"
# who reviewed and approved a change, when it was reviewed, and its risk assessment (who, when, outcome, link)
HARNESS_CHANGE_REVIEWED_AT: Final = "harness.change.reviewed_at"
HARNESS_CHANGE_APPROVER: Final = "harness.change.approver"
HARNESS_CHANGE_RISK_ASSESSOR: Final = "harness.change.risk.assessor"
HARNESS_CHANGE_RISK_ASSESSED_AT: Final = "harness.change.risk.assessed_at"
HARNESS_CHANGE_RISK_OUTCOME: Final = "harness.change.risk.outcome"
HARNESS_CHANGE_RISK_LINK: Final = "harness.change.risk.link"
RISK_ACCEPTED: Final = "accepted"
RISK_MITIGATED: Final = "mitigated"
RISK_REJECTED: Final = "rejected"
RISK_OUTCOMES: Final = (RISK_ACCEPTED, RISK_MITIGATED, RISK_REJECTED)
CHANGE_KINDS: Final = ("model", "prompt", "tool_catalogue", "retrieval_index", "agent_config", "code")
HARNESS_AUDIT_REQUEST_ID: Final = "harness.audit.request.id"
HARNESS_AUDIT_REQUESTED_AT: Final = "harness.audit.requested_at"
HARNESS_AUDIT_FULFILLED_AT: Final = "harness.audit.fulfilled_at"
# the audit bundle that fulfilled a request (`harness audit bundle`): the SHA-256 of its manifest
HARNESS_AUDIT_BUNDLE_SHA256: Final = "harness.audit.bundle.sha256"
# human-in-the-loop overrides (`instrumentation.record_override`, `harness override record`)
HARNESS_OVERRIDE_DECISION_ID: Final = "harness.override.decision.id"
HARNESS_OVERRIDE_BY: Final = "harness.override.by"
HARNESS_OVERRIDE_OUTCOME: Final = "harness.override.outcome"
HARNESS_OVERRIDE_TRACE_ID: Final = "harness.override.trace_id"
HARNESS_OVERRIDE_REASON: Final = "harness.override.reason"
OVERRIDE_OVERRODE: Final = "overrode"
OVERRIDE_CONFIRMED: Final = "confirmed"
OVERRIDE_OUTCOMES: Final = (OVERRIDE_OVERRODE, OVERRIDE_CONFIRMED)
# red-team suites (`red_team: true`) and fairness slices (a case's slice labels, gated per slice)
HARNESS_EVAL_RED_TEAM: Final = "harness.eval.red_team"
HARNESS_EVAL_CASE_SLICES: Final = "harness.eval.case.slices"
# classical-model predictions (`predict {model}` spans)
HARNESS_MODEL_NAME: Final = "harness.model.name"
HARNESS_MODEL_VERSION: Final = "harness.model.version"
HARNESS_PREDICT_ROWS: Final = "harness.predict.rows"
SYSTEM_KIND_LLM: Final = "llm"
SYSTEM_KIND_CLASSICAL: Final = "classical"

# --- span and event names (format with the model, agent, tool, suite or system name) ------------------
SPAN_CHAT: Final = "chat {model}"
SPAN_INVOKE_AGENT: Final = "invoke_agent {name}"
SPAN_EXECUTE_TOOL: Final = "execute_tool {name}"
SPAN_EVAL_RUN: Final = "evaluate {suite}"
SPAN_EVAL_CASE: Final = "evaluate_case {case}"
SPAN_EVAL_GATE: Final = "eval_gate {suite}"
SPAN_EVAL_APPROVE: Final = "eval_approve {suite}"
SPAN_EVAL_CALIBRATE: Final = "eval_calibrate {scorer}"
SPAN_EVAL_SAMPLE: Final = "eval_sample {system}"
SPAN_CANARY: Final = "canary {system}"
EVENT_EVALUATION_RESULT: Final = "gen_ai.evaluation.result"
SPAN_DEPLOYMENT: Final = "deploy {system}"
SPAN_INCIDENT: Final = "incident {system}"
SPAN_CHANGE: Final = "change {system}"
SPAN_AUDIT_REQUEST: Final = "audit_request"
SPAN_PREDICT: Final = "predict {model}"
SPAN_OVERRIDE: Final = "override {system}"

# --- metric names ------------------------------------------------------------------------------------
# token usage as monotonic counters (the conventions' usage-metrics redesign replacing the token histogram)
METRIC_USAGE_INPUT_TOKENS: Final = "gen_ai.client.inference.usage.input_tokens"
METRIC_USAGE_OUTPUT_TOKENS: Final = "gen_ai.client.inference.usage.output_tokens"
METRIC_USAGE_CACHE_READ_TOKENS: Final = "gen_ai.client.inference.usage.cache_read.input_tokens"
METRIC_USAGE_CACHE_WRITE_TOKENS: Final = "gen_ai.client.inference.usage.cache_write.input_tokens"
METRIC_USAGE_REASONING_TOKENS: Final = "gen_ai.client.inference.usage.reasoning.output_tokens"
METRIC_CLIENT_OPERATION_DURATION: Final = "gen_ai.client.operation.duration"
METRIC_CLIENT_TIME_TO_FIRST_CHUNK: Final = "gen_ai.client.operation.time_to_first_chunk"
METRIC_CLIENT_COST: Final = "gen_ai.client.cost"
METRIC_DEFERRED_DRAIN: Final = "harness.telemetry.deferred_drain"
METRIC_EXECUTE_TOOL_DURATION: Final = "gen_ai.execute_tool.duration"
METRIC_INVOKE_AGENT_DURATION: Final = "gen_ai.invoke_agent.duration"
METRIC_COST_UNKNOWN_MODEL: Final = "harness.cost.unknown_model"
METRIC_TELEMETRY_ERRORS: Final = "harness.telemetry.errors"
HARNESS_TELEMETRY_ERROR_WHERE: Final = "harness.telemetry.error.where"
METRIC_EXPORT_DROPPED: Final = "harness.export.dropped_spans"
EXPORTER_NAME: Final = "exporter"  # the dimension of METRIC_EXPORT_DROPPED: which exporter dropped them
METRIC_EXPORT_EXPORTED: Final = "harness.export.exported_spans"  # spans an exporter delivered (the lake: wrote)
# the second dimension of METRIC_EXPORT_DROPPED: why (the SDK's own processor metrics use error.type alike)
EXPORT_DROP_CAUSE: Final = "error.type"
DROP_QUEUE_FULL: Final = "queue_full"  # the exporter's bounded buffer was full when the span ended
DROP_EXPORT_FAILED: Final = "export_failed"  # the exporter failed or raised (collector down, 5xx, 429 to the end)
DROP_WRITE_FAILED: Final = "write_failed"  # the lake could not write the segment (disk full, read-only, not a folder)
DROP_CONVERT_FAILED: Final = "convert_failed"  # the span could not be turned into lake columns
DROP_SHUTDOWN_TIMEOUT: Final = "shutdown_timeout"  # still queued or in flight when shutdown's time ran out
DROP_ALREADY_SHUTDOWN: Final = "already_shutdown"  # ended after the exporter was shut down
DROP_REFUSED_PREFIX: Final = (
    "refused_"  # + the receiver's refusal cause: spans it answered 4xx/5xx (a 503 may be retried)
)
DROP_CAUSES: Final = (
    DROP_QUEUE_FULL,
    DROP_EXPORT_FAILED,
    DROP_WRITE_FAILED,
    DROP_CONVERT_FAILED,
    DROP_SHUTDOWN_TIMEOUT,
    DROP_ALREADY_SHUTDOWN,
)
METRIC_TOOL_UNLISTED: Final = "harness.tool.unlisted_calls"

TOKEN_TYPE_INPUT: Final = "input"
TOKEN_TYPE_OUTPUT: Final = "output"

# --- other instrumentations' dialects: read by scoring (tables/dialect_attributes.sql), never written -----
# Checked against the installed sources: opentelemetry-instrumentation-openai-v2 2.4b0 (default, pre-1.37
# conventions), -genai-openai 1.3b0 / opentelemetry-util-genai 1.3b0 (latest), OpenLLMetry
# opentelemetry-instrumentation-openai 0.62.4 + opentelemetry-semantic-conventions-ai 0.5.1,
# openinference-instrumentation-openai 0.1.66 + openinference-semantic-conventions 0.1.42, logfire 5.4.0.
# Older gen_ai.* revisions (and OpenLLMetry, Logfire's v1 attributes)
GEN_AI_SYSTEM: Final = "gen_ai.system"  # deprecated for gen_ai.provider.name
GEN_AI_USAGE_PROMPT_TOKENS: Final = "gen_ai.usage.prompt_tokens"  # deprecated for gen_ai.usage.input_tokens
GEN_AI_USAGE_COMPLETION_TOKENS: Final = "gen_ai.usage.completion_tokens"  # deprecated for output_tokens
GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS: Final = "gen_ai.usage.cache_creation.input_tokens"  # renamed cache_write
GEN_AI_OPENAI_RESPONSE_SERVICE_TIER: Final = "gen_ai.openai.response.service_tier"  # renamed openai.response.*
GEN_AI_OPENAI_REQUEST_SERVICE_TIER: Final = "gen_ai.openai.request.service_tier"  # renamed openai.request.*
# OpenLLMetry (traceloop): non-standard names and its decorator spans (@workflow, @task, @agent, @tool)
TRACELOOP_USAGE_REASONING_TOKENS: Final = "gen_ai.usage.reasoning_tokens"
TRACELOOP_USAGE_CACHE_READ_INPUT_TOKENS: Final = "gen_ai.usage.cache_read_input_tokens"  # older underscore form
TRACELOOP_USAGE_CACHE_CREATION_INPUT_TOKENS: Final = "gen_ai.usage.cache_creation_input_tokens"
TRACELOOP_SPAN_KIND: Final = "traceloop.span.kind"
TRACELOOP_ENTITY_NAME: Final = "traceloop.entity.name"
TRACELOOP_PROMPT_VERSION: Final = "traceloop.prompt.version"
TRACELOOP_KIND_AGENT: Final = "agent"
TRACELOOP_KIND_TOOL: Final = "tool"
# OpenInference (Arize): its own names throughout; the span kind says what a span is
OPENINFERENCE_SPAN_KIND: Final = "openinference.span.kind"
OPENINFERENCE_LLM_MODEL_NAME: Final = "llm.model_name"
OPENINFERENCE_LLM_PROVIDER: Final = "llm.provider"
OPENINFERENCE_LLM_SYSTEM: Final = "llm.system"
OPENINFERENCE_TOKEN_COUNT_PROMPT: Final = "llm.token_count.prompt"  # gross, like gen_ai.usage.input_tokens
OPENINFERENCE_TOKEN_COUNT_COMPLETION: Final = "llm.token_count.completion"
OPENINFERENCE_TOKEN_COUNT_CACHE_READ: Final = "llm.token_count.prompt_details.cache_read"
OPENINFERENCE_TOKEN_COUNT_CACHE_WRITE: Final = "llm.token_count.prompt_details.cache_write"
OPENINFERENCE_TOKEN_COUNT_REASONING: Final = "llm.token_count.completion_details.reasoning"
OPENINFERENCE_COST_TOTAL: Final = "llm.cost.total"
OPENINFERENCE_PROMPT_TEMPLATE_VERSION: Final = "llm.prompt_template.version"
OPENINFERENCE_AGENT_NAME: Final = "agent.name"
OPENINFERENCE_TOOL_NAME: Final = "tool.name"
OPENINFERENCE_KIND_LLM: Final = "LLM"
OPENINFERENCE_KIND_EMBEDDING: Final = "EMBEDDING"
OPENINFERENCE_KIND_AGENT: Final = "AGENT"
OPENINFERENCE_KIND_TOOL: Final = "TOOL"
# Logfire: cost from genai-prices on the span; a stream's usage sits on a log record after the request span
LOGFIRE_OPERATION_COST: Final = "operation.cost"
LOGFIRE_SPAN_TYPE: Final = "logfire.span_type"
