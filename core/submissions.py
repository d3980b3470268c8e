"""One-time form tokens: each create form carries a signed random token; the write that
the form makes claims it in the same transaction, and a token can be claimed once.

Two identical submissions (a double click, a browser resending, two tabs) therefore
record one thing: the second finds the token taken (on PostgreSQL it waits on the
unique index until the first commits) and is told so."""

import secrets

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .models import Submission

FIELD = "submission_token"
SALT = "tranche.submission"


def new_token() -> str:
    return signing.dumps(secrets.token_urlsafe(24), salt=SALT)


def claim(request) -> None:
    """Claim the request's token; call inside the transaction that writes the record.
    Raises ValidationError when the token is missing, forged or already used."""
    try:
        token = signing.loads(str(request.POST.get(FIELD, ""))[:200], salt=SALT)
    except signing.BadSignature:
        raise ValidationError(
            "This form has expired or was not sent from this site: reload the page and "
            "submit it again.",
            code="bad_submission_token",
        ) from None
    try:
        with transaction.atomic():
            Submission.objects.create(token=token, user=request.user)
    except IntegrityError:
        raise ValidationError(
            "This form was already submitted (a double click or a resent page): it was "
            "recorded once. Check the records before entering it again.",
            code="duplicate_submission",
        ) from None
