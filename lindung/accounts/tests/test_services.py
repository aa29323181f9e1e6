"""Users of each role tied to the right kind of area, and API tokens stored only as digests."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import PASSWORD, TENGGARONG, TENGGARONG_VILLAGE
from lindung.accounts.models import ApiToken, Role, User
from lindung.accounts.services import (
    create_user,
    issue_api_token,
    revoke_api_token,
    token_digest,
    user_for_token,
)
from lindung.audit.models import AuditEvent
from lindung.core.exceptions import DomainError, PermissionDenied

pytestmark = pytest.mark.django_db


def _create(
    username="baru",
    role=Role.DISTRICT_OPERATOR,
    area=TENGGARONG,
    actor=None,
    password=PASSWORD,
    **kwargs,
):
    return create_user(
        actor=actor, username=username, role=role, password=password, area_code=area, **kwargs
    )


def test_a_district_operator_is_created_with_their_district_and_audited(admin_user):
    user = _create(actor=admin_user, full_name="Rahmat Hidayat")
    user = User.objects.get(pk=user.pk)
    assert (user.role, user.area_id, user.first_name, user.last_name) == (
        Role.DISTRICT_OPERATOR,
        TENGGARONG,
        "Rahmat",
        "Hidayat",
    )
    assert user.check_password(PASSWORD)
    assert user.is_staff is False
    event = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert event.actor == admin_user
    assert event.changes == {
        "username": [None, "baru"],
        "role": [None, "district_operator"],
        "area": [None, TENGGARONG],
    }


def test_an_area_code_may_be_written_without_dots(regions):
    assert _create(area="6402061001", role=Role.VILLAGE_OPERATOR).area_id == TENGGARONG_VILLAGE


def test_an_administrator_has_no_area_and_is_staff(regions):
    user = _create(role=Role.ADMIN, area=None)
    assert (user.area, user.is_staff) == (None, True)


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.LEADER])
def test_verifiers_and_leaders_may_be_limited_to_a_district(regions, role):
    assert _create(role=role, area=TENGGARONG).area_id == TENGGARONG


@pytest.mark.parametrize(
    ("role", "area"),
    [
        (Role.DISTRICT_OPERATOR, None),  # needs a district
        (Role.VILLAGE_OPERATOR, None),  # needs a village
        (Role.DISTRICT_OPERATOR, TENGGARONG_VILLAGE),  # a village is not a district
        (Role.VILLAGE_OPERATOR, TENGGARONG),  # a district is not a village
        (Role.LEADER, TENGGARONG_VILLAGE),
        (Role.BPJS_LIAISON, TENGGARONG),  # works for the whole regency
        (Role.ADMIN, TENGGARONG),
        (Role.DISTRICT_OPERATOR, "64.02.99"),  # no such area
    ],
)
def test_a_role_with_the_wrong_area_is_refused(regions, role, area):
    events_before = AuditEvent.objects.count()
    with pytest.raises(DomainError):
        _create(role=role, area=area)
    assert not User.objects.filter(username="baru").exists()
    assert AuditEvent.objects.count() == events_before


def test_an_unknown_role_is_refused(regions):
    with pytest.raises(DomainError):
        _create(role="superhero", area=None)
    assert not User.objects.exists()


def test_a_username_already_taken_is_refused_whatever_its_case(admin_user):
    with pytest.raises(DomainError):
        _create(username="ADMIN")
    assert User.objects.count() == 1


def test_a_weak_password_is_refused(regions):
    with pytest.raises(DomainError):
        _create(password="123")
    assert not User.objects.exists()


@pytest.mark.parametrize("role", ["tenggarong_operator", "leader", "auditor"])
def test_only_someone_who_manages_users_creates_users(request, role):
    actor = request.getfixturevalue(role)
    users_before = User.objects.count()
    with pytest.raises(PermissionDenied):
        _create(actor=actor)
    assert User.objects.count() == users_before


# -- API tokens -------------------------------------------------------------------------------


def test_only_the_digest_of_a_token_is_stored(tenggarong_operator):
    token = issue_api_token(actor=None, user=tenggarong_operator, label="aplikasi lapangan")
    stored = ApiToken.objects.get()
    assert stored.digest == token_digest(token) != token
    assert token not in {str(value) for value in ApiToken.objects.values().get().values()}
    assert (stored.prefix, stored.label, stored.user) == (
        token[:8],
        "aplikasi lapangan",
        tenggarong_operator,
    )
    event = AuditEvent.objects.get(action="api_token.issue")
    assert event.context == {"user": "op_tenggarong", "label": "aplikasi lapangan"}
    assert token not in str(event.context) + str(event.changes)


def test_a_token_gives_its_user_and_notes_when_it_was_used(tenggarong_operator):
    token = issue_api_token(actor=None, user=tenggarong_operator)
    assert user_for_token(token) == tenggarong_operator
    assert ApiToken.objects.get().last_used_at is not None


def test_a_token_used_twice_in_a_minute_is_touched_once(tenggarong_operator):
    token = issue_api_token(actor=None, user=tenggarong_operator)
    earlier = timezone.now() - dt.timedelta(seconds=30)
    ApiToken.objects.update(last_used_at=earlier)
    user_for_token(token)
    assert ApiToken.objects.get().last_used_at == earlier


def test_an_unknown_token_gives_no_user(tenggarong_operator):
    issue_api_token(actor=None, user=tenggarong_operator)
    assert user_for_token("not-a-token") is None


def test_a_revoked_token_gives_no_user(tenggarong_operator, admin_user):
    token = issue_api_token(actor=None, user=tenggarong_operator)
    revoke_api_token(actor=admin_user, token_id=ApiToken.objects.get().pk)
    assert user_for_token(token) is None
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=admin_user).count() == 1


def test_revoking_twice_writes_one_event(tenggarong_operator, admin_user):
    issue_api_token(actor=None, user=tenggarong_operator)
    token_id = ApiToken.objects.get().pk
    revoke_api_token(actor=admin_user, token_id=token_id)
    revoke_api_token(actor=admin_user, token_id=token_id)
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_the_token_of_a_deactivated_user_gives_no_user(tenggarong_operator):
    token = issue_api_token(actor=None, user=tenggarong_operator)
    User.objects.filter(pk=tenggarong_operator.pk).update(is_active=False)
    assert user_for_token(token) is None
