from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    hms_audit_show_staff_names = fields.Boolean(
        "Show Staff Names to Patients",
        help="In 'Who accessed my record', show the names of staff members, not only their role.",
    )
