-- Canary decisions (`harness canary`) of the systems in scope decided in the window.
SELECT decided_at, system, baseline_version, canary_version, decision, reason
FROM stg_canary_decisions
ORDER BY decided_at, system
