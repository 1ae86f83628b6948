"""Users, and bearer tokens for apps and machines."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kliento.accounts.roles import StaffRole


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. Personal data beyond the login e-mail lives in the register, encrypted.

    The login e-mail is the one plaintext personal value: login must look it up. The
    catalogue declares it, and erasure deletes the row.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text=_("Register holder's staff; staff pages need MFA.")
    )
    language = models.CharField(
        max_length=2, choices=[("fi", "suomi"), ("sv", "svenska"), ("en", "English")], default="fi"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")
        ]

    def __str__(self) -> str:
        return str(self.public_id)

    def has_role(self, role: StaffRole) -> bool:
        """True when this staff user holds ``role`` (administrators hold no other role)."""
        if not (self.is_active and self.is_staff):
            return False
        return any(group.name == role.value for group in self.groups.all())


class ApiToken(models.Model):
    """A bearer token: stored as a SHA-256 of its secret, shown once, revocable.

    The secret has 256 bits of entropy, so a fast hash is as safe as a slow one and keeps
    the per-request check cheap. The prefix (``lookup``) finds the row; the secret is
    compared in constant time.
    """

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal access token")
        TERMINAL = "terminal", _("Terminal token")
        INTEGRATION = "integration", _("Integration token")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", null=True, blank=True
    )
    name = models.CharField(max_length=100)
    lookup = models.CharField(max_length=16, unique=True)
    secret_hash = models.BinaryField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~models.Q(kind="personal") | models.Q(user__isnull=False),
                name="accounts_apitoken_personal_has_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.lookup}"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class StaffSetupToken(models.Model):
    """A one-time link for a new staff member to set their password, then TOTP.

    Only SHA-256 of the secret is stored (it has 256 bits of entropy, as ApiToken's); the
    invitee's address stays on their ``User`` row. A token works once, until
    ``expires_at``; a newer link for the same user ends the older ones.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="setup_tokens")
    token_hash = models.BinaryField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"setup token {self.public_id}"
