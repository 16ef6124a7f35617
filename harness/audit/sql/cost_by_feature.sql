-- Cost of the period's production LLM traffic by product feature.
SELECT feature, cost_usd, share, calls, priced_calls FROM met_cost_per_feature
