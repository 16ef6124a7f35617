-- The one translation table of other instrumentations' span attributes into the columns of `spans`
-- (load_spans.sql reads it through attribute_keys.sql and span_kinds.sql). For each column, the source
-- attributes in the order they are tried: the first one a span carries wins. The dialects' names do not
-- collide (an attribute means the same wherever it appears), so no span has to be told apart first.
-- Attribute names are constants of instrumentation/semconv.py; docs/dialects.md says what does not translate.
-- At most three sources per column, four for the service tier (attribute_keys.sql's slots; a test checks every
-- row lands).
CREATE OR REPLACE TABLE dialect_attributes AS
SELECT *
FROM (
    VALUES
        -- what a span is: the operation, else a span kind (translated by span_kinds.sql)
        ('kind', 1, 'gen_ai', 'gen_ai.operation.name'),
        ('kind', 2, 'openinference', 'openinference.span.kind'),
        ('kind', 3, 'openllmetry', 'traceloop.span.kind'),
        ('provider', 1, 'gen_ai', 'gen_ai.provider.name'),
        ('provider', 2, 'gen_ai <= 1.36, openllmetry, logfire', 'gen_ai.system'),
        ('provider', 3, 'openinference', 'llm.provider'),
        ('provider_fallback', 1, 'openinference', 'llm.system'),
        ('request_model', 1, 'gen_ai', 'gen_ai.request.model'),
        ('request_model', 2, 'openinference', 'llm.model_name'),
        ('response_model', 1, 'gen_ai', 'gen_ai.response.model'),
        ('response_model', 2, 'openinference', 'llm.model_name'),
        -- the service tier that served the call (it prices it), else the one it asked for
        ('service_tier', 1, 'gen_ai, openllmetry', 'openai.response.service_tier'),
        ('service_tier', 2, 'gen_ai <= 1.36', 'gen_ai.openai.response.service_tier'),
        ('service_tier', 3, 'gen_ai, openllmetry', 'openai.request.service_tier'),
        ('service_tier', 4, 'gen_ai <= 1.36', 'gen_ai.openai.request.service_tier'),
        ('prompt_version', 1, 'gen_ai', 'gen_ai.prompt.version'),
        ('prompt_version', 2, 'openinference', 'llm.prompt_template.version'),
        ('prompt_version', 3, 'openllmetry', 'traceloop.prompt.version'),
        ('input_tokens', 1, 'gen_ai', 'gen_ai.usage.input_tokens'),
        ('input_tokens', 2, 'gen_ai <= 1.26', 'gen_ai.usage.prompt_tokens'),
        ('input_tokens', 3, 'openinference', 'llm.token_count.prompt'),
        ('output_tokens', 1, 'gen_ai', 'gen_ai.usage.output_tokens'),
        ('output_tokens', 2, 'gen_ai <= 1.26', 'gen_ai.usage.completion_tokens'),
        ('output_tokens', 3, 'openinference', 'llm.token_count.completion'),
        ('cache_read_tokens', 1, 'gen_ai', 'gen_ai.usage.cache_read.input_tokens'),
        ('cache_read_tokens', 2, 'openllmetry (older)', 'gen_ai.usage.cache_read_input_tokens'),
        ('cache_read_tokens', 3, 'openinference', 'llm.token_count.prompt_details.cache_read'),
        ('cache_write_tokens', 1, 'gen_ai', 'gen_ai.usage.cache_write.input_tokens'),
        ('cache_write_tokens', 2, 'gen_ai (before the rename), logfire', 'gen_ai.usage.cache_creation.input_tokens'),
        ('cache_write_tokens', 3, 'openinference', 'llm.token_count.prompt_details.cache_write'),
        ('reasoning_tokens', 1, 'gen_ai', 'gen_ai.usage.reasoning.output_tokens'),
        ('reasoning_tokens', 2, 'openllmetry', 'gen_ai.usage.reasoning_tokens'),
        ('reasoning_tokens', 3, 'openinference', 'llm.token_count.completion_details.reasoning'),
        ('cost', 1, 'gen_ai (proposed), harness', 'gen_ai.usage.cost.amount'),
        ('cost', 2, 'logfire', 'operation.cost'),
        ('cost', 3, 'openinference', 'llm.cost.total'),
        ('agent_name', 1, 'gen_ai', 'gen_ai.agent.name'),
        ('agent_name', 2, 'openinference', 'agent.name'),
        ('agent_name', 3, 'openllmetry', 'traceloop.entity.name'),
        ('tool_name', 1, 'gen_ai', 'gen_ai.tool.name'),
        ('tool_name', 2, 'openinference', 'tool.name'),
        ('tool_name', 3, 'openllmetry', 'traceloop.entity.name')
) AS m (target, rank, dialect, source_attribute)
