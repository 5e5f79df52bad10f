"""How a run in `ops.runs` ended."""

RUNNING = "running"
SUCCEEDED = "succeeded"
COMPLETED_WITH_ERRORS = "completed_with_errors"
"""The run loaded and built everything, but a file failed or rejected more than the threshold."""
FAILED = "failed"
COMPLETED = (SUCCEEDED, COMPLETED_WITH_ERRORS)
"""Runs after which the warehouse holds a complete, built state."""
INTERRUPTED = "interrupted"
"""The run's process ended before it finished (killed, or its connection lost); found at the next start."""
