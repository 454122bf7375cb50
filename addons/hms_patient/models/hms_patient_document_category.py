from odoo import fields, models


class HmsPatientDocumentCategory(models.Model):
    _name = "hms.patient.document.category"
    _description = "Patient Document Category"
    _order = "sequence, name"

    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
