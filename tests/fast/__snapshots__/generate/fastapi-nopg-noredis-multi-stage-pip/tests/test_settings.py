"""Settings come from the environment."""

import pytest

from app.settings import SettingsError, load_settings


@pytest.fixture
def full_env() -> None:
    """Nothing is required."""


def test_nothing_is_required() -> None:
    load_settings()


# Optional limits (settings.py, README "When a service is down"): variable -> (field, a value
# it takes, a value it refuses).
LIMITS = {
    "MAX_BODY_BYTES": ("max_body_bytes", "2048", "lots"),
}


@pytest.mark.parametrize("name", sorted(LIMITS))
@pytest.mark.usefixtures("full_env")
def test_a_limit_can_be_set_and_a_wrong_one_stops_with_its_name(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    field, value, wrong = LIMITS[name]
    monkeypatch.setenv(name, value)
    assert getattr(load_settings(), field) == float(value)
    monkeypatch.setenv(name, wrong)
    with pytest.raises(SettingsError, match=name):
        load_settings()
