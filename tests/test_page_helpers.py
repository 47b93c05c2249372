"""The helpers that keep pages lean: memoised chrome URLs, one url_for per row of links, templates' one-call gettext."""

from flask import url_for

from app.web import URL_MEMO_SIZE, page_url, url_maker


def test_url_maker_gives_what_url_for_gives(app):
    with app.test_request_context("/"):
        make = url_maker("entry.edit", "number", lao_code="Q00001", year=2570)
        for number in (1, 7, 12):
            assert make(number=number) == url_for("entry.edit", lao_code="Q00001", year=2570, number=number)
        # a string path value is quoted as url_for quotes it
        by_lao = url_maker("entry.edit", "lao_code", year=2570, number=3)
        assert by_lao(lao_code="ก ข") == url_for("entry.edit", lao_code="ก ข", year=2570, number=3)
        assert by_lao(lao_code="Q00002") == "/entry/Q00002/2570/3"


def test_page_url_equals_url_for_and_follows_the_site_root(app):
    with app.test_request_context("/"):
        assert page_url("static", filename="css/app.css") == url_for("static", filename="css/app.css")
        assert "v=" in page_url("static", filename="css/app.css")  # the fingerprint rides along
        assert page_url("main.set_text_size", size=2) == "/textsize/2"
    # behind a reverse proxy under a prefix the memo must not hand out the root's URLs
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": "/revenue"}):
        assert page_url("main.set_text_size", size=2) == "/revenue/textsize/2"


def test_page_url_memo_stays_bounded(app):
    with app.test_request_context("/"):
        for i in range(URL_MEMO_SIZE + 50):
            assert page_url("main.set_text_size", size=i) == f"/textsize/{i}"
        assert len(app.extensions["page_urls"]) <= URL_MEMO_SIZE


def test_template_gettext_escapes_variables_and_formats(app):
    with app.test_request_context("/"):
        html = app.jinja_env.from_string('{{ _("เหตุผล: %(reason)s", reason=r) }}|{{ _("100%%") }}',
                                         ).render(r="<b>x</b>")
        assert html == "เหตุผล: &lt;b&gt;x&lt;/b&gt;|100%"
        text = app.jinja_env.from_string('{% autoescape false %}{{ _("เหตุผล: %(reason)s", reason=r) }}'
                                         '{% endautoescape %}').render(r="<b>")
        assert text == "เหตุผล: <b>"


def test_template_gettext_follows_the_language(client):
    assert "· ระบบติดตามรายได้ อปท.</title>" in client.get("/login").get_data(as_text=True)
    client.get("/lang/en")
    assert "· LAO Revenue Tracker</title>" in client.get("/login").get_data(as_text=True)
