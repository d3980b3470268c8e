import os
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from core import roles
from tests.factories import UserFactory

ROLE_USERS = {
    "committee": roles.COMMITTEE,
    "compadmin": roles.ADMINS,
    "auditor": roles.AUDITORS,
}


@pytest.fixture
def committee_member(db):
    return UserFactory(username="committee", role=roles.COMMITTEE)


@pytest.fixture
def comp_admin(db):
    return UserFactory(username="compadmin", role=roles.ADMINS, is_staff=True)


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", role=roles.AUDITORS)


@pytest.fixture
def client_for(db):
    """A new test client signed in as the given role (anonymous for None, no role for "")."""

    def sign_in(role: str | None):
        client = Client()
        if role is None:
            return client
        username = role or "nobody"
        user = UserFactory(
            username=username, role=ROLE_USERS.get(role), is_staff=role == "compadmin"
        )
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def demo_data(db):
    call_command("load_demo", stdout=StringIO())


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        message = f"Chromium not found at {path}: install Debian's chromium package."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs what follows in a greenlet with a context of its own, and
    # Django keeps a connection per context: the connection the tests see from here on is
    # a new one, without the copy of the test database that serialized_rollback restores
    # after each transactional test (the roles' groups and permissions). Hand it over.
    saved = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, contents in saved.items():
            if not hasattr(connections[alias], "_test_serialized_contents"):
                connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def sign_in_browser(page, live_server):
    def sign_in(username: str, password: str = "correct-horse-battery-staple"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in
