"""The in-app entry pages of compensation admins (issue 17): people, officers, yearly
records proposed from the latest one, and the footnotes they carry."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from compensation.entry_forms import OfficerYearForm
from compensation.models import Footnote, OfficerYear, Person
from tests.factories import FootnoteFactory, OfficerYearFactory, PersonFactory
from workspace.models import Change

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_for):
    return client_for("compadmin")


@pytest.fixture
def akridge(db):
    footnote = FootnoteFactory(marker="1", text="Please refer to the employment agreements.")
    record = OfficerYearFactory(
        person=PersonFactory(name="James R. Akridge"),
        fiscal_year=2006,
        title="Chief Executive Officer and President",
        base_salary=Decimal("250000"),
        bonus=None,
        is_peo=True,
        approved=True,
    )
    record.footnotes.add(footnote)
    return record


def record_data(**changes):
    data = {
        "fiscal_year": "2007",
        "title": "Chief Executive Officer and President",
        "base_salary": "275,000",
        "bonus": "",
        "other_compensation": "",
        "new_footnote_marker": "",
        "new_footnote_text": "",
    }
    data.update(changes)
    return data


ENTRY_URLS = [
    ("compensation:person-add", False),
    ("compensation:officer-add", False),
    ("compensation:person-edit", "person"),
    ("compensation:record-add", "person"),
    ("compensation:record-edit", "record"),
]


@pytest.mark.parametrize("role", ["committee", "auditor"])
@pytest.mark.parametrize("name,arg", ENTRY_URLS)
def test_only_compensation_admins_reach_the_entry_pages(client_for, akridge, role, name, arg):
    args = {"person": [akridge.person_id], "record": [akridge.pk]}.get(arg, [])
    client = client_for(role)
    url = reverse(name, args=args)
    assert client.get(url).status_code == 403
    assert client.post(url, record_data(name="Someone New")).status_code == 403
    assert Person.objects.count() == 1 and OfficerYear.objects.count() == 1


def test_an_admin_adds_a_person_and_the_history_shows_it(admin_client):
    response = admin_client.post(reverse("compensation:person-add"), {"name": "  Dean   Bogues "})
    person = Person.objects.get()
    assert person.name == "Dean Bogues"
    assert response.status_code == 302 and response.url == person.get_absolute_url()
    change = Change.objects.get(record_type="compensation.person")
    assert change.action == Change.Action.ADDED and change.user_name == "compadmin"


@pytest.mark.parametrize(
    "name,message",
    [
        ("", "This field is required."),
        ("james r. akridge", "“James R. Akridge” is already on record"),
        ("James R. Akridge", "“James R. Akridge” is already on record"),
        ("x" * 10_000, "at most 200 characters"),
        ("Jane\x00Doe", "Null characters are not allowed."),
    ],
)
def test_a_bad_name_is_refused_with_a_message(admin_client, akridge, name, message):
    response = admin_client.post(reverse("compensation:person-add"), {"name": name})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["name"])
    assert Person.objects.count() == 1


def test_a_person_is_renamed_but_not_onto_another_name(admin_client, akridge):
    other = PersonFactory(name="Dean Bogues")
    url = reverse("compensation:person-edit", args=[other.pk])
    response = admin_client.post(url, {"name": "JAMES R. AKRIDGE"})
    assert "already on record" in str(response.context["form"].errors["name"])
    response = admin_client.post(url, {"name": "Dean A. Bogues"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.name == "Dean A. Bogues"
    assert Change.objects.filter(record_type="compensation.person", action="~").exists()


def test_an_admin_adds_an_officer_with_a_new_footnote(admin_client):
    response = admin_client.post(
        reverse("compensation:officer-add"),
        record_data(
            name="Roger A. Williams",
            fiscal_year="2006",
            title="General Counsel and Assistant Secretary",
            base_salary="$180,000",
            new_footnote_marker="2",
            new_footnote_text="Joined in March.",
        ),
    )
    assert response.status_code == 302
    assert response.url == reverse("compensation:roster") + "?year=2006"
    record = OfficerYear.objects.get()
    assert record.person.name == "Roger A. Williams"
    assert record.status == OfficerYear.Status.PROPOSED
    assert record.base_salary == Decimal("180000") and record.bonus is None
    assert [f.marker for f in record.footnotes.all()] == ["2"]
    kinds = set(Change.objects.values_list("record_type", flat=True))
    assert {"compensation.person", "compensation.officeryear", "compensation.footnote"} <= kinds


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"base_salary": "-1"}, "base_salary", "greater than or equal to 0"),
        ({"base_salary": "1" * 31}, "base_salary", "at most 30 characters"),
        ({"base_salary": "9" * 20}, "base_salary", "no more than 14 digits"),
        ({"bonus": "1e999999"}, "bonus", "no more than 14 digits"),
        ({"title": ""}, "title", "This field is required."),
        ({"title": "t" * 10_000}, "title", "at most 300 characters"),
        ({"title": "Chief\x00Officer"}, "title", "Null characters are not allowed."),
        ({"fiscal_year": "99999"}, "fiscal_year", "less than or equal to"),
        ({"new_footnote_marker": "9"}, "new_footnote_text", "Type the new footnote's text"),
        ({"new_footnote_marker": "1", "new_footnote_text": "x"}, "new_footnote_marker", "exists"),
        (
            {"new_footnote_marker": "9", "new_footnote_text": "x" * 10_000},
            "new_footnote_text",
            "at most 2000 characters",
        ),
    ],
)
def test_bad_record_input_is_refused_and_saves_nothing(
    admin_client, akridge, changes, field, message
):
    url = reverse("compensation:record-add", args=[akridge.person_id])
    before = Change.objects.count()
    response = admin_client.post(url, record_data(**changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert OfficerYear.objects.count() == 1 and Footnote.objects.count() == 1
    assert Change.objects.count() == before


def test_a_second_record_for_the_same_year_is_refused(admin_client, akridge):
    url = reverse("compensation:record-add", args=[akridge.person_id])
    response = admin_client.post(url, record_data(fiscal_year="2006"))
    assert "already has a record for 2006" in str(response.context["form"].errors)
    assert OfficerYear.objects.count() == 1


def test_propose_next_year_is_filled_from_the_latest_record(admin_client, akridge):
    url = reverse("compensation:record-add", args=[akridge.person_id])
    response = admin_client.get(url)
    form = response.context["form"]
    assert form.initial["fiscal_year"] == 2007
    assert form.initial["title"] == "Chief Executive Officer and President"
    assert form.initial["is_peo"] is True and form.initial["is_pfo"] is False
    assert form.initial["footnotes"] == [akridge.footnotes.get().pk]
    page = response.content.decode()
    assert "Propose 2007 for James R. Akridge" in page
    assert '<strong id="prior-salary">$250,000.00</strong>' in page
    assert '<strong id="prior-bonus">n/a</strong>' in page
    assert 'id="officer-salaries"' in page and "250000.00" in page


def test_a_proposal_is_saved_with_the_footnotes_carried_forward(admin_client, akridge):
    url = reverse("compensation:record-add", args=[akridge.person_id])
    footnote = akridge.footnotes.get()
    response = admin_client.post(url, record_data(footnotes=[footnote.pk], is_peo="on"))
    assert response.status_code == 302
    proposal = OfficerYear.objects.get(fiscal_year=2007)
    assert proposal.status == OfficerYear.Status.PROPOSED
    assert proposal.base_salary == Decimal("275000") and proposal.is_peo
    assert list(proposal.footnotes.all()) == [footnote]
    roster = admin_client.get(response.url).content.decode()
    assert "$275,000" in roster and "Proposed" in roster


def test_a_failed_save_shows_the_change_from_last_year(admin_client, akridge):
    url = reverse("compensation:record-add", args=[akridge.person_id])
    response = admin_client.post(url, record_data(title="", base_salary="275,000"))
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert comparison["change"] == Decimal("25000")
    assert comparison["change_pct"] == Decimal("10.0")
    page = response.content.decode()
    assert '<strong id="salary-change">+$25,000.00</strong>' in page
    assert '<strong id="salary-change-pct">+10.0%</strong>' in page


def test_the_roster_links_to_add_propose_and_edit(admin_client, akridge):
    page = admin_client.get(reverse("compensation:roster")).content.decode()
    assert reverse("compensation:officer-add") + "?year=2006" in page
    assert reverse("compensation:record-add", args=[akridge.person_id]) + "?year=2007" in page
    assert "Propose 2007" in page
    assert reverse("compensation:record-edit", args=[akridge.pk]) in page


def test_the_roster_shows_no_entry_links_to_the_committee(client_for, akridge):
    page = client_for("committee").get(reverse("compensation:roster")).content.decode()
    assert "Propose 2007" not in page and "Add officer" not in page


def test_the_person_page_links_to_propose_rename_and_edit(admin_client, akridge):
    page = admin_client.get(akridge.person.get_absolute_url()).content.decode()
    assert "Propose 2007" in page
    assert reverse("compensation:person-edit", args=[akridge.person_id]) in page
    assert reverse("compensation:record-edit", args=[akridge.pk]) in page


def test_propose_for_a_year_already_recorded_opens_that_record(admin_client, akridge):
    proposal = OfficerYearFactory(person=akridge.person, fiscal_year=2007)
    url = reverse("compensation:record-add", args=[akridge.person_id]) + "?year=2007"
    response = admin_client.get(url)
    assert response.status_code == 302
    assert response.url == reverse("compensation:record-edit", args=[proposal.pk])


def test_a_proposed_record_is_changed_and_the_history_shows_it(admin_client, akridge):
    proposal = OfficerYearFactory(person=akridge.person, fiscal_year=2007, title="CEO")
    url = reverse("compensation:record-edit", args=[proposal.pk])
    response = admin_client.get(url)
    assert response.context["form"].initial["title"] == "CEO"
    assert response.context["comparison"]["change"] == Decimal("-65000")
    response = admin_client.post(url, record_data(base_salary="260000", bonus="0"))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.base_salary == Decimal("260000") and proposal.bonus == Decimal("0")
    change = Change.objects.filter(record_type="compensation.officeryear", object_id=proposal.pk)
    assert change.filter(action="~").exists()


def test_an_approved_record_cannot_be_changed(admin_client, akridge):
    url = reverse("compensation:record-edit", args=[akridge.pk])
    response = admin_client.get(url)
    page = response.content.decode()
    assert "Return it to proposed" in page and response.context["bonus_form"] is not None
    # Only the bonus is taken beside an approved salary: the salary typed is ignored.
    admin_client.post(url, record_data(fiscal_year="2006", base_salary="1"))
    akridge.refresh_from_db()
    assert akridge.base_salary == Decimal("250000") and akridge.is_approved


def test_a_record_approved_while_being_edited_is_not_changed(admin_client, akridge):
    proposal = OfficerYearFactory(person=akridge.person, fiscal_year=2007)
    form = OfficerYearForm(record_data(base_salary="1"), instance=proposal)
    assert form.is_valid()
    OfficerYear.objects.filter(pk=proposal.pk).update(
        status=OfficerYear.Status.APPROVED, approved_at="2007-01-01T00:00Z"
    )
    with pytest.raises(ValidationError, match="approved"):
        form.save()
    proposal.refresh_from_db()
    assert proposal.base_salary == Decimal("185000")


def test_every_role_reads_the_footnotes_and_only_admins_change_them(client_for, akridge):
    footnote = akridge.footnotes.get()
    edit = reverse("compensation:footnote-edit", args=[footnote.pk])
    for role in ("committee", "auditor"):
        client = client_for(role)
        page = client.get(reverse("compensation:footnotes")).content.decode()
        assert "Please refer to the employment agreements." in page and edit not in page
        assert client.post(edit, {"marker": "1", "text": "Changed"}).status_code == 403
        assert client.post(reverse("compensation:footnote-add"), {"marker": "2"}).status_code == 403
    assert Footnote.objects.count() == 1


def test_an_admin_adds_and_changes_a_footnote(admin_client, akridge):
    footnote = akridge.footnotes.get()
    response = admin_client.post(
        reverse("compensation:footnote-add"), {"marker": "2", "text": "Joined in March."}
    )
    assert response.status_code == 302
    assert Footnote.objects.filter(marker="2", text="Joined in March.").exists()
    edit = reverse("compensation:footnote-edit", args=[footnote.pk])
    response = admin_client.post(edit, {"marker": "1", "text": "See the agreements."})
    assert response.status_code == 302
    footnote.refresh_from_db()
    assert footnote.text == "See the agreements."
    assert Change.objects.filter(record_type="compensation.footnote", action="~").exists()


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"marker": "1", "text": "Again"}, "marker", "Footnote (1) exists already."),
        ({"marker": "", "text": "No marker"}, "marker", "This field is required."),
        ({"marker": "123456789", "text": "x"}, "marker", "at most 8 characters"),
        ({"marker": "3", "text": "x" * 10_000}, "text", "at most 2000 characters"),
        ({"marker": "3", "text": "Nul\x00"}, "text", "Null characters are not allowed."),
    ],
)
def test_a_bad_footnote_is_refused(admin_client, akridge, data, field, message):
    response = admin_client.post(reverse("compensation:footnote-add"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Footnote.objects.count() == 1


def test_the_propose_page_runs_a_fixed_number_of_queries(
    admin_client, akridge, django_assert_num_queries
):
    url = reverse("compensation:record-add", args=[akridge.person_id])
    admin_client.get(url)  # the session and permissions, once
    with django_assert_num_queries(QUERIES) as few:
        admin_client.get(url)
    for n in range(20):
        FootnoteFactory(marker=f"x{n}", text="More")
        OfficerYearFactory(person=akridge.person, fiscal_year=1980 + n)
    with django_assert_num_queries(len(few.captured_queries)):
        admin_client.get(url)


QUERIES = 10


def test_a_bonus_is_proposed_on_its_own_beside_an_approved_salary(admin_client, akridge):
    url = reverse("compensation:record-edit", args=[akridge.pk])
    assert "Propose a bonus" in admin_client.get(url).content.decode()
    response = admin_client.post(url, {"bonus": "$40,000"})
    assert response.status_code == 302
    akridge.refresh_from_db()
    assert akridge.bonus == Decimal("40000") and akridge.is_bonus_proposed
    # The salary keeps its approval: the bonus is a proposal of its own.
    assert akridge.is_approved and akridge.base_salary == Decimal("250000")
    assert Change.objects.filter(subject__contains="James R. Akridge").exists()


@pytest.mark.parametrize("bonus", ["-1", "abc", "9" * 40, "1\x00"])
def test_a_bad_bonus_proposal_is_refused_and_saves_nothing(admin_client, akridge, bonus):
    url = reverse("compensation:record-edit", args=[akridge.pk])
    response = admin_client.post(url, {"bonus": bonus})
    assert response.status_code == 200 and response.context["bonus_form"].errors
    akridge.refresh_from_db()
    assert akridge.bonus is None and akridge.is_approved


def test_an_approved_bonus_is_not_offered_for_change(admin_client, committee_member, akridge):
    akridge.bonus = Decimal("40000")
    akridge.save()
    akridge.approve_bonus(by=committee_member, meeting="Committee meeting of 2006-12-15")
    url = reverse("compensation:record-edit", args=[akridge.pk])
    response = admin_client.get(url)
    assert response.context["bonus_form"] is None
    admin_client.post(url, {"bonus": "1"})
    akridge.refresh_from_db()
    assert akridge.bonus == Decimal("40000") and akridge.is_bonus_approved
