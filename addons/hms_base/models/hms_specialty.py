from odoo import fields, models


class HmsSpecialty(models.Model):
    _name = "hms.specialty"
    _description = "Medical Specialty"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char()
    active = fields.Boolean(default=True)
    color = fields.Integer()
    practitioner_ids = fields.Many2many(
        "hms.practitioner",
        "hms_practitioner_specialty_rel",
        "specialty_id",
        "practitioner_id",
        string="Practitioners",
    )

    _sql_constraints = [
        ("name_unique", "UNIQUE(name)", "A specialty with this name already exists."),
        ("code_unique", "UNIQUE(code)", "A specialty with this code already exists."),
    ]
