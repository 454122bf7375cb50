from odoo import fields, models


class HmsPatientIdentifierType(models.Model):
    _name = "hms.patient.identifier.type"
    _description = "Patient Identifier Type"
    _order = "sequence, name"

    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "The code of an identifier type must be unique."),
    ]
