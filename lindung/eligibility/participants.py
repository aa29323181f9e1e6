"""Who is already an active BPJS Ketenagakerjaan participant somewhere else.

BPJS's participant lists are kept by the enrolment app (``enrolment.BpjsParticipant``): one
row per person, list and day. A worker is covered elsewhere when the latest row of one of
their memberships says active and that membership is not this programme's: a wage earner
(segment PU), or an informal membership of a kind the programme's funders do not register
(their ``membership_kind``, e.g. SG for the regency budget).
"""

from django.db.models import Exists, OuterRef, Q

from lindung.enrolment.models import BpjsParticipant
from lindung.programs.models import FundingShare, Program

WAGE_EARNER_SEGMENT = "PU"


def program_membership_kinds(program: Program) -> set[str]:
    kinds = FundingShare.objects.filter(program=program).values_list(
        "funding_source__membership_kind", flat=True
    )
    return {kind.upper() for kind in kinds if kind}


def active_elsewhere(program: Program) -> Q:
    """A condition on ``Worker`` rows: covered by BPJS outside this programme.

    An uncorrelated ``nik IN (…)``: PostgreSQL hashes the participants' NIKs once instead
    of probing the list for each of a million workers."""
    newer = BpjsParticipant.objects.filter(
        nik=OuterRef("nik"),
        segment=OuterRef("segment"),
        membership_kind=OuterRef("membership_kind"),
        as_of__gt=OuterRef("as_of"),
    )
    ours = ~Q(segment=WAGE_EARNER_SEGMENT) & Q(
        membership_kind__in=program_membership_kinds(program)
    )
    covered = (
        BpjsParticipant.objects.filter(is_active=True)
        .exclude(ours)
        .exclude(Exists(newer))
        .values("nik")
    )
    return Q(nik__in=covered)
