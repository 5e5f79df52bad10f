"""Pieces several pages show: notices, empty states, the label form, the intent-source line."""
