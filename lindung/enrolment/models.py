"""Enrolments of workers in programmes, and the files exchanged with BPJS Ketenagakerjaan.

An enrolment moves candidate → submitted (in a registration batch) → active (BPJS gave a KPJ
number and a coverage start) → ended (with a reason), one ``EnrolmentStatusChange`` per move
(``services.transition``). Ended enrolments stay as the worker's history. See decision 15.

``BpjsParticipant`` holds the rows of BPJS's participant lists: who BPJS reports as a
participant on a date, whoever pays for them. Eligibility reads it to leave out workers who
are already covered elsewhere (a formal wage earner); graduation reads it to see whether a
worker kept paying their own contributions.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EnrolmentStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    SUBMITTED = "submitted", _("Submitted to BPJS")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


OPEN_STATUSES = (EnrolmentStatus.CANDIDATE, EnrolmentStatus.SUBMITTED, EnrolmentStatus.ACTIVE)


class EndReason(models.TextChoices):
    GRADUATED = "graduated", _("Graduated to self-paying (mandiri)")
    DECEASED = "deceased", _("Deceased")
    MOVED_AWAY = "moved_away", _("Moved out of the regency")
    FORMAL_WORKER = "formal_worker", _("Became a formal worker")
    NOT_ELIGIBLE = "not_eligible", _("No longer eligible")
    WITHDREW = "withdrew", _("Withdrew")
    REFUSED_BY_BPJS = "refused_by_bpjs", _("Refused by BPJS")
    DUPLICATE = "duplicate", _("Duplicate record merged")


class RegistrationBatch(models.Model):
    """One registration file sent to BPJS: the candidates of a programme (within the area of
    whoever exported it) that it moved to *submitted*."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="registration_batches"
    )
    number = models.PositiveIntegerField(_("batch number"))
    # The exporting user's area (None: the whole regency): the batch holds only its workers.
    area = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file_format = models.CharField(_("format"), max_length=4)
    file_name = models.CharField(_("file name"), max_length=200)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    row_count = models.PositiveIntegerField(_("rows"))
    columns = models.JSONField(_("columns"), default=list)
    submitted_on = models.DateField(_("submitted on"))
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="batch_number_per_program")
        ]

    def __str__(self) -> str:
        return f"{self.program.code}-{self.number:04d}"


class Enrolment(models.Model):
    """A worker's membership of one programme, from candidate to its end.

    ``ended_on`` is the last day covered when the enrolment had been active (the day of
    death is covered), otherwise the day it was closed. ``funder_split`` is the funders and
    percentages in force for the worker's area when the enrolment was submitted.
    """

    worker = models.ForeignKey(
        "registry.Worker", on_delete=models.PROTECT, related_name="enrolments"
    )
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="enrolments"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EnrolmentStatus.choices, default="candidate"
    )
    funder_split = models.JSONField(_("funders"), default=list, blank=True)
    candidate_since = models.DateField(_("candidate since"))
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    coverage_start = models.DateField(_("coverage start"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason ended"), max_length=16, choices=EndReason.choices, blank=True
    )
    end_note = models.TextField(_("note"), blank=True)
    # BPJS's participant number: 11 digits in practice, no published format (FACTS §4).
    kpj_number = models.CharField(_("KPJ number"), max_length=20, blank=True)
    batch = models.ForeignKey(
        RegistrationBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("registration batch"),
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-candidate_since", "-id"]
        indexes = [
            models.Index(fields=["worker", "coverage_start"], name="enrolment_worker_cover_idx"),
            models.Index(fields=["program", "status"], name="enrolment_program_status_idx"),
            models.Index(fields=["batch", "status"], name="enrolment_batch_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=EnrolmentStatus.values), name="enrolment_status_known"
            ),
            # The database itself keeps a worker from being covered twice.
            models.UniqueConstraint(
                fields=["worker"],
                condition=models.Q(status="active"),
                name="enrolment_one_active_per_worker",
            ),
            models.UniqueConstraint(
                fields=["worker", "program"],
                condition=models.Q(status__in=["candidate", "submitted", "active"]),
                name="enrolment_one_open_per_program",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="active")
                | (models.Q(coverage_start__isnull=False) & ~models.Q(kpj_number="")),
                name="enrolment_active_has_kpj_and_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ended")
                | (models.Q(ended_on__isnull=False) & ~models.Q(end_reason="")),
                name="enrolment_ended_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="enrolment_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} · {self.program_id} ({self.status})"


class EnrolmentStatusChange(models.Model):
    """One move of an enrolment: from what to what, effective when, why, by whom."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=10, choices=EnrolmentStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=EnrolmentStatus.choices)
    effective_on = models.DateField()
    reason = models.CharField(max_length=16, choices=EndReason.choices, blank=True)
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.from_status} → {self.to_status}"


class ExportTemplate(models.Model):
    """A programme's own column mapping for registration files: a list of
    ``[header, field]`` pairs (``exchange.EXPORT_FIELDS`` names the fields)."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="bpjs_export_template"
    )
    columns = models.JSONField(_("columns"))
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.program} template"


