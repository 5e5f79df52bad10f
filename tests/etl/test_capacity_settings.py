"""[capacity] settings: defaults, overrides and the values refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.config import ConfigError, settings_from_mapping


def test_defaults_and_overrides(tmp_path: Path) -> None:
    defaults = settings_from_mapping({}, tmp_path).capacity
    assert (defaults.horizon_days, defaults.holdout_days, defaults.interval_minutes, defaults.profile_weeks,
            defaults.max_occupancy) == (28, 28, 30, 8, 0.85)
    chosen = settings_from_mapping({"capacity": {"horizon_days": 14, "interval_minutes": 15}}, tmp_path).capacity
    assert (chosen.horizon_days, chosen.interval_minutes) == (14, 15)


@pytest.mark.parametrize("section", [{"interval_minutes": 45}, {"horizon_days": 0}, {"max_occupancy": 1.5},
                                     {"unknown": 1}])
def test_bad_values_are_refused(tmp_path: Path, section: dict) -> None:
    with pytest.raises(ConfigError, match=r"\[capacity\]"):
        settings_from_mapping({"capacity": section}, tmp_path)
