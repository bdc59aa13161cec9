from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from roundtable.core.privatelinks import hash_token


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("An email address is needed")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.COORDINATOR)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of the coordinating team. Known by chosen name and pronouns; no job title."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", "Coordinator"
        FACILITATOR = "facilitator", "Facilitator"

    email = models.EmailField(unique=True)
    name = models.CharField("name you want to be called", max_length=100)
    pronouns = models.CharField(max_length=40, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.COORDINATOR)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can use the raw-data admin")
    date_joined = models.DateTimeField(default=timezone.now)
    # Raised to sign the person out of every other browser (see twofactor.sign_out_elsewhere).
    sessions_epoch = models.PositiveIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def is_coordinator(self) -> bool:
        return self.is_active and self.role == self.Role.COORDINATOR

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django signs every session with a hash of the password, so changing the password signs
        out other browsers. The epoch joins it: raising it does the same without a new password.
        At epoch 0 the hash is Django's own, so sessions made before the epoch existed still work."""
        if not self.sessions_epoch:
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]  # private in the stubs
        return salted_hmac(
            "roundtable.accounts.User.session", f"{self.password}:{self.sessions_epoch}", secret=secret,
            algorithm="sha256",
        ).hexdigest()  # fmt: skip


class ApiToken(models.Model):
    """A bearer token for the API. Only its hash is stored; the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"API token for {self.user} ({'revoked' if self.revoked_at else 'active'})"

    @classmethod
    def issue(cls, user: User) -> tuple[ApiToken, str]:
        raw = settings.API_TOKEN_PREFIX + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, token_hash=hash_token(raw)), raw

    @classmethod
    def user_for(cls, raw: str) -> User | None:
        token = (
            cls.objects.select_related("user")
            .filter(token_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        return token.user if token else None


class TwoFactor(models.Model):
    """A team member's authenticator app (TOTP, RFC 6238), once they have proved it works.

    The secret has to be kept in a form the site can read back, because every code is worked out
    from it (unlike a password, it cannot be stored as a one-way hash). It is shown once, on the
    setup page, and never again: no page, email, log line or admin screen shows it afterwards.
    See docs/architecture.md, "Two-factor sign-in".
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(default=timezone.now)
    # The time step of the last code accepted: a code seen once is never accepted again, even
    # within its 30 seconds, so a code read over someone's shoulder is no use.
    last_used_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Two-factor sign-in for {self.user}"


class RecoveryCode(models.Model):
    """A one-time code for signing in without the phone. Only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique_per_user")]

    def __str__(self) -> str:
        return f"Recovery code for {self.user} ({'used' if self.used_at else 'unused'})"
