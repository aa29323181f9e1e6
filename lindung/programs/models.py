"""Who pays, for which programme, at what rates, and with how much money.

A *funding source* (the regency budget, a village budget, a company's CSR, zakat, the worker
themself) has a budget per fiscal year. A *programme* pays BPJS Ketenagakerjaan
contributions for enrolled workers; its *rate versions* say what one member costs a month
from a date on, and its *share rules* say which funders pay which part of it, optionally
for one district or village only. See decision 13.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FunderKind(models.TextChoices):
    REGENCY_BUDGET = "regency_budget", _("Regency budget (APBD)")
    PROVINCE_BUDGET = "province_budget", _("Provincial budget (APBD provinsi)")
    VILLAGE_BUDGET = "village_budget", _("Village budget (APBDes)")
    CSR = "csr", _("Company CSR")
    ZAKAT = "zakat", _("Zakat (BAZNAS)")
    SELF_PAID = "self_paid", _("The worker (mandiri)")


# Budgets of the state: the PP 50/2025 discount is not for workers these pay (FACTS §2).
GOVERNMENT_FUNDER_KINDS = frozenset(
    {FunderKind.REGENCY_BUDGET, FunderKind.PROVINCE_BUDGET, FunderKind.VILLAGE_BUDGET}
)


class FundingSource(models.Model):
    """A funder: who it is, whom to call, the agreement it pays under and the BPJS
    membership kind its members are registered with (SG for government-paid vulnerable
    workers). A village budget belongs to its village; there is one per village."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=16, choices=FunderKind.choices)
    village = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("village"),
    )
    membership_kind = models.CharField(
        _("BPJS membership kind"),
        max_length=8,
        blank=True,
        help_text=_("As BPJS registers the members it pays for, e.g. SG."),
    )
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=16, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    agreement_reference = models.CharField(_("agreement reference"), max_length=120, blank=True)
    agreement_start = models.DateField(_("agreement from"), null=True, blank=True)
    agreement_end = models.DateField(_("agreement until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=FunderKind.values), name="funder_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(kind=FunderKind.VILLAGE_BUDGET, village__isnull=False)
                | (~models.Q(kind=FunderKind.VILLAGE_BUDGET) & models.Q(village__isnull=True)),
                name="funder_village_iff_village_budget",
            ),
            models.UniqueConstraint(
                fields=["village"],
                condition=models.Q(village__isnull=False),
                name="funder_one_per_village",
            ),
            models.CheckConstraint(
                condition=models.Q(agreement_end__isnull=True)
                | models.Q(agreement_start__isnull=True)
                | models.Q(agreement_end__gte=models.F("agreement_start")),
                name="funder_agreement_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_government(self) -> bool:
        return self.kind in GOVERNMENT_FUNDER_KINDS


class FundingBudget(models.Model):
    """What a funder has for one fiscal year (the calendar year), for all the programmes it
    pays into together."""

    funding_source = models.ForeignKey(
        FundingSource, on_delete=models.CASCADE, related_name="budgets"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    amount = models.PositiveBigIntegerField(_("budget (Rp)"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["funding_source", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["funding_source", "fiscal_year"], name="budget_once_per_funder_year"
            ),
            models.CheckConstraint(
                condition=models.Q(fiscal_year__gte=2000, fiscal_year__lte=2100),
                name="budget_fiscal_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funding_source} {self.fiscal_year}"


class Program(models.Model):
    """A scheme that pays contributions for enrolled workers: who runs it, in which fiscal
    years, which benefits it buys and on what reported income."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    # Free text: some regencies move the programme to another office (FACTS §1).
    owning_office = models.CharField(_("owning office"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    first_fiscal_year = models.PositiveSmallIntegerField(_("first fiscal year"))
    last_fiscal_year = models.PositiveSmallIntegerField(
        _("last fiscal year"), null=True, blank=True, help_text=_("Empty while it goes on.")
    )
    # JKK and JKM are always covered; old-age savings are optional.
    includes_jht = models.BooleanField(_("includes old-age savings (JHT)"), default=False)
    reported_income = models.PositiveBigIntegerField(_("reported income (Rp)"), default=1_000_000)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_fiscal_year__isnull=True)
                | models.Q(last_fiscal_year__gte=models.F("first_fiscal_year")),
                name="program_fiscal_years_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(reported_income__gt=0), name="program_income_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def runs_in(self, fiscal_year: int) -> bool:
        last = self.last_fiscal_year or fiscal_year
        return self.first_fiscal_year <= fiscal_year <= last


class RateVersion(models.Model):
    """Contribution rates from ``valid_from`` on, until the next version for the same payers
    starts (or ``valid_until``, for a discount with an end). A version without a programme
    is the national rate every programme uses; a programme's own version wins over it.

    ``payer_kinds`` lists the funder kinds it applies to; empty means all. A version that is
    in effect is never edited: a change is a new version (``services.add_rate_version``).
    """

    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rate_versions",
        verbose_name=_("programme"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    jkk_percent = models.DecimalField(
        _("JKK (percent of the reported income)"), max_digits=5, decimal_places=2
    )
    jkm_amount = models.PositiveIntegerField(_("JKM (Rp a month)"))
    jht_percent = models.DecimalField(
        _("JHT (percent of the reported income)"), max_digits=5, decimal_places=2
    )
    # PP 50/2025: a discount on JKK and JKM (not JHT) for some payers and periods.
    discount_percent = models.DecimalField(
        _("discount on JKK and JKM (%)"), max_digits=5, decimal_places=2, default=0
    )
    payer_kinds = models.JSONField(_("for payers"), default=list, blank=True)
    legal_reference = models.CharField(_("legal reference"), max_length=120)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["valid_from", "id"]
        indexes = [models.Index(fields=["program", "valid_from"], name="rate_program_from_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="rate_validity_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(jkk_percent__gte=0, jkk_percent__lte=100)
                & models.Q(jht_percent__gte=0, jht_percent__lte=100)
                & models.Q(discount_percent__gte=0, discount_percent__lte=100),
                name="rate_percentages_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.legal_reference} ({self.valid_from})"

    def applies_to(self, payer_kind: str) -> bool:
        return not self.payer_kinds or payer_kind in self.payer_kinds

    @property
    def payer_labels(self) -> list[str]:
        return [str(FunderKind(kind).label) for kind in self.payer_kinds if kind in FunderKind]


class FundingShare(models.Model):
    """One funder's percentage of each member's monthly contribution in a programme.

    Rules without an area are the programme's default; rules for a district or a village
    replace it there, the most specific winning. The rules of one area sum to 100
    (``services.set_funding_shares`` replaces them together)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="shares")
    funding_source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, related_name="shares"
    )
    area = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district or village"),
    )
    percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["program", "area", "-percent", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "area", "funding_source"],
                condition=models.Q(area__isnull=False),
                name="share_once_per_area_funder",
            ),
            models.UniqueConstraint(
                fields=["program", "funding_source"],
                condition=models.Q(area__isnull=True),
                name="share_once_per_default_funder",
            ),
            models.CheckConstraint(
                condition=models.Q(percent__gt=0, percent__lte=100), name="share_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} · {self.funding_source} {self.percent}%"
