"""Property-based API tests: schemathesis against /api/schema/ on a live server.

Every operation gets a bounded number of generated requests (positive and
negative data), as an admin so that admin endpoints are reached, with some
real data to hit. No answer may be a server error or break the documented
schema (status code, content type, headers, body).

(schemathesis' lazy `from_fixture` needs a pytest private attribute that
pytest 9 no longer has, so the operations are driven from one test.)
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework_simplejwt.tokens import AccessToken
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from accounts.tests.factories import AdminFactory
from registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = 6
# Hostile strings put into each generated case (eventhub/tests/test_hostile_input.py sends many more, lone
# surrogates among them, which schemathesis' client cannot encode): the body may hold any of them, a query
# string what percent-encoding can carry.
HOSTILE_BODY = ["a\x00b", "a\x07b", "a\x85b", "x" * 70_000]
HOSTILE_QUERY = ["a\x00b", "a\x1bb"]


def _hostile_variants(case):
    """Yield the generated case with, in turn, the first string of its body or its query string made hostile."""
    for part, values in ((case.body, HOSTILE_BODY), (case.query, HOSTILE_QUERY)):
        name = next((k for k, v in part.items() if isinstance(v, str)), None) if isinstance(part, dict) else None
        if name is None:
            continue
        original = part[name]
        for hostile in values:
            part[name] = hostile
            yield case
        part[name] = original


def _exercise(operation, mode, headers):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        # Business rules may refuse schema-valid data (a weak password, a forged ticket code), and
        # normalisation may accept what the schema's letter would not (trimmed whitespace): those two
        # checks judge the schema's expressiveness, not the API's answers.
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance, negative_data_rejection])
        for variant in _hostile_variants(case):
            response = variant.call_and_validate(
                headers=headers, excluded_checks=[positive_data_acceptance, negative_data_rejection]
            )
            # 400 once the body is read; a path naming nothing may answer 404 first, a refused media type 415.
            assert 400 <= response.status_code < 500, f"hostile input answered {response.status_code}"

    run()


def test_api_answers_as_documented(live_server, settings):
    settings.AUTH_THROTTLE_RATE = "100000/minute"
    admin = AdminFactory()
    RegistrationFactory(paid=True)
    RegistrationFactory()
    headers = {"Authorization": f"Bearer {AccessToken.for_user(admin)}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/", headers={"Accept": "application/json"})

    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _exercise(operation, mode, headers)
            except Unsatisfiable:
                pass  # no schema-violating request exists for this operation (e.g. a plain GET by slug)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected, reported together below
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    assert not failures, "\n\n".join(failures)
