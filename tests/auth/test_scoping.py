"""Scoped loaders: each role reaches only what it may, and anything else is 404/403."""

import pytest
from werkzeug.exceptions import Forbidden, NotFound

from app import db
from app.auth.loaders import can_see_lao, lao_or_404, province_or_404, roles_required
from app.domain.workflow import Role
from tests import factories as f


@pytest.fixture
def world(ctx):
    """Two provinces, LAOs in each, and one user of every role."""
    own = f.lao("SAO", "50", code="OWN")
    neighbour = f.lao("MUNICIPALITY", "50", code="NEIGHBOUR")
    far = f.lao("SAO", "57", code="FAR")
    users = {
        "officer": f.user("officer", "lao_officer", lao_obj=own),
        "verifier": f.user("verifier", "province_verifier", province_obj=f.province("50")),
        "national": f.user("national", "national_viewer"),
        "admin": f.user("admin", "admin"),
    }
    db.session.commit()
    return users, {"own": own, "neighbour": neighbour, "far": far}


@pytest.mark.parametrize(
    "role, visible",
    [
        ("officer", {"OWN"}),
        ("verifier", {"OWN", "NEIGHBOUR"}),
        ("national", {"OWN", "NEIGHBOUR", "FAR"}),
        ("admin", {"OWN", "NEIGHBOUR", "FAR"}),
    ],
)
def test_lao_or_404_by_role(world, app, role, visible):
    users, laos = world
    user = users[role]
    for code in ("OWN", "NEIGHBOUR", "FAR", "MISSING"):
        if code in visible:
            assert lao_or_404(code, user).code == code
            assert can_see_lao(user, laos[code.lower()])
        else:
            with pytest.raises(NotFound):
                lao_or_404(code, user)


def test_province_or_404(world):
    users, _ = world
    assert province_or_404("50", users["verifier"]).code == "50"
    with pytest.raises(NotFound):
        province_or_404("57", users["verifier"])
    with pytest.raises(NotFound):
        province_or_404("57", users["officer"])
    assert province_or_404("57", users["national"]).code == "57"
    with pytest.raises(NotFound):
        province_or_404("99", users["admin"])


def test_roles_required_returns_403(app, world):
    users, _ = world
    from flask_login import login_user

    @roles_required(Role.ADMIN)
    def view():
        return "ok"

    with app.test_request_context():
        login_user(users["verifier"])
        with pytest.raises(Forbidden):
            view()
        login_user(users["admin"])
        assert view() == "ok"


AREAS = {"/entry/": {"officer"}, "/verify/": {"verifier", "admin"},
         "/reports/": {"verifier", "national", "admin"}, "/admin/": {"admin"}}


@pytest.mark.parametrize("role", ["officer", "verifier", "national", "admin"])
def test_area_pages_by_role(app, world, role):
    from tests.conftest import login

    client = app.test_client()
    assert login(client, role).status_code == 302
    for url, allowed in AREAS.items():
        status = client.get(url, follow_redirects=True).status_code
        assert status == (200 if role in allowed else 403), (url, status)


def test_anonymous_is_sent_to_login(client, app):
    for url in AREAS:
        resp = client.get(url)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]
