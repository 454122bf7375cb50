from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    hms_clinic_code = fields.Char(
        "Clinic Code",
        size=8,
        help="Short code of the clinic, printed on patient cards, tickets and labels.",
    )

    hms_session_idle_minutes = fields.Integer(
        "Staff Idle Logoff (min)",
        default=30,
        help="A staff session ends after this many minutes without any request (automatic "
        "logoff); a user of several clinics gets the shortest.",
    )

    _sql_constraints = [
        (
            "hms_clinic_code_unique",
            "UNIQUE(hms_clinic_code)",
            "Two clinics cannot share the same clinic code.",
        ),
    ]

    @api.constrains("hms_session_idle_minutes")
    def _check_hms_session_idle_minutes(self):
        for company in self:
            if not 1 <= company.hms_session_idle_minutes <= 24 * 60:
                raise ValidationError(
                    self.env._(
                        "The automatic logoff of %(clinic)s comes after 1 to 1440 minutes "
                        "without activity.",
                        clinic=company.name,
                    )
                )
