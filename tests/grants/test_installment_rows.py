"""`{{ formset|installment_rows }}` (grants/templatetags/installments.py) writes the rows of
the installment table as grants/_installment_row.html writes each: unbound (a new grant's
empty rows, an edit's rows), typed, and refused."""

from datetime import date

from django.template.loader import render_to_string

from grants.entry_forms import InstallmentRowFormSet, installment_rows
from grants.templatetags.installments import installment_rows as rows_filter

ODD = '<b>"1" & 2</b>'


def by_template(formset) -> str:
    return "".join(
        render_to_string("grants/_installment_row.html", {"row": row, "number": number})
        for number, row in enumerate(formset, 1)
    )


def typed(rows: list[tuple[str, str]]) -> dict:
    data = {
        "installments-TOTAL_FORMS": str(len(rows)),
        "installments-INITIAL_FORMS": "0",
        "installments-MIN_NUM_FORMS": "0",
        "installments-MAX_NUM_FORMS": "600",
    }
    for index, (day, shares) in enumerate(rows):
        data[f"installments-{index}-vest_date"] = day
        data[f"installments-{index}-shares"] = shares
    return data


def formsets():
    shown = [{"vest_date": date(2020, 1, 1), "shares": 1_000}, {"vest_date": "", "shares": ""}]
    bad = [("2020-02-30", "-5"), (ODD, ODD), ("", "12"), ("1899-01-01", "3000000000")]
    return [
        ("new", lambda: InstallmentRowFormSet(prefix="installments")),
        ("edit", lambda: installment_rows(shown, prefix="installments", empty=2)),
        (
            "typed",
            lambda: InstallmentRowFormSet(typed([("2021-03-01", "250")]), prefix="installments"),
        ),
        ("refused", lambda: InstallmentRowFormSet(typed(bad), prefix="installments")),
        ("no ids", lambda: InstallmentRowFormSet(typed(bad), prefix="installments", auto_id=False)),
    ]


def test_the_rows_are_written_as_the_template_writes_them():
    for label, make in formsets():
        expected, formset = make(), make()
        expected.is_valid(), formset.is_valid()
        assert str(rows_filter(formset)) == by_template(expected), label


def test_a_refused_row_shows_its_errors_escaped_and_marks_its_inputs():
    formset = InstallmentRowFormSet(typed([(ODD, "-5")]), prefix="installments")
    formset.is_valid()
    html = str(rows_filter(formset))
    assert html.count('aria-invalid="true"') == 2
    assert ODD not in html and "&lt;b&gt;&quot;1&quot; &amp; 2&lt;/b&gt;" in html
    assert "Enter a valid date." in html
