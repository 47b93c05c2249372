"""Forms of the admin area: fiscal years, LAOs, accounts, uploads."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from ..domain import vocabulary
from ..domain.workflow import ROLE_LABELS, Role
from ..web import BuddhistDateField, BuddhistYearWindow

SCHEDULE_LABELS = {
    "monthly": _l("รายเดือน (12 งวด)"),
    "dla2560": _l("ตามหนังสือเวียนปี 2560 (8 งวด: ต.ค.–ก.พ. แล้วรายเดือน)"),
    "annual": _l("รายปี (1 งวด: ข้อมูลทั้งปี)"),
}
LAO_TYPE_LABELS = {t: _l(label) for t, label in vocabulary.LAO_TYPE_LABELS.items()}
CLASS_LABELS = {c: _l(label) for c, label in vocabulary.CLASS_LABELS.items()}
SHA256_RE = r"^[0-9a-f]{64}$"


def options(pairs) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class YearCreateForm(FlaskForm):
    """A new fiscal year and its installment schedule."""

    year = IntegerField(_l("ปีงบประมาณ (พ.ศ.)"), validators=[InputRequired(_l("กรุณาระบุปีงบประมาณ")),
                                                              NumberRange(2500, 2700, _l("ปี พ.ศ. ไม่ถูกต้อง"))])
    schedule = SelectField(_l("รูปแบบงวด"), choices=options(SCHEDULE_LABELS.items()), default="monthly")
    submit = SubmitField(_l("สร้างปีงบประมาณ"))


class ScheduleForm(FlaskForm):
    """The installment schedule of an existing year."""

    schedule = SelectField(_l("รูปแบบงวด"), choices=options(SCHEDULE_LABELS.items()))
    submit = SubmitField(_l("เปลี่ยนรูปแบบงวด"))


class DeadlineRow(Form):
    """The two deadlines of one installment."""

    entry_deadline = BuddhistDateField(_l("กำหนดบันทึก"), validators=[InputRequired(_l("กรุณาระบุวันที่"))])
    confirm_deadline = BuddhistDateField(_l("กำหนดยืนยัน"), validators=[InputRequired(_l("กรุณาระบุวันที่"))])


class DeadlinesForm(FlaskForm):
    """Deadlines of every installment of a year, in installment order."""

    rows = FieldList(FormField(DeadlineRow))
    reminder_days = IntegerField(_l("เตือน อปท. ล่วงหน้าก่อนกำหนดบันทึก (วัน)"), validators=[
        Optional(), NumberRange(0, 60, _l("ระบุได้ 0 ถึง 60 วัน"))])
    submit = SubmitField(_l("บันทึกกำหนดเวลา"))

    def rows_for(self, installments) -> list:
        """(installment, row) pairs, one per installment: a post with fewer rows (a stale or tampered page) is
        filled up with the stored deadlines, one with more is cut, so the page always shows every installment."""
        del self.rows.entries[len(installments):]
        while len(self.rows.entries) < len(installments):
            inst = installments[len(self.rows.entries)]
            self.rows.append_entry({"entry_deadline": inst.entry_deadline, "confirm_deadline": inst.confirm_deadline})
        return list(zip(installments, self.rows.entries))


class HolidayForm(FlaskForm):
    """A public holiday to add: its date (B.E.) and name."""

    day = BuddhistDateField(_l("วันที่"), validators=[Optional(), BuddhistYearWindow()])
    name = StringField(_l("ชื่อวันหยุด"), render_kw={"maxlength": 200})
    submit = SubmitField(_l("เพิ่มวันหยุด"))


class HolidayRemoveForm(FlaskForm):
    """The holiday to remove (its date, B.E., in a hidden input of its row)."""

    day = BuddhistDateField(validators=[Optional(), BuddhistYearWindow()])


class AuditDatesForm(Form):
    """The audit viewer's date filter (a GET form, no CSRF): B.E. days from 2500 to next year."""

    date_from = BuddhistDateField(_l("ตั้งแต่"), validators=[Optional(), BuddhistYearWindow()])
    date_to = BuddhistDateField(_l("ถึง"), validators=[Optional(), BuddhistYearWindow()])


class RoundRow(Form):
    """One evaluation round; a blank row is ignored."""

    name = StringField(_l("ชื่อรอบ"), validators=[Optional(), Length(max=100)])
    last_installment = IntegerField(_l("ถึงงวดที่"), validators=[Optional()])


class RoundsForm(FlaskForm):
    """The evaluation rounds of a year."""

    rows = FieldList(FormField(RoundRow))
    submit = SubmitField(_l("บันทึกรอบการประเมิน"))


