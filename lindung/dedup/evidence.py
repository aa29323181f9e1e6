"""The duplicate check's evidence in the words an operator reads (``check.PossibleDuplicate``)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lindung.dedup.pairs import Evidence

# The linkage's comparison levels (``linkage.comparisons``) that speak for "same person", as
# an operator reads them; a level missing here is shown by its own label.
_PHRASES = {
    "same NIK": _("same NIK"),
    "one digit of the NIK's birth date differs, same birth date": _(
        "NIK one digit off in its date part, same birth date"
    ),
    "one digit of the NIK's region differs, same birth date": _(
        "NIK one digit off in its region part, same birth date"
    ),
    "two neighbouring NIK digits swapped": _("two neighbouring NIK digits swapped"),
    "one digit of the NIK's serial differs, same birth date": _(
        "NIK one digit off in its serial, same birth date"
    ),
    "last digit of the NIK differs, same birth date": _("last NIK digit differs, same birth date"),
    "two NIK digits differ, same birth date": _("two NIK digits differ, same birth date"),
    "same NIK region and birth date, other serial": _("NIK of the same region and birth date"),
    "NIK one or two digits off, birth date slightly different": _(
        "NIK one or two digits off, birth date nearly the same"
    ),
    "other NIK, same birth date": _("same birth date"),
    "other NIK, birth date slightly different": _("birth date nearly the same"),
    "same name": _("same name"),
    "same name apart from Muhammad, Siti or an initial": _(
        "same name apart from Muhammad, Siti or an initial"
    ),
    "spelt almost the same": _("name spelt almost the same"),
    "one name has a word the other lacks": _("one name has a word the other lacks"),
    "a one-word name is a word of the other": _("a one-word name is part of the other"),
    "each word of one name is like a word of the other": _("name words spelt alike"),
    "similar spelling": _("similar name"),
    "same village": _("same village"),
    "same district, other village": _("same district"),
    "same family card and phone": _("same family card and phone"),
    "same family card": _("same family card"),
    "family card one digit off": _("family card one digit off"),
    "same phone": _("same phone"),
}
_FIELD_PHRASES = {"sex": _("same sex")}


def evidence_phrase(evidence: Evidence) -> str:
    if evidence.field in _FIELD_PHRASES:
        return str(_FIELD_PHRASES[evidence.field])
    phrase = _PHRASES.get(evidence.level)
    return str(phrase) if phrase is not None else gettext(evidence.level)
