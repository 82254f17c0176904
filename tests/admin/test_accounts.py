"""Accounts in the admin area, as an administrator and the people whose accounts they are notice them."""

import pytest
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from models import Role, User
from models.admin import AdminAction, AdminEvent
from services import accounts, admin
from tests.admin.conftest import shown_password, sign_in
from tests.conftest import PASSWORD, csrf_token


def test_admin_creates_a_teacher_linked_to_the_roster_who_can_then_sign_in(app, client, admin_user, post_form,
                                                                           make_teacher, session):
    teacher = make_teacher()
    response = post_form("/admin/users/new", "/admin/users/new", {
        "username": "New.Teacher", "display_name": "Nia Teacher", "role": "teacher", "password": "a-good-password",
        "district": teacher.district_id, "employee_id": teacher.employee_id})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Account new.teacher" in page and f"{teacher.district_id} {teacher.employee_id}" in page

    own = app.test_client()
    assert sign_in(own, "new.teacher", "a-good-password").headers["Location"] == "/teacher/"
    dashboard = own.get("/teacher/")
    assert dashboard.status_code == 200 and teacher.name in dashboard.get_data(as_text=True)


def test_a_generated_password_is_shown_once_and_works(app, client, admin_user, post_form, session):
    response = post_form("/admin/users/new", "/admin/users/new", {"username": "fin2", "role": "finance"})
    assert response.status_code == 200
    password = shown_password(response.get_data(as_text=True))
    assert len(password) >= 16
    created = accounts.get_user_by_username(session=session, username="fin2")
    assert password not in client.get(f"/admin/users/{created.id}").get_data(as_text=True)
    assert sign_in(app.test_client(), "fin2", password).headers["Location"] == "/finance/"


def test_a_taken_name_or_roster_record_is_refused_with_a_reason(client, admin_user, post_form, make_user,
                                                                make_teacher, session):
    make_user("hr", username="taken")
    response = post_form("/admin/users/new", "/admin/users/new", {"username": "TAKEN", "role": "hr"})
    assert response.status_code == 409 and "The account name &#39;taken&#39; is taken." in response.get_data(as_text=True)

    holder = make_user("teacher")
    teacher = make_teacher(user=holder)
    response = post_form("/admin/users/new", "/admin/users/new", {
        "username": "second", "role": "teacher", "district": teacher.district_id, "employee_id": teacher.employee_id})
    assert response.status_code == 409 and f"already linked to the account {holder.username}" in response.get_data(as_text=True)
    assert accounts.get_user_by_username(session=session, username="second") is None


def test_forms_without_a_csrf_token_are_refused(client, admin_user, make_user, session):
    target = make_user("hr")
    assert client.post("/admin/users/new", data={"username": "nocsrf", "role": "admin",
                                                 "password": "a-good-password"}).status_code == 400
    assert client.post(f"/admin/users/{target.id}/deactivate").status_code == 400
    session.expire_all()
    assert accounts.get_user_by_username(session=session, username="nocsrf") is None
    assert session.get(User, target.id).active


def test_a_deactivated_account_cannot_sign_in_and_its_session_and_token_stop_working(app, client, admin_user,
                                                                                     post_form, make_user, session):
    user = make_user("finance")
    own = app.test_client()
    assert sign_in(own, user.username).status_code == 302
    _, token = accounts.create_api_token(session=session, user=user, name="sheet")
    bearer = {"Authorization": f"Bearer {token}"}
    assert own.get("/api/v1/me", headers=bearer).status_code == 200

    response = post_form(f"/admin/users/{user.id}", f"/admin/users/{user.id}/deactivate")
    assert response.status_code == 302
    assert "is deactivated" in client.get(response.headers["Location"]).get_data(as_text=True)

    assert own.get("/finance/").headers["Location"].startswith("/auth/login")  # the old session is over
    assert sign_in(app.test_client(), user.username).status_code == 401
    me = app.test_client().get("/api/v1/me", headers=bearer)
    assert me.status_code == 401 and me.mimetype == "application/problem+json"

    post_form(f"/admin/users/{user.id}", f"/admin/users/{user.id}/reactivate")
    assert sign_in(app.test_client(), user.username).status_code == 302
    # Deactivating revoked the token and ended the session: reactivating brings back neither.
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401
    assert own.get("/finance/").headers["Location"].startswith("/auth/login")


def test_a_role_change_takes_effect_on_the_next_request(app, client, admin_user, post_form, make_user):
    user = make_user("hr")
    own = app.test_client()
    sign_in(own, user.username)
    assert own.get("/hr/").status_code == 200
    response = post_form(f"/admin/users/{user.id}", f"/admin/users/{user.id}/role", {"role-role": "finance"},
                         prefix="role-")
    assert response.status_code == 302
    assert own.get("/hr/").status_code == 403
    assert own.get("/finance/").status_code == 200


