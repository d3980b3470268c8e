"""Every URL of the project x anonymous and each role x GET and POST.

The matrix is generated from the URLconf: a page added without an entry in EXPECTED fails
this test, so no page can escape it."""

import re
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from compensation.models import Footnote, OfficerYear, Person
from grants.models import OptionGrant, RegistrationPeriod, StockPrice, ValuationDefaults
from tests.factories import make_award

C, A, U, N = "committee", "compadmin", "auditor", ""
ALL = {C, A, U, N}
READ = {C, A, U}
# url name -> (roles allowed to GET, roles allowed to POST); anyone else gets 403.
# "Allowed" means not refused: a form may answer 200 with errors, a POST-only action 405.
EXPECTED = {
    "workspace:home": (ALL, ALL),
    "workspace:import": ({A}, {A}),
    "workspace:history": ({C, U}, {C, U}),
    "workspace:object-history": ({C, U}, {C, U}),
    "security": (ALL, ALL),
    "two-factor-setup": (ALL, ALL),
    "two-factor-verify": (ALL, ALL),
    "sign-out-everywhere": (ALL, ALL),
    "login": (ALL, ALL),
    "logout": (ALL, ALL),
    "compensation:roster": (READ, READ),
    "workspace:review": (READ, READ),
    "compensation:person": (READ, READ),
    "compensation:person-names": (READ, READ),
    "compensation:approve": ({C}, {C}),
    "compensation:approve-bonus": ({C}, {C}),
    "compensation:return": (ALL, {C}),  # POST only
    "compensation:reopen": (ALL, {A}),  # POST only: a GET is 405 for everyone
    "compensation:officer-add": ({A}, {A}),
    "compensation:person-add": ({A}, {A}),
    "compensation:person-edit": ({A}, {A}),
    "compensation:record-add": ({A}, {A}),
    "compensation:record-edit": ({A}, {A}),
    "compensation:footnotes": (READ, READ),
    "compensation:footnote-add": ({A}, {A}),
    "compensation:footnote-edit": ({A}, {A}),
    "grants:list": (READ, READ),
    "grants:detail": (READ, READ),
    "grants:exercise-terms": (READ, READ),
    "grants:exercise-reverse": ({A}, {A}),
    "grants:termination-withdraw": ({A}, {A}),
    "grants:registration-end": (ALL, {A}),  # POST only
    "grants:prices": (READ, READ),
    "grants:registration": (READ, READ),
    "grants:issuer": (READ, {A}),
    "grants:create": ({A}, {A}),
    "grants:exercise": ({A}, {A}),
    "grants:termination": ({A}, {A}),
    "grants:price-add": ({A}, {A}),
    "grants:price-edit": ({A}, {A}),
    "grants:registration-add": ({A}, {A}),
    "grants:registration-edit": ({A}, {A}),
    "grants:approve": ({C}, {C}),  # the terms, the meeting and a confirmation
    "grants:awards": (READ, READ),
    "grants:award": (READ, READ),
    "grants:award-create": ({A}, {A}),
    "grants:award-approve": ({C}, {C}),
    "grants:edit": ({A}, {A}),
    "grants:award-edit": ({A}, {A}),
    "grants:plans": (READ, READ),
    "grants:plan-add": ({A}, {A}),
    "grants:plan-edit": ({A}, {A}),
    "grants:vestings": (READ, {A}),
    "grants:value": (ALL, {A}),  # POST only
    "grants:valuations": (READ, READ),
    "grants:valuation": (READ, READ),
    "grants:valuation-add": ({A}, {A}),
    "grants:valuation-edit": ({A}, {A}),
    "grants:valuation-approve": (ALL, {C}),  # POST only
    "grants:valuation-reopen": (ALL, {A}),  # POST only
    "grants:valuation-value": (ALL, {A}),  # POST only
    "workspace:approvals": ({C}, {C}),
    "reports:index": (READ, READ),
    "reports:report": (READ, READ),
    "reports:proxy-package": (READ, READ),
    "reports:ocf": (READ, READ),
}
OPEN_TO_ANONYMOUS = {"login"}


