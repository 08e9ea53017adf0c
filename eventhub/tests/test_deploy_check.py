import pytest

from eventhub.tests.production import production_environment, run_python


def test_check_deploy_is_clean_with_the_documented_production_environment():
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=production_environment())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_refuses_a_development_mail_backend():
    result = run_python("manage.py", "check", "--deploy", env=production_environment(EMAIL_URL="consolemail://"))

    assert result.returncode != 0
    assert "mail.E001" in result.stderr


@pytest.mark.parametrize(
    "name", ["SECRET_KEY", "QR_SIGNING_KEYS", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SITE_URL", "DATABASE_URL"]
)
def test_settings_refuse_to_start_with_debug_off_without(name):
    env = production_environment()
    del env[name]

    result = run_python("-c", "import eventhub.settings", env=env)

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} must be set when DEBUG is off." in result.stderr


def test_settings_refuse_to_start_with_debug_off_without_a_mail_server():
    env = production_environment()
    del env["EMAIL_URL"]

    result = run_python("-c", "import eventhub.settings", env=env)

    assert "ImproperlyConfigured: EMAIL_URL or EMAIL_BACKEND must be set when DEBUG is off." in result.stderr


def test_settings_refuse_an_empty_qr_key_list():
    result = run_python("-c", "import eventhub.settings", env=production_environment(QR_SIGNING_KEYS=""))

    assert "ImproperlyConfigured: QR_SIGNING_KEYS must hold at least one key." in result.stderr


def test_settings_start_with_the_documented_production_environment():
    script = "from django.conf import settings as s; print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, " \
             "s.SECURE_PROXY_SSL_HEADER, s.USE_X_FORWARDED_HOST, s.SECURE_HSTS_SECONDS)"
    env = production_environment(DJANGO_SETTINGS_MODULE="eventhub.settings")

    result = run_python("-c", script, env=env)

    assert result.stdout.split() == [
        "False", "True", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')", "False", "31536000"
    ], result.stderr
