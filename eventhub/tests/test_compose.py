"""docker-compose.yml, validated by a real Compose implementation (Debian's docker-compose 1.29)."""

import os
import re
import shutil
import subprocess

import pytest
import yaml

from eventhub.tests.production import ENV_EXAMPLE, ROOT, production_environment

COMPOSE_FILE = ROOT / "docker-compose.yml"
TEMPLATE = ROOT / "nginx" / "eventhub.conf.template"

pytestmark = pytest.mark.deploy


def _docker_compose() -> str:
    path = shutil.which("docker-compose")
    if path is None:
        message = "docker-compose is not installed ('apt-get install -y docker-compose')"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def compose(tmp_path):
    """Run docker-compose on the project with a filled-in copy of .env.example as .env."""
    binary = _docker_compose()
    env_file = tmp_path / "production.env"
    env_file.write_text("".join(f"{name}={value}\n" for name, value in production_environment().items()))

    def run(*args, compose_file=COMPOSE_FILE):
        return subprocess.run(
            [binary, "--project-directory", str(ROOT), "-f", str(compose_file), "--env-file", str(env_file), *args],
            cwd=ROOT, env={**os.environ, "EVENTHUB_ENV_FILE": str(env_file)}, capture_output=True, text=True,
            timeout=60,
        )

    return run


def _config(compose) -> dict:
    result = compose("--profile", "certbot", "config")
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def _mounts(service: dict) -> dict[str, str]:
    """Return the service's volumes as {target: source} (short or long syntax)."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source"), volume["target"]
        mounts[target] = source
    return mounts


def test_docker_compose_accepts_the_file(compose):
    result = compose("config", "-q")

    assert result.returncode == 0, result.stderr


def test_docker_compose_rejects_an_unknown_key(compose, tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(COMPOSE_FILE.read_text().replace("    stop_grace_period: 40s\n", "    stop_grace_timeout: 40s\n"))

    result = compose("config", "-q", compose_file=broken)

    assert result.returncode != 0
    assert "stop_grace_timeout" in result.stderr


def test_every_long_running_service_has_a_healthcheck(compose):
    services = _config(compose)["services"]

    assert set(services) == {"db", "redis", "migrate", "api", "worker", "scheduler", "frontend", "nginx", "certbot"}
    assert services["migrate"]["restart"] == "no"  # one-shot: done is its health
    for name, service in services.items():
        if name != "migrate":
            assert service["healthcheck"]["test"], name


def test_migrations_run_once_before_the_app_starts(compose):
    services = _config(compose)["services"]

    release = " ".join(services["migrate"]["command"])
    assert "manage.py migrate --noinput" in release and "manage.py createcachetable" in release
    for name in ("api", "worker", "scheduler"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
        assert services[name]["depends_on"]["db"] == {"condition": "service_healthy"}, name
    assert services["nginx"]["depends_on"]["api"] == {"condition": "service_healthy"}


def test_the_pwa_has_its_own_container_behind_nginx(compose):
    services = _config(compose)["services"]
    frontend, nginx = services["frontend"], services["nginx"]

    assert frontend["build"]["context"] == str(ROOT / "frontend")
    assert frontend["image"].split(":")[0] == "eventhub-frontend"
    assert frontend["expose"] == ["80"] and "ports" not in frontend
    # nginx writes only to its cache and run directories.
    assert frontend["read_only"] is True
    assert {"/var/cache/nginx", "/var/run"} <= set(frontend["tmpfs"])
    # A new shell goes live only once the API of the same release is up.
    assert frontend["depends_on"]["api"] == {"condition": "service_healthy"}
    # The public nginx is the stock image: the PWA comes from frontend.
    assert "build" not in nginx and nginx["image"].startswith("nginx:")
    assert nginx["depends_on"]["frontend"] == {"condition": "service_healthy"}
    assert nginx["environment"]["PWA_UPSTREAM"] == "frontend:80"
    assert nginx["environment"]["API_UPSTREAM"] == "api:8000"
    assert nginx["environment"]["UPSTREAM_PARAMETERS"] == "resolve"


def test_the_frontend_image_puts_the_build_where_its_nginx_config_serves_it():
    final_stage = (ROOT / "frontend" / "Dockerfile").read_text().rsplit("\nFROM ", 1)[1]
    (root,) = re.findall(r"^\s*root (\S+);$", (ROOT / "frontend" / "nginx.conf").read_text(), flags=re.MULTILINE)

    assert final_stage.startswith("nginx:1.28-alpine\n")
    # The stock image's only site, replaced by the PWA's.
    assert "\nCOPY nginx.conf /etc/nginx/conf.d/default.conf\n" in final_stage
    # Served at /app/: the build sits in <root>/app.
    assert f"\nCOPY --from=build /src/.output/public {root}/app\n" in final_stage


def test_postgres_keeps_its_data_in_a_volume(compose):
    db = _config(compose)["services"]["db"]

    assert db["image"] == "postgres:15-alpine"
    assert _mounts(db)["/var/lib/postgresql/data"] == "pgdata"


def test_the_app_services_read_the_env_file(compose):
    services = _config(compose)["services"]

    for name in ("migrate", "api", "worker", "scheduler"):
        environment = services[name]["environment"]
        assert environment["DEBUG"] == "false", name
        assert len(environment["SECRET_KEY"]) >= 50, name


def test_nginx_gets_every_variable_its_template_uses(compose):
    nginx = _config(compose)["services"]["nginx"]
    used = set(re.findall(r"\$\{([A-Z_]+)\}", TEMPLATE.read_text()))

    # CLIENT_MAX_BODY_SIZE is derived from FILE_MAX_BYTES at start (nginx/15-eventhub-body-size.envsh).
    assert used - {"CLIENT_MAX_BODY_SIZE"} <= set(nginx["environment"])
    assert "FILE_MAX_BYTES" in nginx["environment"]
    mounts = _mounts(nginx)
    assert mounts["/etc/nginx/templates/default.conf.template"] == str(TEMPLATE)
    for target, source in mounts.items():
        if target.startswith("/docker-entrypoint.d/"):
            assert os.access(source, os.X_OK), f"{source} must be executable for the nginx entrypoint"


def test_env_example_lists_every_variable_settings_read():
    settings_source = (ROOT / "eventhub" / "settings.py").read_text()
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]*)"', settings_source))
    read |= set(re.findall(r'"([A-Z][A-Z0-9_]*)" in env\.ENVIRON', settings_source))
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), flags=re.MULTILINE))

    assert read, "no env.* reads found in settings.py"
    assert read - listed == set()


def test_env_example_lists_every_variable_gunicorn_reads():
    read = set(re.findall(r'"(GUNICORN_[A-Z0-9_]*)"', (ROOT / "gunicorn.conf.py").read_text()))
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), flags=re.MULTILINE))

    assert read, "no GUNICORN_* reads found in gunicorn.conf.py"
    assert read - listed == set()


def test_a_plain_copy_of_the_example_environment_validates(tmp_path):
    """`cp .env.example .env && docker-compose config -q` works before any secret is filled in."""
    binary = _docker_compose()
    env_file = tmp_path / ".env"
    shutil.copy(ENV_EXAMPLE, env_file)
    result = subprocess.run(
        [binary, "--project-directory", str(ROOT), "-f", str(COMPOSE_FILE), "--env-file", str(env_file), "config", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env={**os.environ, "EVENTHUB_ENV_FILE": str(env_file)},
    )
    assert result.returncode == 0, result.stderr
