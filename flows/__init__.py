"""Prefect flows: thin orchestration over carecase/ and connectors/."""
