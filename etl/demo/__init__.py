"""Demo data: a simulated customer-service operation written in the canonical export format."""

from etl.demo.simulator import generate

__all__ = ["generate"]
