"""Who a programme may pay for: versioned rules, their runs over the registry, the decision
for every worker with its reasons, and the overrides verifiers record. See decision 14.

A *rule version* is a draft until an administrator adopts it from a date; the adopted
version with the latest start on or before a day is the one in effect that day, and the
ones before it are superseded. Its parameters are typed fields, so a form, the API and the
evaluation in SQL read the same values.

A *run* evaluates one version over the whole registry on a reference date; applying it
stores one ``EligibilityDecision`` per worker (the reasons as a bit mask, see
``reasons.py``), ranked by the priority and marked inside or outside the cut.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MinimumWage(models.Model):
    """The regency's minimum wage (UMK) for a calendar year: the default income limit."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    amount = models.PositiveBigIntegerField(_("UMK (Rp a month)"))
    legal_reference = models.CharField(_("legal reference"), max_length=120, blank=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"UMK {self.year}"


class IncomeLimit(models.TextChoices):
    UMK = "umk", _("Below the regency minimum wage (UMK) of the year")
    AMOUNT = "amount", _("Below a fixed amount")
    NONE = "none", _("No income limit")


class RuleVersion(models.Model):
    """One version of a programme's eligibility rules."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="eligibility_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    effective_from = models.DateField(_("in effect from"), null=True, blank=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=18)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), default=65)
    max_welfare_decile = models.PositiveSmallIntegerField(
        _("highest welfare decile"),
        null=True,
        blank=True,
        default=4,
        help_text=_("DTSEN deciles 1–10; empty means no limit."),
    )
    # Sector codes; empty means every sector.
    sector_codes = models.JSONField(_("sectors included"), default=list, blank=True)
    income_limit = models.CharField(
        _("income limit"), max_length=8, choices=IncomeLimit.choices, default=IncomeLimit.UMK
    )
    income_limit_amount = models.PositiveBigIntegerField(
        _("income limit (Rp)"), null=True, blank=True
    )
    require_residence = models.BooleanField(
        _("resident of the regency (by the village of the address)"), default=True
    )
    exclude_active_elsewhere = models.BooleanField(
        _("not already an active BPJS participant elsewhere"), default=True
    )
    # {district code: how many workers at most}; districts not named have no quota.
    district_quotas = models.JSONField(_("quota per district"), default=dict, blank=True)
    # Sector codes, highest work risk first: the second key of the priority.
    sector_risk_order = models.JSONField(_("sectors by work risk"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    adopted_at = models.DateTimeField(null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["program", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="rule_version_number"),
            models.UniqueConstraint(
                fields=["program", "effective_from"],
                condition=models.Q(status="adopted"),
                name="rule_version_one_start_per_day",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(effective_from__isnull=False),
                name="rule_version_adopted_has_start",
            ),
            models.CheckConstraint(
                condition=models.Q(max_age__gte=models.F("min_age")), name="rule_version_ages"
            ),
            models.CheckConstraint(
                condition=models.Q(max_welfare_decile__isnull=True)
                | models.Q(max_welfare_decile__gte=1, max_welfare_decile__lte=10),
                name="rule_version_decile_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class EligibilityRun(models.Model):
    """One evaluation of a rule version over the registry whose decisions were stored.

    ``counts`` holds the totals; ``cut`` says how the cut was drawn (quotas used, the
    members the budget pays for, or why the budget could not be checked)."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="eligibility_runs"
    )
    rule_version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="runs")
    reference_date = models.DateField(_("reference date"))
    umk = models.PositiveBigIntegerField(_("income limit used (Rp)"), null=True, blank=True)
    counts = models.JSONField(default=dict)
    cut = models.JSONField(default=dict)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["program", "-started_at"], name="eligibility_run_idx")]

    def __str__(self) -> str:
        return f"{self.rule_version} @ {self.reference_date}"


class CutReason(models.IntegerChoices):
    QUOTA = 1, _("outside the district quota")
    BUDGET = 2, _("outside the budget")


class EligibilityDecision(models.Model):
    """A worker's decision in one run, with what it rested on.

    ``reasons`` is 0 for an eligible worker, else the bits of the conditions not met
    (``reasons.Reason``). ``priority`` ranks the eligible workers of the run (1 first) and
    ``district_rank`` ranks them within their district; both are empty for the others."""

    # Indexes are the composite ones below: each single-column index would slow the
    # million-row insert of a run for no read.
    run = models.ForeignKey(
        EligibilityRun, on_delete=models.CASCADE, related_name="decisions", db_index=False
    )
    worker = models.ForeignKey(
        "registry.Worker",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    district = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    village = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    sector = models.ForeignKey(
        "registry.Sector",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    eligible = models.BooleanField()
    reasons = models.PositiveIntegerField(default=0)
    decile_waived = models.BooleanField(default=False)
    age = models.PositiveSmallIntegerField(null=True)
    welfare_decile = models.PositiveSmallIntegerField(null=True)
    monthly_income = models.PositiveBigIntegerField(null=True)
    priority = models.PositiveIntegerField(null=True)
    district_rank = models.PositiveIntegerField(null=True)
    within_cut = models.BooleanField(default=False)
    cut_reason = models.PositiveSmallIntegerField(choices=CutReason.choices, null=True)

    class Meta:
        # No default ordering: runs hold a million rows and most reads aggregate them.
        indexes = [
            models.Index(fields=["run", "worker"], name="decision_run_worker_idx"),
            models.Index(fields=["worker", "run"], name="decision_worker_run_idx"),
            models.Index(fields=["run", "priority"], name="decision_run_priority_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} in run {self.run_id}: {self.eligible}"


class OverrideKind(models.TextChoices):
    WAIVE_DECILE = "waive_decile", _("Eligible despite the welfare decile")
    EXCLUDE = "exclude", _("Not eligible, whatever the rules say")


class EligibilityOverride(models.Model):
    """A verifier's documented decision about one worker in one programme, which every later
    run applies until it is withdrawn."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="eligibility_overrides"
    )
    worker = models.ForeignKey("registry.Worker", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("override"), max_length=16, choices=OverrideKind.choices)
    reason = models.TextField(_("reason"))
    decided_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "worker"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="override_one_standing_per_worker",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=OverrideKind.values), name="override_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} · {self.kind}"


class EligibilityJob(models.Model):
    """A run of the rules asked for from the page or the API, carried out by the task
    worker: a province's registry takes longer than a web request may wait.

    With ``apply`` the run stores its decisions (``run``); without it the run is evaluated
    and rolled back, and only its ``counts`` and ``impact`` are kept here. One job per
    programme is queued or running at a time."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="eligibility_jobs"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    apply = models.BooleanField(_("store the decisions"), default=True)
    reference_date = models.DateField(_("reference date"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    run = models.ForeignKey(
        EligibilityRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    counts = models.JSONField(default=dict, blank=True)
    # The change in eligible workers against the run stored before: before, after, gained, lost.
    impact = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program"],
                condition=models.Q(status__in=["queued", "running"]),
                name="eligibility_job_one_active_per_program",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running", "done", "failed"]),
                name="eligibility_job_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.program_id} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
