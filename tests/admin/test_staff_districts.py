"""An administrator sets the districts an HR or finance account works for; the account's next page follows, and
every change is in the admin record."""

import re

from sqlmodel import select

from models.admin import AdminAction, AdminEvent
from services import accounts
from tests.admin.conftest import sign_in

A, B = "cedar-valley", "prairie-ridge"


def test_an_admin_gives_an_hr_account_a_district_and_its_next_page_shows_that_district_only(
        app, client, admin_user, post_form, make_user, make_teacher, session):
    officer = make_user("hr", districts=[])
    in_a, in_b = make_teacher(district_id=A), make_teacher(district_id=B)
    own = app.test_client()
    sign_in(own, officer.username)
    assert in_a.name not in own.get("/hr/teachers").get_data(as_text=True)
    assert own.get(f"/hr/teachers/{in_a.id}").status_code == 404

    response = post_form(f"/admin/users/{officer.id}", f"/admin/users/{officer.id}/districts",
                         {"districts-districts": [A]}, prefix="districts-")
    assert response.status_code == 302
    assert "works for Cedar Valley" in client.get(response.headers["Location"]).get_data(as_text=True)
    roster = own.get("/hr/teachers").get_data(as_text=True)  # the same sign-in, its next request
    assert in_a.name in roster and in_b.name not in roster
    assert own.get(f"/hr/teachers/{in_a.id}").status_code == 200
    assert own.get(f"/hr/teachers/{in_b.id}").status_code == 404

    # Moved to district B: A's teacher is gone from the same sign-in at once.
    post_form(f"/admin/users/{officer.id}", f"/admin/users/{officer.id}/districts",
              {"districts-districts": [B]}, prefix="districts-")
    assert own.get(f"/hr/teachers/{in_a.id}").status_code == 404
    assert own.get(f"/hr/teachers/{in_b.id}").status_code == 200

    events = session.exec(select(AdminEvent).where(AdminEvent.action == AdminAction.districts_changed)
                          .order_by(AdminEvent.id)).all()
    assert [(e.target_username, e.detail, e.actor_username) for e in events] == [
        (officer.username, f"none → {A}", admin_user.username), (officer.username, f"{A} → {B}", admin_user.username)]
    assert "changed the districts" in client.get("/admin/").get_data(as_text=True)


def test_the_account_list_and_page_show_each_staff_account_s_districts(client, admin_user, make_user, districts):
    both = make_user("finance", username="fin-both", districts=[A, B])
    make_user("hr", username="hr-none", districts=[])
    listing = client.get("/admin/users?role=finance").get_data(as_text=True)
    row = listing[listing.index("fin-both"):].split("</tr>")[0]
    assert districts[A].district.name in row and districts[B].district.name in row
    row = client.get("/admin/users?role=hr").get_data(as_text=True).split("hr-none")[1].split("</tr>")[0]
    assert "<td>none</td>" in row
    page = client.get(f"/admin/users/{both.id}").get_data(as_text=True)
    assert re.findall(r'<input checked id="districts-districts-\d+" name="districts-districts" type="checkbox" '
                      r'value="([^"]+)"', page) == [A, B]


def test_a_new_hr_account_is_created_with_its_districts(client, admin_user, post_form, session):
    response = post_form("/admin/users/new", "/admin/users/new", {
        "username": "new-hr", "role": "hr", "password": "a-good-password", "districts": [A, B]})
    assert response.status_code == 302
    created = accounts.get_user_by_username(session=session, username="new-hr")
    assert accounts.user_districts(session=session, user_id=created.id) == [A, B]
    event = session.exec(select(AdminEvent).where(AdminEvent.target_user_id == created.id)).one()
    assert event.action == AdminAction.user_created and event.detail == f"role hr; districts {A}, {B}"


def test_districts_are_refused_for_teachers_and_administrators_and_unknown_ones_for_anyone(
        client, admin_user, post_form, make_user, session):
    teacher = make_user("teacher")
    response = post_form(f"/admin/users/{teacher.id}", f"/admin/users/{teacher.id}/districts",
                         {"districts-districts": [A]}, prefix="districts-")
    assert "Only HR and finance accounts belong to districts" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    response = post_form("/admin/users/new", "/admin/users/new", {
        "username": "new-admin", "role": "admin", "password": "a-good-password", "districts": [A]})
    assert response.status_code == 409 and accounts.get_user_by_username(session=session, username="new-admin") is None

    officer = make_user("hr", districts=[A])
    response = post_form(f"/admin/users/{officer.id}", f"/admin/users/{officer.id}/districts",
                         {"districts-districts": [A, "atlantis"]}, prefix="districts-")
    assert response.status_code == 400 and "not a valid choice" in response.get_data(as_text=True)
    assert accounts.user_districts(session=session, user_id=teacher.id) == []
    assert accounts.user_districts(session=session, user_id=officer.id) == [A]
    assert not session.exec(select(AdminEvent).where(AdminEvent.action == AdminAction.districts_changed)).all()


def test_create_user_on_the_command_line_gives_districts(runner, session):
    result = runner.invoke(args=["create-user", "payroll-clerk", "--role", "hr", "--district", A,
                                 "--password", "a-good-password"])
    assert result.exit_code == 0 and f"districts {A}" in result.output
    clerk = accounts.get_user_by_username(session=session, username="payroll-clerk")
    assert accounts.user_districts(session=session, user_id=clerk.id) == [A]
    typo = runner.invoke(args=["create-user", "typo", "--role", "hr", "--district", "cedar-vally",
                               "--password", "a-good-password"])
    assert typo.exit_code != 0 and "no district 'cedar-vally'" in typo.output
    assert accounts.get_user_by_username(session=session, username="typo") is None
