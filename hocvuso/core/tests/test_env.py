from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from hocvuso.core.env import (
    env_bool,
    env_database,
    env_int,
    env_list,
    env_rate,
    env_secret,
)


def test_bool_reads_common_spellings_and_rejects_typos(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "0")
    assert env_bool("FLAG", True) is False
    monkeypatch.setenv("FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be one of"):
        env_bool("FLAG", False)


def test_int_and_list(monkeypatch):
    monkeypatch.setenv("N", "12")
    monkeypatch.setenv("HOSTS", "a.vn, b.vn,,")
    assert env_int("N", 1) == 12
    assert env_list("HOSTS", []) == ["a.vn", "b.vn"]
    monkeypatch.setenv("N", "mười")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("N", 1)


def test_rate_takes_count_per_period_and_rejects_anything_else(monkeypatch):
    assert env_rate("API_RATE", "600/m") == "600/m"
    monkeypatch.setenv("API_RATE", " 20/hour ")
    assert env_rate("API_RATE", "600/m") == "20/hour"
    for bad in ("600", "600/week", "0/m", "-1/s", "abc/m"):
        monkeypatch.setenv("API_RATE", bad)
        with pytest.raises(ImproperlyConfigured, match="count/period"):
            env_rate("API_RATE", "600/m")


def test_secret_from_file_and_missing_secret(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("KEY_FILE", str(secret))
    assert env_secret("KEY") == "s3cret"
    monkeypatch.delenv("KEY_FILE")
    monkeypatch.delenv("KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="KEY must be set"):
        env_secret("KEY")


def test_database_url_postgres_and_sqlite(monkeypatch, tmp_path):
    monkeypatch.setenv("DB", "postgres://u:p@db.internal:5432/hocvuso")
    config = env_database("DB", "sqlite:///unused")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["HOST"] == "db.internal"
    monkeypatch.delenv("DB")
    config = env_database("DB", f"sqlite:///{tmp_path}/sub/x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert (tmp_path / "sub").is_dir()
    monkeypatch.setenv("DB", "nonsense://")
    with pytest.raises(ImproperlyConfigured, match="not a database URL"):
        env_database("DB", "")


def test_production_settings_are_safe_by_default():
    import subprocess
    import sys

    code = (
        "import os;os.environ.pop('HOCVUSO_DEV',None);os.environ['SECRET_KEY']='x'*50;"
        "os.environ.pop('DEBUG',None);"
        "import hocvuso.settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS>0,"
        " s.SECURE_SSL_REDIRECT, s.ALLOWED_HOSTS)"
    )
    out = subprocess.run(  # noqa: S603 — a fresh interpreter so settings import anew
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "False True True True True []"


def test_production_refuses_to_start_without_a_secret_key():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"HOCVUSO_DEV", "SECRET_KEY"}}
    result = subprocess.run(
        [sys.executable, "-c", "import hocvuso.settings"], capture_output=True, text=True, env=env
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_postgres_gets_a_connection_pool_by_default(monkeypatch):
    # hocvuso.core.testing turns the pool off for the test run; a deployment has it on.
    monkeypatch.delenv("DATABASE_POOL", raising=False)
    monkeypatch.delenv("DATABASE_POOL_MAX_SIZE", raising=False)
    monkeypatch.setenv("DB", "postgres://u:p@db.internal:5432/hocvuso")
    config = env_database("DB", "sqlite:///unused")
    assert config["CONN_MAX_AGE"] == 0  # Django refuses a pool with persistent connections
    assert config["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 10, "timeout": 10}
    monkeypatch.setenv("DATABASE_POOL_MAX_SIZE", "25")
    assert env_database("DB", "")["OPTIONS"]["pool"]["max_size"] == 25


def test_pool_can_be_turned_off_for_persistent_connections(monkeypatch):
    monkeypatch.setenv("DATABASE_POOL", "0")
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "30")
    monkeypatch.setenv("DB", "postgres://u:p@db.internal:5432/hocvuso")
    config = env_database("DB", "sqlite:///unused")
    assert "pool" not in config.get("OPTIONS", {})
    assert config["CONN_MAX_AGE"] == 30


def test_sqlite_never_gets_a_pool(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_POOL", raising=False)
    config = env_database("DB", f"sqlite:///{tmp_path}/x.sqlite3")
    assert "pool" not in config["OPTIONS"]
