import pytest

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


def test_login_page_shows_the_form_and_the_language_switch(client, regions):
    response = client.get(LOGIN_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in html and 'name="password"' in html
    assert 'action="/i18n/setlang/"' in html
    assert "Kabupaten Kutai Kartanegara" in html


def test_correct_username_and_password_sign_in_and_lead_home(client, admin_user):
    response = client.post(LOGIN_URL, {"username": "admin", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(admin_user.pk)


def test_wrong_password_shows_an_error_and_signs_nobody_in(client, admin_user):
    response = client.post(LOGIN_URL, {"username": "admin", "password": "salah"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'class="alert alert-error"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_returns_to_the_page_asked_for(client, auditor):
    response = client.post(
        f"{LOGIN_URL}?next=/audit/",
        {"username": "inspektorat", "password": PASSWORD, "next": "/audit/"},
    )
    assert response["Location"] == "/audit/"


def test_signed_in_user_opening_the_login_page_goes_home(client, admin_user):
    client.force_login(admin_user)
    response = client.get(LOGIN_URL)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_logout_needs_a_post_and_ends_the_session(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert "_auth_user_id" not in client.session


def test_pages_ask_an_anonymous_visitor_to_sign_in(client, regions):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/"
