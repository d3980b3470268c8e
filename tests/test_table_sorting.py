"""Every django-tables2 table marks its sorted column (issue 17): ▲ or ▼ after the header
and aria-sort on its header cell, so a screen reader says how the rows are ordered."""

import re

import pytest

from tests.grants.conftest import AUDITOR, COMMITTEE

pytestmark = pytest.mark.django_db


def header_cells(page: str) -> dict[str, str]:
    """Each header cell's text (without the arrow) → its whole <th> tag."""
    cells = {}
    for tag, inner in re.findall(r"(<th[^>]*>)(.*?)</th>", page, flags=re.S):
        text = re.sub(r"<[^>]+>|[▲▼]", "", inner).strip()
        cells[text] = tag + inner
    return cells


def test_the_roster_sorted_by_salary_marks_the_salary_header(client_for, demo_data):
    member = client_for(COMMITTEE)
    ascending = header_cells(
        member.get("/compensation/officers/?sort=base_salary").content.decode()
    )
    assert 'aria-sort="ascending"' in ascending["Base salary"]
    assert "▲" in ascending["Base salary"] and "▼" not in ascending["Base salary"]
    assert 'aria-sort="none"' in ascending["Name"] and "▲" not in ascending["Name"]
    # A column that cannot be sorted says nothing about sorting.
    assert "aria-sort" not in ascending[""]
    descending = header_cells(
        member.get("/compensation/officers/?sort=-base_salary").content.decode()
    )
    assert (
        'aria-sort="descending"' in descending["Base salary"] and "▼" in descending["Base salary"]
    )


@pytest.mark.parametrize(
    ("url", "header"),
    [("/grants/?sort=-shares", "Shares"), ("/grants/awards/?sort=-shares", "Shares or units")],
)
def test_the_grant_and_award_lists_mark_their_sorted_column(client_for, demo_data, url, header):
    page = client_for(AUDITOR).get(url).content.decode()
    cells = header_cells(page)
    assert 'aria-sort="descending"' in cells[header] and "▼" in cells[header]
    assert '<div class="table-container table-responsive">' in page


def test_a_sort_link_starts_the_list_again_from_its_first_page(client_for, demo_data):
    # Sorting anew reorders every row: page 2 of the old order is not page 2 of the new.
    page = client_for(AUDITOR).get("/grants/?as_of=2006-12-31&page=1&sort=-shares")
    links = re.findall(r'<th[^>]*>\s*<a href="([^"]+)"', page.content.decode())
    assert links and all("page=" not in link and "as_of=2006-12-31" in link for link in links)
