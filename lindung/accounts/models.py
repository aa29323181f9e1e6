from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    DISTRICT_OPERATOR = "district_operator", _("District operator")
    VILLAGE_OPERATOR = "village_operator", _("Village operator")
    VERIFIER = "verifier", _("Verifier")
    BPJS_LIAISON = "bpjs_liaison", _("BPJS liaison")
    LEADER = "leader", _("Leader")
    AUDITOR = "auditor", _("Auditor")


class User(AbstractUser):
    """A person who signs in. What they may do follows from ``role``; where, from ``area``."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
        help_text=_("District or village the user works in; empty means the whole regency."),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_known")
        ]

    def __str__(self) -> str:
        return self.username


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    label = models.CharField(_("label"), max_length=80, blank=True)
    prefix = models.CharField(max_length=8, help_text=_("First characters, to recognise it."))
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
