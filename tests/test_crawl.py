"""Each role follows every link it can reach from the home page, sort and filter links
included, and no page may answer with a server error.

Issue 12 found a roster sort link that answered 500; a crawl finds the next one."""

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest

from grants.models import OptionGrant

# Not followed: Django's admin (its own tests cover it), signing out (it would end the
# crawl; both are POST forms today, this guards a future link) and static files.
EXCLUDED_PREFIXES = ("/admin/", "/accounts/logout/", "/account/sign-out-everywhere/", "/static/")
# reports/views.py serves CSV, Excel and PDF downloads at ?_export=csv|xlsx|pdf.
EXPORT_PARAMETER = "_export"
# The demo data reaches some 260-290 pages per role (most of them sort links); the cap
# only stops a runaway crawl (a link that adds a parameter on every visit), and a crawl
# that reaches it fails.
MAX_PAGES = 600


class LinkParser(HTMLParser):
    """The href of every <a> in a page, and the URLs of its GET forms (how the reports
    and the filtered lists are opened): each form as it stands, and with each other
    option of each of its selects in turn. html.parser unescapes &amp; in attribute values."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.action: str | None = None  # of the GET form being read
        self.fields: list[tuple[str, str]] = []  # its inputs' names and values
        self.selects: list[tuple[str, list[str], list[str]]] = []  # name, options, chosen
        self.select: tuple[str, bool] | None = None  # name and "multiple" of an open <select>
        self.options: list[tuple[str, bool]] = []  # its options: value, selected

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name")
        if tag == "a" and attributes.get("href") and "download" not in attributes:
            self.hrefs.append(attributes["href"])
        elif tag == "form" and attributes.get("method", "get").lower() == "get":
            self.action, self.fields, self.selects = attributes.get("action", ""), [], []
        elif self.action is None:
            return
        elif tag == "option" and self.select is not None:
            self.options.append((attributes.get("value", ""), "selected" in attributes))
        elif tag == "select" and name:
            self.select, self.options = (name, "multiple" in attributes), []
        elif tag == "textarea" and name:
            self.fields.append((name, ""))
        elif tag == "input" and name:
            kind = attributes.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.fields.append((name, attributes.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self.select is not None:
            name, multiple = self.select
            values = [value for value, _ in self.options]
            chosen = [value for value, selected in self.options if selected]
            # A browser sends a single select's first option when none is selected.
            if not chosen and not multiple:
                chosen = values[:1]
            self.selects.append((name, values, chosen))
            self.select = None
        elif tag == "form" and self.action is not None:
            as_it_stands = [(name, value) for name, _, chosen in self.selects for value in chosen]
            self.hrefs.append(f"{self.action}?{urlencode(self.fields + as_it_stands)}")
            # One select at a time, from a form that filters nothing yet: every option is
            # tried (with each sort link of its page) without crossing every select.
            if any(chosen and chosen != values[:1] for _, values, chosen in self.selects):
                self.action = None
                return
            for name, values, chosen in self.selects:
                others = [(n, v) for n, v in as_it_stands if n != name]
                for value in values:
                    if [value] != chosen:
                        query = urlencode(self.fields + others + [(name, value)])
                        self.hrefs.append(f"{self.action}?{query}")
            self.action = None


def same_site_target(page: str, href: str) -> str | None:
    """The path and query `href` leads to from `page`, in one spelling (parameters sorted,
    fragment dropped), or None when the crawl does not follow it."""
    url = urlsplit(urljoin(f"http://testserver{page}", href))
    if url.scheme not in ("http", "https") or url.netloc != "testserver":
        return None
    if url.path.startswith(EXCLUDED_PREFIXES):
        return None
    parameters = sorted(parse_qsl(url.query, keep_blank_values=True))
    if any(name == EXPORT_PARAMETER for name, _ in parameters):
        return None
    return f"{url.path}?{urlencode(parameters)}" if parameters else url.path


@dataclass
class Crawl:
    visited: dict[str, int] = field(default_factory=dict)  # URL -> status code
    failures: list[str] = field(default_factory=list)


def crawl(client, start: str = "/") -> Crawl:
    """Breadth-first from `start`, following links and redirects, each URL once."""
    result = Crawl()
    queue: deque[tuple[str, str]] = deque([(start, "(start)")])
    seen = {start}
    while queue and len(result.visited) < MAX_PAGES:
        url, referrer = queue.popleft()
        response = client.get(url)
        result.visited[url] = response.status_code
        if response.status_code >= 500:
            result.failures.append(f"{response.status_code} {url} (linked from {referrer})")
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            hrefs = [response["Location"]]
        elif response["Content-Type"].startswith("text/html"):
            parser = LinkParser()
            parser.feed(response.content.decode())
            hrefs = parser.hrefs
        else:
            continue
        for href in hrefs:
            target = same_site_target(url, href)
            if target is not None and target not in seen:
                seen.add(target)
                queue.append((target, url))
    return result


def test_a_page_s_links_and_get_forms_are_followed_but_not_its_post_forms():
    parser = LinkParser()
    parser.feed("""
        <a href="/grants/?sort=plan">Plan</a> <a href="/report.csv" download>CSV</a>
        <form method="get" action="/grants/">
          <input name="as_of" value="2006-12-31"> <input type="checkbox" name="all">
          <select name="status"><option value="">Any</option><option value="active">Active</select>
          <button type="submit">Filter</button>
        </form>
        <form method="get"><select name="plan"><option value="1">A<option value="2" selected>B
        </select></form>
        <form method="post" action="/grants/1/approve/"><input name="meeting"></form>
    """)
    assert parser.hrefs == [
        "/grants/?sort=plan",
        "/grants/?as_of=2006-12-31&status=",
        "/grants/?as_of=2006-12-31&status=active",
        # A form that already filters is followed as it stands only.
        "?plan=2",
    ]


def test_same_site_target_keeps_pages_and_drops_exports_and_other_sites():
    page = "/reports/officer-compensation/?year=2006"
    assert same_site_target(page, "?year=2006&bonus_year=2004#top") == (
        "/reports/officer-compensation/?bonus_year=2004&year=2006"
    )
    assert same_site_target(page, "/grants/7/") == "/grants/7/"
    assert same_site_target(page, "?year=2006&_export=pdf") is None
    assert same_site_target(page, "/admin/grants/") is None
    assert same_site_target(page, "https://example.com/grants/") is None
    assert same_site_target(page, "mailto:board@example.com") is None


@pytest.mark.parametrize("role", ["committee", "compadmin", "auditor"])
def test_no_page_a_role_can_reach_answers_a_server_error(client_for, demo_data, role):
    client = client_for(role)
    # Collect every failure rather than stop at the first exception.
    client.raise_request_exception = False
    result = crawl(client)
    assert not result.failures, "\n".join(result.failures)
    assert len(result.visited) < MAX_PAGES, "the crawl stopped at its cap"
    # The crawl really went somewhere: the lists and their sort links, the filters, the
    # reports and the records.
    visited = list(result.visited)
    assert len(visited) >= 200
    assert sum("sort=" in url for url in visited) >= 100
    assert "/compensation/officers/?sort=salary_change" in visited
    assert any(url.startswith("/grants/?") and "status=active" in url for url in visited)
    assert any(url.startswith("/reports/officer-compensation/?") for url in visited)
    assert any(url.startswith("/compensation/people/") for url in visited)
    # Ids differ between databases (PostgreSQL sequences are not reset between tests).
    assert OptionGrant.objects.get().get_absolute_url() in visited