@pytest.mark.parametrize("action, data, prefix", [
    ("role", {"role-role": "hr"}, "role-"),
    ("deactivate", {}, ""),
])
def test_an_admin_cannot_demote_or_deactivate_themself(client, admin_user, post_form, session, action, data, prefix):
    response = post_form(f"/admin/users/{admin_user.id}", f"/admin/users/{admin_user.id}/{action}", data, prefix=prefix)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ask another administrator" in page
    session.expire_all()
    me = session.get(User, admin_user.id)
    assert me.role == Role.admin and me.active
    assert client.get("/admin/").status_code == 200  # still signed in, still admin


def test_a_reset_password_replaces_the_old_one(app, client, admin_user, post_form, make_user):
    user = make_user("teacher")
    own = app.test_client()
    assert sign_in(own, user.username).status_code == 302
    response = post_form(f"/admin/users/{user.id}", f"/admin/users/{user.id}/password")
    assert own.get("/teacher/").headers["Location"].startswith("/auth/login")  # whoever held the old password is out
    assert response.status_code == 200
    password = shown_password(response.get_data(as_text=True))
    assert sign_in(app.test_client(), user.username, PASSWORD).status_code == 401
    assert sign_in(app.test_client(), user.username, password).status_code == 302


def test_linking_a_teacher_account_to_its_roster_record(app, client, admin_user, post_form, make_user, make_teacher,
                                                       session):
    user = make_user("teacher")
    teacher = make_teacher()
    response = post_form(f"/admin/users/{user.id}", f"/admin/users/{user.id}/teacher",
                         {"link-district": teacher.district_id, "link-employee_id": teacher.employee_id}, prefix="link-")
    assert response.status_code == 302
    own = app.test_client()
    sign_in(own, user.username)
    assert teacher.name in own.get("/teacher/").get_data(as_text=True)

    missing = post_form(f"/admin/users/{user.id}", f"/admin/users/{user.id}/teacher",
                        {"link-district": teacher.district_id, "link-employee_id": "NOPE"}, prefix="link-")
    assert "No teacher with employee id &#39;NOPE&#39;" in client.get(missing.headers["Location"]).get_data(as_text=True)


def test_the_account_list_filters_by_role_and_name(client, admin_user, make_user):
    make_user("hr", username="harriet")
    make_user("finance", username="fiona")
    by_role = client.get("/admin/users?role=hr").get_data(as_text=True)
    assert "harriet" in by_role and "fiona" not in by_role
    by_name = client.get("/admin/users?q=FIO").get_data(as_text=True)
    assert "fiona" in by_name and "harriet" not in by_name
    assert "Fiona" in client.get("/admin/users?role=finance&q=fio").get_data(as_text=True)  # display name shown
    assert client.get("/admin/users?role=nonsense").status_code == 200  # an unknown role lists everyone


def test_every_admin_action_is_recorded_and_shown_on_the_admin_index(client, admin_user, post_form, make_user, session):
    user = make_user("hr")
    post_form("/admin/users/new", "/admin/users/new", {"username": "recorded", "role": "finance",
                                                       "password": "a-good-password"})
    post_form(f"/admin/users/{user.id}", f"/admin/users/{user.id}/role", {"role-role": "finance"}, prefix="role-")
    post_form(f"/admin/users/{user.id}", f"/admin/users/{user.id}/password")
    post_form(f"/admin/users/{user.id}", f"/admin/users/{user.id}/deactivate")
    events = session.exec(select(AdminEvent).order_by(AdminEvent.id)).all()
    assert [e.action for e in events] == [AdminAction.user_created, AdminAction.role_changed,
                                          AdminAction.password_reset, AdminAction.deactivated]
    assert {e.actor_username for e in events} == {admin_user.username}
    assert events[1].detail == "hr → finance" and events[1].target_username == user.username

    index = client.get("/admin/").get_data(as_text=True)
    for label in ("created the account", "changed the role", "reset the password", "deactivated the account"):
        assert label in index
    assert "recorded" in index and "hr → finance" in index


def test_the_record_is_append_only_in_the_database(session, make_user):
    actor = make_user("admin")
    target = make_user("hr")
    admin.reset_password(session=session, actor=actor, user=target)
    event = session.exec(select(AdminEvent)).one()
    event.detail = "rewritten"
    session.add(event)
    with pytest.raises(DBAPIError):
        session.commit()
    session.rollback()
    session.delete(session.exec(select(AdminEvent)).one())
    with pytest.raises(DBAPIError):
        session.commit()
    session.rollback()


def test_non_admins_cannot_act_on_accounts(app, make_user, session):
    target = make_user("finance")
    for role in ("teacher", "hr", "finance"):
        other = app.test_client()
        sign_in(other, make_user(role).username)
        token = csrf_token(other, "/auth/account")
        assert other.post(f"/admin/users/{target.id}/deactivate", data={"csrf_token": token}).status_code == 403
    anonymous = app.test_client()
    response = anonymous.post(f"/admin/users/{target.id}/deactivate",
                              data={"csrf_token": csrf_token(anonymous, "/auth/login")})
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    session.expire_all()
    assert session.get(User, target.id).active
