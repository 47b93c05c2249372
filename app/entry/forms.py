"""The installment entry form: one amount (and explanation) per revenue item plus the certification.

The form only carries the input and the CSRF token; every rule (amounts, explanations, certification,
version) is checked by operations.record_installment so the CLI and the API get the same answers.
"""

import functools

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField

from ..models import RevenueItem


def amount_field(code: str) -> str:
    """Form field name of an item's amount."""
    return f"amount_{code}"


def explain_field(code: str) -> str:
    """Form field name of an item's explanation (the operation reports its errors under the same name)."""
    return f"explain_{code}"


class EntryFormBase(FlaskForm):
    """The fields every LAO type shares: version seen and the certification (ผู้บันทึกข้อมูล)."""

    version = HiddenField()
    recorder_name = StringField(_l("ชื่อ-สกุล ผู้บันทึกข้อมูล"))
    recorder_position = StringField(_l("ตำแหน่ง"))
    recorder_phone = StringField(_l("หมายเลขโทรศัพท์"))
    certify = BooleanField(_l("ข้าพเจ้าขอรับรองว่าข้อมูลข้างต้นถูกต้องตามความเป็นจริง"))

    def amount(self, code: str):
        """The amount field of item `code`."""
        return self[amount_field(code)]

    def explanation(self, code: str):
        """The explanation field of item `code`."""
        return self[explain_field(code)]

    def field_for_error(self, name: str | None):
        """The field an operation's error names (item codes map to their amount field), or None."""
        if name is None:
            return None
        for candidate in (name, amount_field(name)):
            if candidate in self._fields:
                return self[candidate]
        return None


def entry_form(items: list[RevenueItem], **kwargs) -> EntryFormBase:
    """An entry form with one amount and one explanation field per item of the LAO's type and year."""
    return _form_class(tuple((item.code, item.name_th) for item in items))(**kwargs)


@functools.lru_cache(maxsize=256)
def _form_class(items: tuple[tuple[str, str], ...]) -> type[EntryFormBase]:
    """The form class of one list of items (code, label), made once per process: a class is only a list of
    fields, and building one costs more than rendering the page's inputs."""

    class EntryForm(EntryFormBase):
        """Amounts of this LAO type's items."""

    for code, label in items:
        setattr(EntryForm, amount_field(code), StringField(label))
        setattr(EntryForm, explain_field(code), TextAreaField(_l("คำชี้แจง")))
    return EntryForm
