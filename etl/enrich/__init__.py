"""Enrichment steps: each reads core tables and writes versioned tables of its own."""
