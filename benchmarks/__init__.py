"""Benchmarks: each module runs on its own (`python -m benchmarks.<name>`); `python -m benchmarks` runs all."""
