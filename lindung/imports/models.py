from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportProfile(models.Model):
    """A saved column mapping for files of one kind (e.g. "DTSEN export")."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    # Normalised header text → field, so the profile fits the next file of the same kind
    # even when its columns are in another order.
    mapping = models.JSONField(_("mapping"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded: check the columns")
    CHECKING = "checking", _("Checking the rows")
    CHECKED = "checked", _("Checked: ready to save")
    SAVING = "saving", _("Saving")
    DONE = "done", _("Saved")
    FAILED = "failed", _("Failed")


# Files up to this many rows have every new row checked for possible duplicates.
DUPLICATE_CHECK_MAX_ROWS = 100_000


class ImportJob(models.Model):
    """One file on its way into the registry: uploaded, mapped, checked, then saved.

    Saving goes chunk by chunk. ``saved_through_row`` and ``outcomes_size`` move forward in
    the same transaction as each chunk, so a job that was interrupted resumes exactly after
    the last saved chunk: nothing is lost and nothing is written twice.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    original_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(max_length=255)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    sheet_names = models.JSONField(default=list, blank=True)
    header_row = models.PositiveIntegerField(default=0)
    headers = models.JSONField(default=list)
    # Column index (as text) → field name.
    mapping = models.JSONField(default=dict)
    profile = models.ForeignKey(
        ImportProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    task_id = models.CharField(max_length=64, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # New rows that may be a worker already registered (or an earlier row): saved, but flagged.
    possible_duplicates = models.PositiveIntegerField(default=0)
    # What the check found: counts per outcome and the first rows of each, for the preview.
    preview = models.JSONField(default=dict, blank=True)
    saved_through_row = models.PositiveIntegerField(default=0)
    outcomes_size = models.PositiveBigIntegerField(default=0)
    report_name = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="import_user_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def checks_rows_for_duplicates(self) -> bool:
        """Whether each new row is compared with the registry for possible duplicates. A
        file larger than a regency's list is left to the duplicate search, which compares
        what changed in one pass far faster than row by row."""
        return self.total_rows <= DUPLICATE_CHECK_MAX_ROWS

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.SAVING)
