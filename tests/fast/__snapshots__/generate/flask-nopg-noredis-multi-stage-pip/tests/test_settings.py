"""Settings come from the environment."""

import pytest

from app.settings import Settings, SettingsError

FULL_ENV: dict[str, str] = {}


def test_nothing_is_required() -> None:
    assert Settings.from_env({}) == Settings()


# Optional limits (settings.py, README "When a service is down"): variable -> (field, a value
# it takes, a value it refuses).
LIMITS = {
    "MAX_BODY_BYTES": ("max_body_bytes", "2048", "lots"),
}


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_a_limit_can_be_set_and_a_wrong_one_stops_with_its_name(name: str) -> None:
    field, value, wrong = LIMITS[name]
    assert getattr(Settings.from_env({**FULL_ENV, name: value}), field) == float(value)
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({**FULL_ENV, name: wrong})
