-- Cost of the period's production LLM traffic: per request over priced requests, and in total.
SELECT requests, priced_requests, cost_usd, cost_per_request_usd, priced_share FROM met_cost_per_request