def url_names(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin checks staff and model permissions itself (tested apart)
            yield from url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_of_the_project_is_in_the_matrix():
    assert set(url_names()) == set(EXPECTED)


@pytest.fixture
def objects(demo_data):
    grant = OptionGrant.objects.get()
    exercise = grant.exercise(1_000, grant.grant_date)
    award = make_award(recipient=grant.optionee, plan=grant.plan)
    defaults = ValuationDefaults.objects.create(
        fiscal_year=2005, volatility=Decimal("0.35"), risk_free_rate=Decimal("0.04")
    )
    return {
        "compensation:person": {"pk": grant.optionee_id},
        "compensation:approve": {"pk": OfficerYear.objects.first().pk},
        "compensation:person-edit": {"pk": grant.optionee_id},
        "compensation:record-add": {"pk": grant.optionee_id},
        "compensation:record-edit": {"pk": OfficerYear.objects.first().pk},
        "compensation:footnote-edit": {"pk": Footnote.objects.first().pk},
        "compensation:approve-bonus": {"pk": OfficerYear.objects.first().pk},
        "compensation:return": {"pk": OfficerYear.objects.first().pk},
        "grants:detail": {"pk": grant.pk},
        "grants:approve": {"pk": grant.pk},
        "grants:award": {"pk": award.pk},
        "grants:award-approve": {"pk": award.pk},
        "grants:edit": {"pk": grant.pk},
        "grants:award-edit": {"pk": award.pk},
        "grants:plan-edit": {"pk": grant.plan_id},
        "grants:exercise": {"pk": grant.pk},
        "grants:exercise-terms": {"pk": grant.pk},
        "grants:exercise-reverse": {"pk": exercise.pk},
        "grants:termination-withdraw": {"pk": grant.optionee_id},
        "grants:registration-end": {"pk": RegistrationPeriod.objects.first().pk},
        "grants:termination": {"pk": Person.objects.first().pk},
        "grants:price-edit": {"pk": StockPrice.objects.first().pk},
        "grants:registration-edit": {"pk": RegistrationPeriod.objects.first().pk},
        "reports:report": {"name": "plan-pool"},
        "grants:value": {"pk": grant.pk},
        **{
            f"grants:{name}": {"pk": defaults.pk}
            for name in ("valuation", "valuation-edit", "valuation-approve")
            + ("valuation-reopen", "valuation-value")
        },
        "workspace:object-history": {"model": "optiongrant", "pk": grant.pk},
    }


def url_for(name, objects):
    return reverse(name, kwargs=objects.get(name))


def check(response, allowed: bool, name: str, role: str, method: str):
    where = f"{method} {name} as {role or 'no role'}"
    if allowed:
        assert response.status_code not in (403,) and response.status_code < 500, where
    else:
        assert response.status_code == 403, where


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_anonymous_visitors_are_sent_to_login(client, objects, name):
    url = url_for(name, objects)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if name in OPEN_TO_ANONYMOUS or (name == "logout" and method == "post"):
            assert response.status_code in (200, 302)
            continue
        if name == "logout":
            assert response.status_code in (302, 405)
            continue
        assert response.status_code == 302, (method, name)
        assert response.url.startswith("/accounts/login/"), (method, name)


SCRIPT = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


@pytest.mark.parametrize("role", [C, A, U, N])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_each_url_as_expected(client_for, objects, name, role):
    get_roles, post_roles = EXPECTED[name]
    client = client_for(role)
    url = url_for(name, objects)
    response = client.get(url)
    check(response, role in get_roles, name, role, "GET")
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        assert "Content-Security-Policy" in response
        assert "no-store" in response.get("Cache-Control", "")
        for tag in SCRIPT.findall(response.content.decode()):
            assert "src=" in tag or "nonce=" in tag or 'type="application/json"' in tag, (
                name,
                tag,
            )
    if name in ("sign-out-everywhere", "logout"):
        return  # a POST would end the session under test; tested in test_trust
    check(client.post(url), role in post_roles, name, role, "POST")


@pytest.mark.parametrize("role", [C, U, N])
def test_only_staff_reach_the_admin(client_for, role):
    response = client_for(role).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_the_admin_refuses_what_a_compensation_admin_may_not_do(client_for, objects):
    client = client_for(A)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403
    grant = OptionGrant.objects.get()
    assert client.get(f"/admin/grants/optiongrant/{grant.pk}/delete/").status_code == 403


def test_object_level_checks_answer_403_before_404(client_for, objects):
    client = client_for(U)
    assert client.post("/grants/999999/approve/").status_code == 403
    assert client.post("/grants/awards/999999/approve/").status_code == 403
    assert client_for(C).get("/grants/awards/999999/").status_code == 404
    assert client.get("/grants/999999/exercise/").status_code == 403
    assert client_for(C).get("/grants/999999/").status_code == 404
