"""The exercise deadline in words, with the rule of the agreement that set it."""

from . import rules
from .rules import Deadline, DeadlineRule, Period


def _d(day) -> str:
    return f"{day:%Y-%m-%d}"


def explain_deadline(grant, deadline: Deadline, periods: list[Period]) -> str:
    person = grant.optionee
    until = (
        f"until the option expires on {_d(deadline.day)}"
        if deadline.capped_by_expiration
        else f"until {_d(deadline.day)}"
    )
    if deadline.rule == DeadlineRule.EXPIRATION:
        return (
            f"No termination of service is recorded: the option may be exercised until it "
            f"expires on {_d(deadline.day)} - {deadline.paragraph}."
        )
    ended = f"Service ended {_d(person.terminated_on)} ({person.termination_reason})."
    if deadline.rule in (DeadlineRule.OTHER, DeadlineRule.DISABILITY, DeadlineRule.DEATH):
        months = {
            DeadlineRule.OTHER: grant.post_termination_months,
            DeadlineRule.DISABILITY: grant.disability_months,
            DeadlineRule.DEATH: grant.death_months,
        }[deadline.rule]
        return (
            f"{ended} The option may be exercised for {months} months after that, {until} "
            f"- {deadline.paragraph}."
        )
    if deadline.rule == DeadlineRule.REGISTRATION_GAP:
        gaps = rules.unregistered_spans(
            rules.add_days(person.terminated_on, 1), deadline.day, periods
        )
        described = ", ".join(f"{_d(a)} to {_d(b)}" for a, b in gaps) or "part of the window"
        return (
            f"{ended} Shares were unregistered {described}, so the window runs {until} "
            f"- {deadline.paragraph}."
        )
    return (
        f"{ended} An exercise would result in short-swing liability under section 16(b) "
        f"until {_d(person.short_swing_liability_until)}, so the window runs {until}: the "
        f"earliest of 10 days after that date, 6 months and 10 days after the termination, "
        f"and the expiration date - {deadline.paragraph}."
    )
