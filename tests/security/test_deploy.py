"""`manage.py check --deploy` is clean with production settings, and those settings
are the hardened ones (not only what the check looks at)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x9LrQ2vK7mP4tY8wZ3nB6cH1jD5fG0sA-Ue_Ri4Oq7Vy2Tx8Wk3Lm6Np9Zb1Cd5",
    "ALLOWED_HOSTS": "samsam.example.nl",
    "CSRF_TRUSTED_ORIGINS": "https://samsam.example.nl",
    "SITE_URL": "https://samsam.example.nl",
}


def _production_env() -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "DATABASE_URL", "REDIS_URL")}
    return {**keep, **PRODUCTION_ENV}


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_values() -> None:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'session_secure': s.SESSION_COOKIE_SECURE, 'csrf_secure': s.CSRF_COOKIE_SECURE,"
        "'session_engine': s.SESSION_ENGINE, 'hsts': s.SECURE_HSTS_SECONDS, 'ssl': s.SECURE_SSL_REDIRECT,"
        "'nosniff': s.SECURE_CONTENT_TYPE_NOSNIFF, 'referrer': s.SECURE_REFERRER_POLICY,"
        "'frame': s.X_FRAME_OPTIONS, 'debug': s.DEBUG, 'httponly': s.SESSION_COOKIE_HTTPONLY,"
        "'validators': [v['NAME'].rsplit('.', 1)[1] for v in s.AUTH_PASSWORD_VALIDATORS],"
        "'min_length': [v.get('OPTIONS', {}).get('min_length') for v in s.AUTH_PASSWORD_VALIDATORS"
        " if v['NAME'].endswith('MinimumLengthValidator')],"
        "'permissions': s.REST_FRAMEWORK['DEFAULT_PERMISSION_CLASSES']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**_production_env(), "DJANGO_SETTINGS_MODULE": "samsam.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["session_secure"] and values["csrf_secure"] and values["httponly"]
    assert values["session_engine"] == "django.contrib.sessions.backends.db"
    assert values["hsts"] >= 31536000 and values["ssl"] and values["nosniff"]
    assert values["referrer"] == "same-origin" and values["frame"] == "DENY" and not values["debug"]
    assert "CommonPasswordValidator" in values["validators"] and values["min_length"] == [12]
    assert values["permissions"] == ["rest_framework.permissions.IsAuthenticated"]


def test_short_and_common_passwords_are_refused(db) -> None:
    import pytest
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("kort-wacht1", "password1234", "123456789012"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("buurthulp-test-123")
    validate_password("buurthulp-demo")
