from odoo import api, fields, models
from odoo.exceptions import UserError


class HmsPatientMerge(models.TransientModel):
    """Merge duplicate patients into one: every reference moves, the others are archived."""

    _name = "hms.patient.merge"
    _description = "Merge Patients"

    patient_ids = fields.Many2many("hms.patient", string="Patients", required=True)
    dst_patient_id = fields.Many2one(
        "hms.patient",
        "Keep",
        required=True,
        domain="[('id', 'in', patient_ids)]",
        help="The record that stays; the others are archived and point to it.",
    )
    reason = fields.Char(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "hms.patient":
            patients = self.env["hms.patient"].browse(self.env.context.get("active_ids"))
            values["patient_ids"] = [fields.Command.set(patients.ids)]
            values["dst_patient_id"] = patients.sorted("id")[:1].id
        return values

    def action_merge(self):
        """Move every reference of the merged patients to the kept one, then archive them."""
        self.ensure_one()
        destination = self.dst_patient_id
        sources = self.patient_ids - destination
        if not sources or destination not in self.patient_ids:
            raise UserError(self.env._("Choose at least two patients and the one to keep."))
        if (sources.company_id | destination.company_id) != destination.company_id:
            raise UserError(self.env._("Only patients of the same clinic can be merged."))
        sources._hms_merge(destination, self.reason)
        return {
            "type": "ir.actions.act_window",
            "res_model": "hms.patient",
            "res_id": destination.id,
            "view_mode": "form",
        }
