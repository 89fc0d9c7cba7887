"""Integrations with other tools: Dask."""
