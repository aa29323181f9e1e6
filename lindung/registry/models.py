from django.conf import settings
from django.db import models
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _


class Sector(models.Model):
    """An editable list of economic sectors (Kukar grouped its 2021 cohort into 14)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Occupation(models.Model):
    """A common occupation name and the sector it belongs to (`petani` → agriculture)."""

    name = models.CharField(_("occupation"), max_length=80, unique=True)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="occupations")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class WorkerStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    INACTIVE = "inactive", _("Inactive")


class InactiveReason(models.TextChoices):
    DECEASED = "deceased", _("Deceased")
    MOVED_AWAY = "moved_away", _("Moved away")
    FORMAL_WORKER = "formal_worker", _("Became a formal worker")
    WITHDREW = "withdrew", _("Withdrew")
    DUPLICATE = "duplicate", _("Duplicate record")
    OTHER = "other", _("Other")


class LegalBasis(models.TextChoices):
    PUBLIC_TASK = "public_task", _("Public task (regional regulation)")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
    CONSENT = "consent", _("Consent of the worker")


class Worker(models.Model):
    """A vulnerable worker in the registry.

    ``version`` grows with every change; an edit names the version it started from and is
    refused if someone saved in between (see ``services.update_worker``).
    """

    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    kk_number = models.CharField(
        _("family card (KK) number"), max_length=16, blank=True, db_index=True
    )
    full_name = models.CharField(_("full name"), max_length=150)
    # Lower case, no titles or punctuation, `Moh.` → `muhammad`: what search compares.
    name_normalized = models.CharField(max_length=150, db_index=True, editable=False)
    birth_place = models.CharField(_("place of birth"), max_length=80, blank=True)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    phone = models.CharField(_("phone"), max_length=16, blank=True, help_text=_("Stored as +62…"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    rt = models.CharField("RT", max_length=3, blank=True)
    rw = models.CharField("RW", max_length=3, blank=True)
    village = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="workers",
        verbose_name=_("village"),
        db_index=False,  # led by worker_village_name_idx
    )
    # The village's district, kept beside it so a district's list is one index range.
    district = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("district"),
        editable=False,
        db_index=False,  # led by worker_district_name_idx
    )
    occupation = models.CharField(_("occupation"), max_length=80, blank=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="workers", verbose_name=_("sector")
    )
    monthly_income = models.PositiveBigIntegerField(_("monthly income (Rp)"), null=True, blank=True)
    welfare_decile = models.PositiveSmallIntegerField(
        _("welfare decile (DTSEN)"), null=True, blank=True
    )
    source_ref = models.CharField(_("source reference"), max_length=60, blank=True, db_index=True)
    legal_basis = models.CharField(
        _("legal basis"), max_length=20, choices=LegalBasis.choices, default=LegalBasis.PUBLIC_TASK
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=WorkerStatus.choices,
        default=WorkerStatus.REGISTERED,
        db_index=True,
    )
    inactive_reason = models.CharField(
        _("reason inactive"), max_length=16, choices=InactiveReason.choices, blank=True
    )
    # Declared values that disagree with what the NIK encodes: accepted, but to be verified.
    birth_date_mismatch = models.BooleanField(_("birth date differs from NIK"), default=False)
    sex_mismatch = models.BooleanField(_("sex differs from NIK"), default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("registered at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("last changed"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["name_normalized", "id"]
        indexes = [
            models.Index(fields=["village", "name_normalized"], name="worker_village_name_idx"),
            models.Index(fields=["district", "name_normalized"], name="worker_district_name_idx"),
            models.Index(fields=["sector", "status"], name="worker_sector_status_idx"),
            # The data-quality worklists (``lindung.quality.worklists``): the few flagged
            # workers by area, and the funded workers' KKs and phones in order, so counting
            # the shared ones reads a narrow index instead of the table.
            models.Index(
                fields=["district", "village"],
                name="worker_nik_mismatch_idx",
                condition=models.Q(birth_date_mismatch=True) | models.Q(sex_mismatch=True),
            ),
            models.Index(
                fields=["kk_number"],
                name="worker_funded_kk_idx",
                condition=models.Q(status__in=["registered", "verified"]) & ~models.Q(kk_number=""),
            ),
            models.Index(
                fields=["phone"],
                name="worker_funded_phone_idx",
                condition=models.Q(status__in=["registered", "verified"]) & ~models.Q(phone=""),
            ),
            # The instant duplicate check (``lindung.dedup.check``) finds a NIK with one slip
            # by either half (region + birth date, birth date + serial), and a worker entered
            # under another NIK by birth date and district.
            models.Index(Substr("nik", 1, 12), name="worker_nik_head_idx"),
            models.Index(Substr("nik", 7, 10), name="worker_nik_tail_idx"),
            models.Index(fields=["birth_date", "district"], name="worker_birth_district_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(sex__in=Sex.values), name="worker_sex_known"),
            models.CheckConstraint(
                condition=models.Q(status__in=WorkerStatus.values), name="worker_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(welfare_decile__isnull=True)
                | models.Q(welfare_decile__gte=1, welfare_decile__lte=10),
                name="worker_welfare_decile_1_to_10",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=WorkerStatus.INACTIVE) | ~models.Q(inactive_reason=""),
                name="worker_inactive_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="worker_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def needs_verification(self) -> bool:
        return self.birth_date_mismatch or self.sex_mismatch


class HeirRelationship(models.TextChoices):
    """In the legal order of priority for JKM benefits (FACTS §3)."""

    SPOUSE = "spouse", _("Husband / wife")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Sibling")
    PARENT_IN_LAW = "parent_in_law", _("Parent-in-law")
    NAMED_IN_WILL = "named_in_will", _("Named in a will")


RELATIONSHIP_RANK: dict[str, int] = {
    HeirRelationship.SPOUSE: 1,
    HeirRelationship.CHILD: 1,
    HeirRelationship.PARENT: 2,
    HeirRelationship.GRANDCHILD: 2,
    HeirRelationship.SIBLING: 3,
    HeirRelationship.PARENT_IN_LAW: 4,
    HeirRelationship.NAMED_IN_WILL: 5,
}


class Heir(models.Model):
    """A person who receives the benefits if the worker dies, ranked by law then by position."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="heirs")
    full_name = models.CharField(_("full name"), max_length=150)
    relationship = models.CharField(
        _("relationship"), max_length=16, choices=HeirRelationship.choices
    )
    # Lower is first: the legal rank of the relationship (1 spouse and children … 5 will).
    priority = models.PositiveSmallIntegerField(_("priority"))
    position = models.PositiveSmallIntegerField(default=0)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)

    class Meta:
        ordering = ["worker", "priority", "position", "id"]

    def __str__(self) -> str:
        return self.full_name


class WorkerStatusChange(models.Model):
    """The status history of a worker: who moved it from what to what, when and why."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=WorkerStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=WorkerStatus.choices)
    reason = models.CharField(max_length=16, choices=InactiveReason.choices, blank=True)
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.worker_id}: {self.from_status} → {self.to_status}"


class WorkerNameToken(models.Model):
    """One word of a worker's normalised name.

    Search finds a name by the start of any of its words. A `LIKE '% siti%'` cannot use an
    index on either database; a range scan over this table's index can, on both.
    """

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="name_tokens")
    token = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["token", "worker"], name="name_token_idx")]
        constraints = [
            models.UniqueConstraint(fields=["worker", "token"], name="name_token_once_per_worker")
        ]

    def __str__(self) -> str:
        return self.token
