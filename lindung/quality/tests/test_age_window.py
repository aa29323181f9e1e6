"""The age worklist reads the age limits of the eligibility rules in effect for the active
programmes, and falls back to the setting when no programme has any."""

import dataclasses
import datetime as dt

import pytest
from django.utils import translation

from lindung.eligibility.inputs import RulesInput
from lindung.eligibility.services import adopt_version, create_draft, update_draft
from lindung.programs.inputs import ProgramInput
from lindung.programs.services import create_program
from lindung.quality.selectors import quality_summary, worklist_workers
from lindung.quality.worklists import WORKLISTS, age_window, years_before

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 21)
SINCE = dt.date(2026, 1, 1)
AGE = WORKLISTS["age_outside_window"]


def born_aged(years: int) -> dt.date:
    """A birth date that makes the worker exactly ``years`` old on TODAY."""
    return years_before(TODAY, years)


def listed(user) -> set[str]:
    return {w.full_name for w in worklist_workers(user, "age_outside_window", today=TODAY)}


def counted(user) -> int:
    summary = quality_summary(user, today=TODAY)
    return next(c.total for c in summary.worklists if c.worklist.code == AGE.code)


def explained() -> str:
    with translation.override("en"):
        return AGE.explanation_text(TODAY)


@pytest.fixture
def programme(admin_user):
    """``programme(name, min_age, max_age, from_=SINCE, active=True)``: a programme whose
    rules with those ages are adopted from ``from_``, through the eligibility services."""

    def make(name, min_age, max_age, *, from_=SINCE, active=True, adopt=True):
        program = create_program(
            actor=admin_user,
            data=ProgramInput(
                name=name, owning_office="Disnakertrans", first_fiscal_year=2026, is_active=active
            ),
        )
        draft = create_draft(actor=admin_user, program_id=program.pk)
        draft = update_draft(
            actor=admin_user,
            program_id=program.pk,
            version_id=draft.pk,
            expected_version=draft.version,
            data=dataclasses.replace(RulesInput(), min_age=min_age, max_age=max_age),
        )
        if adopt:
            adopt_version(
                actor=admin_user,
                program_id=program.pk,
                version_id=draft.pk,
                effective_from=from_,
                today=min(from_, TODAY),
            )
        return program

    return make


@pytest.fixture
def ages(make_worker):
    """Workers of 17, 20, 21, 40, 60, 61, 65 and 66 on TODAY, named by their age."""
    for years in (17, 20, 21, 40, 60, 61, 65, 66):
        make_worker(full_name=f"Umur {years}", birth_date=born_aged(years))


def test_without_rules_in_effect_the_setting_gives_the_window_and_the_page_says_so(
    admin_user, ages, programme
):
    programme("Program Draf", 21, 60, adopt=False)
    programme("Program Tahun Depan", 21, 60, from_=dt.date(2027, 1, 1))

    assert age_window(TODAY).ranges == ((18, 65),)
    assert listed(admin_user) == {"Umur 17", "Umur 66"}
    assert counted(admin_user) == 2
    assert explained().startswith(
        "No active programme has eligibility rules in effect today, so the regency's default "
        "limits apply: listed are workers whose age today is outside 18–65 years. A worker "
        "outside these limits cannot be funded."
    )


def test_the_rules_in_effect_of_the_one_active_programme_give_the_window(
    admin_user, ages, programme
):
    programme("Perlindungan Pekerja Rentan", 21, 60)

    assert listed(admin_user) == {"Umur 17", "Umur 20", "Umur 61", "Umur 65", "Umur 66"}
    assert counted(admin_user) == 5
    assert explained().startswith(
        "Listed are workers whose age today is outside 21–60 years: the age limits of the "
        "eligibility rules of Perlindungan Pekerja Rentan in effect today."
    )


def test_the_newest_adopted_version_is_the_one_in_effect(admin_user, ages, programme):
    program = programme("Perlindungan Pekerja Rentan", 21, 60)
    draft = create_draft(actor=admin_user, program_id=program.pk)
    update_draft(
        actor=admin_user,
        program_id=program.pk,
        version_id=draft.pk,
        expected_version=draft.version,
        data=dataclasses.replace(RulesInput(), min_age=18, max_age=65),
    )
    adopt_version(
        actor=admin_user,
        program_id=program.pk,
        version_id=draft.pk,
        effective_from=dt.date(2026, 6, 1),
        today=dt.date(2026, 6, 1),
    )

    assert listed(admin_user) == {"Umur 17", "Umur 66"}
    # The day before the second version started, the first one (21–60) decided; every
    # worker was some months younger then.
    before = {
        w.full_name for w in worklist_workers(admin_user, AGE.code, today=dt.date(2026, 5, 31))
    }
    assert before == {"Umur 17", "Umur 20", "Umur 21", "Umur 65", "Umur 66"}


def test_an_inactive_programmes_rules_are_left_out(admin_user, ages, programme):
    programme("Program Lama", 30, 50, active=False)
    programme("Perlindungan Pekerja Rentan", 21, 60)

    assert age_window(TODAY).programmes == (("Perlindungan Pekerja Rentan", 21, 60),)
    assert "Umur 40" not in listed(admin_user)


def test_with_two_programmes_a_worker_is_listed_only_outside_every_window(
    admin_user, ages, programme
):
    programme("Program Muda", 18, 60)
    programme("Program Lansia", 21, 65)

    assert age_window(TODAY).ranges == ((18, 65),)
    assert listed(admin_user) == {"Umur 17", "Umur 66"}
    assert counted(admin_user) == 2
    assert explained().startswith(
        "Listed are workers whose age today is outside 18–65 years, the ages at which at least "
        "one active programme funds a worker under its eligibility rules in effect today "
        "(Program Lansia 21–65; Program Muda 18–60): a worker is listed only when outside "
        "every programme's limits."
    )


def test_two_programmes_with_a_gap_between_their_windows_list_the_ages_in_the_gap(
    admin_user, ages, programme
):
    programme("Program Muda", 18, 30)
    programme("Program Lansia", 50, 65)

    assert age_window(TODAY).ranges == ((18, 30), (50, 65))
    assert listed(admin_user) == {"Umur 17", "Umur 40", "Umur 66"}
    assert counted(admin_user) == 3
    assert "outside 18–30, 50–65 years" in explained()


def test_touching_windows_make_one(programme):
    programme("Program Muda", 18, 40)
    programme("Program Lansia", 41, 65)
    assert age_window(TODAY).ranges == ((18, 65),)


def test_the_list_is_one_query_for_the_rules_and_one_for_the_workers(
    admin_user, ages, programme, django_assert_num_queries
):
    programme("Program Muda", 18, 30)
    programme("Program Lansia", 50, 65)
    with django_assert_num_queries(2):
        assert len(list(worklist_workers(admin_user, AGE.code, today=TODAY))) == 3


def test_the_worklist_page_states_the_window_it_used(client, settings, admin_user, programme):
    programme("Perlindungan Pekerja Rentan", 21, 60)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(admin_user)

    html = client.get("/quality/age_outside_window/").content.decode()

    assert "whose age today is outside 21–60 years" in html
    assert "Perlindungan Pekerja Rentan" in html
