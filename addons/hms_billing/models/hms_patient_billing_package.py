from odoo import api, fields, models


class HmsPatient(models.Model):
    _inherit = "hms.patient"

    patient_package_ids = fields.One2many(
        "hms.patient.package",
        "patient_id",
        "Packages",
        groups="hms_base.group_hms_billing_clerk",
    )
    patient_package_count = fields.Integer(
        compute="_compute_patient_package_count", groups="hms_base.group_hms_billing_clerk"
    )

    @api.depends("patient_package_ids")
    def _compute_patient_package_count(self):
        for patient in self:
            patient.patient_package_count = len(patient.patient_package_ids)

    def action_view_patient_packages(self):
        """The packages sold to this patient; a new one is sold to them."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hms_billing.hms_patient_package_action"
        )
        action["domain"] = [("patient_id", "=", self.id)]
        action["context"] = {
            "default_patient_id": self.id,
            "default_company_id": self.company_id.id,
        }
        return action