class ItemsForm(FlaskForm):
    """Which revenue items each LAO type collects in a year: checkboxes named item_<code>_<type>."""

    submit = SubmitField(_l("บันทึกรายการรายได้"))


def items_form_class(keys: list[tuple[str, str]]) -> type[ItemsForm]:
    """An ItemsForm subclass with one checkbox per (item code, LAO type)."""
    fields = {f"item_{code}_{lao_type}": BooleanField(default=False) for code, lao_type in keys}
    return type("ItemsMatrixForm", (ItemsForm,), fields)


class LaoForm(FlaskForm):
    """An LAO of the register (the code is fixed once created)."""

    code = StringField(_l("รหัส อปท."), validators=[DataRequired(_l("กรุณาระบุรหัส อปท.")), Length(max=20)])
    name_th = StringField(_l("ชื่อภาษาไทย"), validators=[DataRequired(_l("กรุณาระบุชื่อภาษาไทย")), Length(max=200)])
    name_en = StringField(_l("ชื่อภาษาอังกฤษ"), validators=[Optional(), Length(max=200)])
    lao_type = SelectField(_l("ประเภท"), choices=options(LAO_TYPE_LABELS.items()))
    municipality_class = SelectField(_l("ขนาดเทศบาล"), choices=options([("", "–"), *CLASS_LABELS.items()]),
                                     default="", validators=[Optional()])
    province = SelectField(_l("จังหวัด"), validators=[DataRequired(_l("กรุณาเลือกจังหวัด"))])
    district = SelectField(_l("อำเภอ"), validators=[DataRequired(_l("กรุณาเลือกอำเภอ"))])
    submit = SubmitField(_l("บันทึก"))


class ButtonForm(FlaskForm):
    """A button that posts (CSRF only): deactivate, enable, reset ..."""


class UploadForm(FlaskForm):
    """An LAO register file to check."""

    file = FileField(_l("แฟ้มข้อมูล (.csv หรือ .xlsx)"), validators=[
        FileRequired(_l("กรุณาเลือกแฟ้ม")), FileAllowed(["csv", "xlsx"], _l("รับเฉพาะแฟ้ม .csv หรือ .xlsx"))])
    submit = SubmitField(_l("ตรวจสอบแฟ้ม (ยังไม่บันทึก)"))


class FiguresUploadForm(UploadForm):
    """A figures file to check: baseline year or installment entries."""

    kind = RadioField(_l("ชนิดข้อมูล"), default="entries", choices=options([
        ("entries", _l("ข้อมูลรายงวด (fiscal_year, lao_code, installment, item_code, amount)")),
        ("baseline", _l("ข้อมูลฐานทั้งปีของปีที่ผ่านมา (fiscal_year, lao_code, item_code, amount)")),
    ]))
    confirm = BooleanField(_l("บันทึกเป็นข้อมูลที่ยืนยันแล้ว (ข้อมูลรายงวด)"))


class ApplyImportForm(FlaskForm):
    """Apply a checked file kept on the server: names it by its SHA-256, never carries its data."""

    sha256 = HiddenField(validators=[DataRequired(), Regexp(SHA256_RE)])
    filename = HiddenField(validators=[DataRequired(), Length(max=200)])
    kind = HiddenField()
    confirm = HiddenField()
    submit = SubmitField(_l("นำเข้าจริง"))


ROLE_CHOICES = [SelectChoice(r.value, _l(ROLE_LABELS[r])) for r in Role]


class UserForm(FlaskForm):
    """An account: username (fixed once created), person, role and scope."""

    username = StringField(_l("ชื่อผู้ใช้"), validators=[DataRequired(_l("กรุณาระบุชื่อผู้ใช้")), Length(max=80)])
    full_name = StringField(_l("ชื่อ-นามสกุล"), validators=[Optional(), Length(max=200)])
    position = StringField(_l("ตำแหน่ง"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("โทรศัพท์"), validators=[Optional(), Length(max=50)])
    role = SelectField(_l("บทบาท"), choices=ROLE_CHOICES)
    lao_code = StringField(_l("รหัส อปท. (เจ้าหน้าที่ อปท.)"), validators=[Optional(), Length(max=20)])
    province = SelectField(_l("จังหวัด (ผู้ตรวจสอบ สถจ.)"), validators=[Optional()])
    submit = SubmitField(_l("บันทึก"))


class BulkAccountsForm(FlaskForm):
    """Bulk LAO-officer accounts for a province, or every province."""

    province = SelectField(_l("จังหวัด"), validators=[Optional()])
    submit = SubmitField(_l("สร้างบัญชีและดาวน์โหลดแฟ้มรหัสผ่าน"))
