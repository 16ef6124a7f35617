-- Span kinds of other instrumentations, as the gen_ai.operation.name they stand for (the `kind` rows of
-- dialect_attributes.sql say which attribute holds them). A gen_ai.operation.name is its own operation.
CREATE OR REPLACE TABLE span_kinds AS
SELECT *
FROM (
    VALUES
        ('openinference', 'LLM', 'chat'),
        ('openinference', 'EMBEDDING', 'embeddings'),
        ('openinference', 'AGENT', 'invoke_agent'),
        ('openinference', 'TOOL', 'execute_tool'),
        ('openllmetry', 'agent', 'invoke_agent'),
        ('openllmetry', 'tool', 'execute_tool')
) AS k (dialect, kind, operation)
