from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A Kemendagri administrative area: province › regency › district › village.

    The code is the key: it is what NIKs, Dukcapil and other offices' files use. Validity dates
    let an area leave the regency (the IKN transfer) without rewriting any worker's history.
    """

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        REGENCY = 2, _("regency")
        DISTRICT = 3, _("district")
        VILLAGE = 4, _("village")

    class Kind(models.TextChoices):
        PROVINSI = "provinsi", _("province")
        KABUPATEN = "kabupaten", _("regency")
        KOTA = "kota", _("city")
        KECAMATAN = "kecamatan", _("district")
        DESA = "desa", _("village (desa)")
        KELURAHAN = "kelurahan", _("urban village (kelurahan)")

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "name"], name="region_parent_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="region_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """A village is always shown with its district: eight Kukar village names repeat."""
        if self.level == self.Level.VILLAGE and self.parent is not None:
            return f"{self.name}, Kec. {self.parent.name}"
        return self.name

    @property
    def district_code(self) -> str | None:
        if self.level == self.Level.DISTRICT:
            return self.code
        if self.level == self.Level.VILLAGE:
            return self.code.rsplit(".", 1)[0]
        return None
