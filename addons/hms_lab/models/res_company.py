from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    hms_lab_critical_escalation_minutes = fields.Integer(
        "Critical Value Escalation (min)",
        default=30,
        help="A critical lab value not acknowledged by the ordering doctor within this time "
        "goes to the clinic's HMS managers.",
    )
