"""Intents: the taxonomy every contact's intent is drawn from, its rules and vendor mappings."""
