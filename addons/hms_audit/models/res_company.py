from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    hms_audit_show_staff_names = fields.Boolean(
        "Show Staff Names to Patients",
        help="In 'Who accessed my record', show the names of staff members, not only their role.",
    )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_audit_trail(self):
        self.env["hms.audit.event"]._check_not_in_trail(self, ["company_id"])
