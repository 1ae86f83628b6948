"""Password rules after NIST SP 800-63B: long, not breached, no composition rules."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

BREACHED_LIST = Path(__file__).resolve().parent / "data" / "breached-passwords.txt.gz"


class MaximumLengthValidator:
    """Allow long passphrases (NIST: at least 64) but refuse absurd inputs."""

    def __init__(self, max_length: int = 256) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long. It may have at most %(max)d character.",
                    "This password is too long. It may have at most %(max)d characters.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max": self.max_length},
            )

    def get_help_text(self) -> str:
        return _("Your password may be up to %(max)d characters long.") % {"max": self.max_length}


# Keyboard rows and counting runs: "123456789012" and "qwertyuiopas" are in every
# attacker's first guesses, whatever list they came from.
SEQUENCES = (
    "01234567890123456789",
    "abcdefghijklmnopqrstuvwxyzåäö",
    "qwertyuiopåasdfghjklöäzxcvbnm",  # Finnish/Swedish keyboard
    "qwertyuiopasdfghjklzxcvbnm",  # US keyboard
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)
_EDGE_NOISE = re.compile(r"^[\d\W_]+|[\d\W_]+$")


class BreachedPasswordValidator(CommonPasswordValidator):
    """Refuse breached, common and trivially patterned passwords (NIST SP 800-63B 5.1.1.2).

    Compares the password lower-cased against the shipped list, and also its core with
    leading and trailing digits and symbols removed, because "salasana2024!" is how
    people stretch a listed word past the length rule. Repeats ("abcabcabcabc") and
    keyboard or counting runs are refused too. No composition rules.
    """

    def __init__(self, password_list_path: Path | str = BREACHED_LIST) -> None:
        super().__init__(password_list_path=password_list_path)

    def validate(self, password: str, user: Any = None) -> None:
        if self.is_refused(password):
            raise ValidationError(
                _("This password has appeared in a data breach or is too common. Choose another."),
                code="password_breached",
            )

    def is_refused(self, password: str) -> bool:
        """True when ``password`` is listed, a listed word padded, or a trivial pattern."""
        lowered = password.lower().strip()
        core = _EDGE_NOISE.sub("", lowered)
        if lowered in self.passwords or (core and core in self.passwords):
            return True
        return _is_repeat(lowered) or _is_sequence(lowered)

    def get_help_text(self) -> str:
        return _("Your password can't be one that has appeared in known data breaches.")


def _is_repeat(password: str) -> bool:
    return any(
        (password[:unit] * len(password))[: len(password)] == password
        for unit in range(1, min(5, len(password)))
    )


def _is_sequence(password: str) -> bool:
    return any(password in run or password in run[::-1] for run in SEQUENCES)
