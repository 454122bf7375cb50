from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    hms_clinic_code = fields.Char(
        "Clinic Code",
        size=8,
        help="Short code of the clinic, printed on patient cards, tickets and labels.",
    )

    _sql_constraints = [
        (
            "hms_clinic_code_unique",
            "UNIQUE(hms_clinic_code)",
            "Two clinics cannot share the same clinic code.",
        ),
    ]
