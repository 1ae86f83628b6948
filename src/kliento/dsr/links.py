"""Signed links e-mailed to a person: verifying a request, answering a fee.

The link carries only the request's (or fee's) public id, signed with the project's
secret and a salt per use; it expires, and it proves that whoever opens it reads the
mailbox of the person's registered login e-mail address.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.utils.translation import gettext as _

from kliento.common.errors import DomainError, ErrorCode

VERIFY_SALT = "kliento.dsr.verify"
FEE_SALT = "kliento.dsr.fee"
LINK_VALID = timedelta(days=14)


def link_make(*, salt: str, public_id: str) -> str:
    """A signed, timestamped token for ``public_id``."""
    return signing.dumps(public_id, salt=salt, compress=False)


def link_open(*, salt: str, token: str) -> str:
    """The public id inside a valid token; a forged, altered or expired one is refused."""
    try:
        value = signing.loads(token, salt=salt, max_age=LINK_VALID)
    except signing.SignatureExpired:
        raise DomainError(
            ErrorCode.CODE_INVALID, _("This link has expired. Ask us to send a new one.")
        ) from None
    except signing.BadSignature:
        raise DomainError(ErrorCode.CODE_INVALID, _("This link is not valid.")) from None
    return str(value)
