"""Suites shipped with the project (YAML files plus the small task adapters they name)."""
