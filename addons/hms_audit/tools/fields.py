"""Field classes of the audit trail's columns."""

from odoo import fields


class BigInteger(fields.Integer):
    """An integer on a bigint column: the chain outgrows int4 in a large hospital."""

    _column_type = ("int8", "int8")


class RecordedMany2one(fields.Many2one):
    """A many2one holding a fact of the event, without a foreign key: appending an event then
    locks no user or clinic row (a key check costs a row lock per transaction). Staff and
    clinics found in the trail cannot be deleted (``_check_not_in_trail``); a patient's
    closed portal account can, and its events keep an id that no longer resolves, shown
    as empty."""

    def update_db_foreign_key(self, _model, _column):
        return

    def convert_to_record(self, value, record):
        return super().convert_to_record(value, record).exists()

    def convert_to_record_multi(self, values, records):
        return super().convert_to_record_multi(values, records).exists()
