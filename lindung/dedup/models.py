"""Duplicate candidates and what verifiers decided about them.

A *case* is a cluster of two or more workers linked by scored *pairs* (the engine's
output, ``pairs.ScoredPair``). A verifier decides a case as a whole: the records are one
person (a *merge*, which can be undone) or different people. Nothing here is deleted by a
decision; a case only moves along ``services.CASE_TRANSITIONS``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.dedup.pairs import MatchLevel


class Level(models.TextChoices):
    DUPLICATE = MatchLevel.DUPLICATE.value, _("Almost surely the same person")
    POSSIBLE = MatchLevel.POSSIBLE.value, _("Possibly the same person")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MERGED = "merged", _("Same person: merged")
    DIFFERENT = "different", _("Different people")


class DuplicateRun(models.Model):
    """One batch run of the linkage engine over the registry (or what changed since)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    # Empty for a run over the whole registry; else workers changed since this moment.
    changed_since = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    pairs_found = models.PositiveIntegerField(default=0)
    pairs_recorded = models.PositiveIntegerField(default=0)
    cases_opened = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.status}"

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class DuplicateCase(models.Model):
    """Two or more workers that may be one person, decided together."""

    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    best_weight = models.FloatField(_("match weight"))
    best_probability = models.FloatField(_("probability"))
    # Where most of its workers live: for the queue's column. Scope and the district filter
    # look at every member (a case can span two districts).
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    worker_count = models.PositiveSmallIntegerField(default=2)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-best_weight", "id"]
        indexes = [models.Index(fields=["status", "-best_weight"], name="dedup_case_queue_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CaseStatus.values), name="dedup_case_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=Level.values), name="dedup_case_level_known"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class CaseMember(models.Model):
    """A worker of a case. Scope is decided from these: a case is visible to a user who sees
    at least one of its workers."""

    case = models.ForeignKey(DuplicateCase, on_delete=models.CASCADE, related_name="members")
    worker = models.ForeignKey(
        "registry.Worker", on_delete=models.CASCADE, related_name="duplicate_memberships"
    )

    class Meta:
        ordering = ["case", "worker"]
        constraints = [models.UniqueConstraint(fields=["case", "worker"], name="dedup_member_once")]
        indexes = [models.Index(fields=["worker", "case"], name="dedup_member_worker_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.worker_id}"


class CandidatePair(models.Model):
    """Two workers the engine scored, with its explanation and the versions it saw."""

    case = models.ForeignKey(DuplicateCase, on_delete=models.CASCADE, related_name="pairs")
    left = models.ForeignKey("registry.Worker", on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey("registry.Worker", on_delete=models.CASCADE, related_name="+")
    match_weight = models.FloatField(_("match weight"))
    probability = models.FloatField(_("probability"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    # [{"field": "nik", "level": "one digit differs", "weight": 6.2}, ...]
    evidence = models.JSONField(default=list)
    left_version = models.PositiveIntegerField()
    right_version = models.PositiveIntegerField()
    run = models.ForeignKey(
        DuplicateRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="pairs"
    )
    scored_at = models.DateTimeField()

    class Meta:
        ordering = ["-match_weight", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "left", "right"], name="dedup_pair_once"),
            models.CheckConstraint(
                condition=models.Q(left__lt=models.F("right")), name="dedup_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["left", "right"], name="dedup_pair_workers_idx")]

    def __str__(self) -> str:
        return f"{self.left_id}–{self.right_id}"


class Decision(models.Model):
    """What a verifier decided about a case, and why. Undoing a merge is a decision too."""

    class Kind(models.TextChoices):
        SAME_PERSON = "same_person", _("Same person")
        DIFFERENT_PEOPLE = "different_people", _("Different people")
        UNDO_MERGE = "undo_merge", _("Merge undone")

    case = models.ForeignKey(DuplicateCase, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    # {worker id: version} of every worker of the case when decided: "different people" is
    # proposed again only once one of them has changed.
    worker_versions = models.JSONField(default=dict)
    # [[a, b], ...]: the couples found to be different people when a record was taken out of
    # a cluster; empty: every couple of the case's workers.
    apart = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["same_person", "different_people", "undo_merge"]),
                name="dedup_decision_kind_known",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind}"


class Merge(models.Model):
    """Everything needed to undo a merge exactly."""

    case = models.ForeignKey(DuplicateCase, on_delete=models.CASCADE, related_name="merges")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="merge")
    survivor = models.ForeignKey(
        "registry.Worker", on_delete=models.PROTECT, related_name="merges_survived"
    )
    # The survivor's stored values before the merge (model field → JSON value).
    survivor_before = models.JSONField()
    survivor_version_after = models.PositiveIntegerField()
    # [[worker id, NIK it gave up, NIK it received], ...]: a NIK is unique, so a survivor
    # taking a merged record's NIK gives that record its own in exchange.
    nik_swaps = models.JSONField(default=list)
    # What followed the survivor, per kind (see ``followers.FOLLOWERS``).
    moved = models.JSONField(default=dict)
    undone_by = models.OneToOneField(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="undid"
    )

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.survivor_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_by_id is not None


class MergedWorker(models.Model):
    """A record merged into the survivor: it points to the survivor and keeps its prior
    status for an undo."""

    merge = models.ForeignKey(Merge, on_delete=models.CASCADE, related_name="merged_workers")
    worker = models.ForeignKey(
        "registry.Worker", on_delete=models.PROTECT, related_name="merged_into"
    )
    prior_status = models.CharField(max_length=12)
    prior_inactive_reason = models.CharField(max_length=16, blank=True)
    version_after = models.PositiveIntegerField()

    class Meta:
        ordering = ["merge", "worker"]
        constraints = [
            models.UniqueConstraint(fields=["merge", "worker"], name="dedup_merged_once")
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} → {self.merge.survivor_id}"
