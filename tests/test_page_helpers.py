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


def test_figure_cells_of_a_verification_row():
    from dataclasses import replace
    from decimal import Decimal

    from app.verify.queries import ReviewRow
    from app.verify.routes import figure_cells

    row = ReviewRow(lao_id=1, lao_code="Q1", lao_name="<x>", lao_type="sao", district_name="d", status="recorded",
                    version=1, amounts={"A": Decimal("1234.50")}, total=Decimal("1234.50"),
                    prior_total=Decimal("1000.00"), change_pct=Decimal("23.45"), warnings=[], recorder_name=None,
                    recorder_position=None, recorder_phone=None, recorded_at=None, recorded_late=False,
                    confirmed_at=None, confirmed_late=False, confirmer_name=None, return_reason=None)
    assert str(figure_cells(row, ["A", "B"])) == (
        '<td class="num c-item">1,234.50</td><td class="num c-item"></td>'
        '<td class="num fw-semibold">1,234.50</td><td class="num">1,000.00</td><td class="num pos">23.45</td>')
    fell = replace(row, change_pct=Decimal("-5.00"))
    assert '<td class="num neg">-5.00</td>' in figure_cells(fell, ["A"])
    unknown = replace(row, prior_total=None, change_pct=None)
    assert figure_cells(unknown, []).endswith('<td class="num">–</td><td class="num ">–</td>')


def test_verification_rows_escape_what_the_lao_typed_and_translate_their_labels(app):
    """The rows built in Python (verify.routes.review_table_rows) escape names, explanations and reasons, tick the
    ticked, and follow the UI language."""
    from datetime import date, datetime
    from decimal import Decimal
    from types import SimpleNamespace

    from flask_babel import force_locale

    from app.verify.queries import ItemWarning, ReviewRow
    from app.verify.routes import review_table_rows

    row = ReviewRow(lao_id=7, lao_code="Q7", lao_name="อบต.<b>ทดสอบ</b>", lao_type="SAO", district_name="A&B",
                    status="returned", version=3, amounts={"A": Decimal("1.00")}, total=Decimal("1.00"),
                    prior_total=None, change_pct=None,
                    warnings=[ItemWarning("A", "spike", "ตัวเลขสูงผิดปกติ", "<script>x</script>")],
                    recorder_name="นาย \"ก\"", recorder_position=None, recorder_phone="02<1>",
                    recorded_at=datetime(2026, 11, 21, 3, 0), recorded_late=True, confirmed_at=None,
                    confirmed_late=False, confirmer_name=None, return_reason="แก้ <ตัวเลข>",
                    extended_to=date(2026, 11, 25))
    items = [SimpleNamespace(code="A", name_th="ภาษีป้าย", name_en="Signboard tax")]
    inst = SimpleNamespace(fiscal_year_id=2570, number=1)
    with app.test_request_context("/"):
        html = str(review_table_rows([row], items, {7}, inst))
        assert "<b>" not in html and "&lt;b&gt;ทดสอบ&lt;/b&gt;" in html
        assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
        assert "A&amp;B" in html and "02&lt;1&gt;" in html and "แก้ &lt;ตัวเลข&gt;" in html
        assert 'value="7:3"' in html and " checked>" in html and 'class="ticked"' in html
        assert 'href="/entry/Q7/2570/1/view"' in html and "ภาษีป้าย:" in html
        assert 'data-testid="late-Q7"' in html and 'data-testid="extended-Q7"' in html and "ส่งกลับแก้ไข" in html
        assert str(review_table_rows([row], items, set(), inst)).count("checked") == 0
        with force_locale("en"):
            english = str(review_table_rows([row], items, set(), inst))
        assert "Signboard tax:" in english and "Returned" in english
