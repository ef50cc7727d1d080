"""What runs the project on a fresh machine, in CI and in production stays in step."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
ENV_HELPERS = {"env_str", "env_bool", "env_int", "env_list"}


def _validate_compose(path: Path) -> subprocess.CompletedProcess:
    command = [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_compose_file_follows_the_compose_specification():
    result = _validate_compose(ROOT / "docker-compose.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_validation_rejects_a_broken_file(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(
        "services:\n  web:\n    image: x\n    depends_on:\n      db:\n        condition: service_happy\n"
    )
    assert _validate_compose(broken).returncode != 0


def test_compose_serves_http_on_wsgi_and_only_websockets_on_asgi():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert set(services) == {"db", "redis", "migrate", "web", "ws", "worker", "beat"}
    assert services["web"]["command"][:2] == ["gunicorn", "samsam.wsgi:application"]
    assert services["ws"]["command"][:2] == ["uvicorn", "samsam.asgi:application"]
    for name in ("web", "ws", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"
    assert all("healthcheck" in services[name] for name in ("db", "redis", "web"))


@pytest.mark.django_db
def test_healthz_answers_200_with_the_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] is True
    assert body["redis"] is (True if settings.REDIS_URL else None)


def _settings_variables() -> set[str]:
    tree = ast.parse((ROOT / "samsam" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args or not isinstance(node.args[0], ast.Constant):
            continue
        func = node.func
        helper = isinstance(func, ast.Name) and func.id in ENV_HELPERS
        direct = isinstance(func, ast.Attribute) and ast.unparse(func) in ("os.environ.get", "os.getenv")
        if helper or direct:
            names.add(node.args[0].value)
    return names


def test_env_example_names_every_variable_the_settings_read():
    read = _settings_variables()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "EMAIL_BACKEND"} <= read  # the parser finds them
    assert read - listed == set()


def _code_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```[^\n]*\n(.*?)^```", markdown, re.MULTILINE | re.DOTALL)


def test_readme_starts_with_the_run_and_the_test_command():
    readme = (ROOT / "README.md").read_text()
    assert readme.startswith("# ")
    first = _code_blocks(readme)[0]
    assert first.splitlines() == ["make run", "make test"]


def test_ci_runs_the_readmes_test_command_strictly():
    ci = ROOT / ".ci" / "run"
    script = ci.read_text()
    test_command = _code_blocks((ROOT / "README.md").read_text())[0].splitlines()[1]
    assert test_command in [line.strip() for line in script.splitlines()]
    assert "set -euo pipefail" in script
    assert ci.stat().st_mode & 0o111
    assert "check_test_results.py" in script


def test_makefile_has_the_targets_the_readme_names():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("run", "test", "lint", "format", "messages"):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target
    assert "--junitxml=var/test-results.xml" in makefile and "-n 2" in makefile


def test_ci_result_check_fails_on_a_skipped_test_and_on_no_test(tmp_path):
    def verdict(tests: int, skipped: int) -> int:
        case = '<testcase classname="t" name="x"><skipped message="needs Redis"/></testcase>' if skipped else ""
        report = tmp_path / "results.xml"
        report.write_text(
            f'<testsuites><testsuite name="pytest" tests="{tests}" skipped="{skipped}" failures="0" errors="0">'
            f"{case}</testsuite></testsuites>"
        )
        command = [sys.executable, str(ROOT / "bin" / "check_test_results.py"), str(report)]
        return subprocess.run(command, capture_output=True, timeout=30, check=False).returncode

    assert verdict(tests=3, skipped=0) == 0
    assert verdict(tests=3, skipped=1) == 1
    assert verdict(tests=0, skipped=0) == 1


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_manage_py_works_with_no_environment_and_is_strict_with_a_secret_key(tmp_path):
    # A newcomer's first `manage.py ...` has no environment: the embedded default.
    bare = {"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path)}
    printed = "from django.conf import settings; print(settings.DEBUG)"
    assert _manage("shell", "-c", printed, env=bare).stdout.split()[-1] == "True"
    # With a SECRET_KEY it is production: DEBUG stays off unless asked for.
    production = {**bare, "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"}
    assert _manage("shell", "-c", printed, env=production).stdout.split()[-1] == "False"
