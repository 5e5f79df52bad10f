"""Capacity planning: queueing formulas (Erlang C, Erlang A) and volume forecasting, as pure functions."""