class BpjsFileKind(models.TextChoices):
    ANSWER = "answer", _("BPJS answer to a registration")
    PARTICIPANTS = "participants", _("BPJS participant list")


class BpjsFileImport(models.Model):
    """A file received from BPJS: its checksum, what its rows did, and the rows that matched
    nothing (a downloadable report)."""

    kind = models.CharField(_("kind"), max_length=12, choices=BpjsFileKind.choices)
    file_name = models.CharField(_("file name"), max_length=200)
    checksum = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    counts = models.JSONField(_("counts"), default=dict)
    unmatched = models.JSONField(_("rows not matched"), default=list)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name


class ParticipantPayer(models.TextChoices):
    EMPLOYER = "employer", _("Employer (formal wage earner)")
    GOVERNMENT = "government", _("Government")
    VILLAGE = "village", _("Village budget")
    CSR = "csr", _("Company CSR")
    SELF = "self", _("Self-paying (mandiri)")
    UNKNOWN = "unknown", _("Unknown")


class BpjsParticipant(models.Model):
    """A person BPJS reported as a participant in one of its lists, on ``as_of``."""

    nik = models.CharField(_("NIK"), max_length=16)
    worker = models.ForeignKey(
        "registry.Worker",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bpjs_participations",
    )
    kpj_number = models.CharField(_("KPJ number"), max_length=20, blank=True)
    # PU (wage earner) or BPU (informal), and the membership kind (SG, SA, SC…), as BPJS says.
    segment = models.CharField(_("segment"), max_length=8, blank=True)
    membership_kind = models.CharField(_("membership kind"), max_length=8, blank=True)
    payer = models.CharField(_("paid by"), max_length=12, choices=ParticipantPayer.choices)
    is_active = models.BooleanField(_("active"))
    as_of = models.DateField(_("as of"))
    source = models.ForeignKey(
        BpjsFileImport, on_delete=models.PROTECT, related_name="participants"
    )

    class Meta:
        ordering = ["nik", "-as_of"]
        indexes = [
            models.Index(fields=["nik", "as_of"], name="bpjs_participant_nik_idx"),
            models.Index(fields=["worker", "as_of"], name="bpjs_participant_worker_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["nik", "as_of", "segment", "membership_kind"],
                name="bpjs_participant_once_per_list_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.nik[:6]}… {self.as_of}"


class Graduation(models.Model):
    """A worker who leaves a funded programme to pay their own contributions: from when, and
    what a month will cost them under the rate version in effect then."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="graduation")
    worker = models.ForeignKey("registry.Worker", on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    self_paying_from = models.DateField(_("self-paying from"))
    rate_version = models.ForeignKey(
        "programs.RateVersion", on_delete=models.PROTECT, related_name="+"
    )
    reported_income = models.PositiveBigIntegerField(_("reported income (Rp)"))
    jkk = models.PositiveIntegerField("JKK")
    jkm = models.PositiveIntegerField("JKM")
    jht = models.PositiveIntegerField("JHT")
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    monthly_amount = models.PositiveIntegerField(_("monthly contribution (Rp)"))
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-self_paying_from", "-id"]
        indexes = [models.Index(fields=["program", "self_paying_from"], name="graduation_prog_idx")]

    def __str__(self) -> str:
        return f"{self.worker_id} from {self.self_paying_from}"
