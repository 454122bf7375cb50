from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HmsBreakGlassWizard(models.TransientModel):
    _name = "hms.break.glass.wizard"
    _description = "Break the Glass"

    patient_id = fields.Many2one("hms.patient", required=True)
    reason = fields.Text(
        required=True, help="Why this emergency access is needed; the privacy officer reviews it."
    )
    duration_hours = fields.Integer("Duration (hours)", required=True, default=4)

    @api.constrains("duration_hours")
    def _check_duration_hours(self):
        for wizard in self:
            if not 1 <= wizard.duration_hours <= 24:
                raise ValidationError(self.env._("An emergency access lasts 1 to 24 hours."))

    def action_confirm(self):
        """Grant the access, log it, and open the patient."""
        self.ensure_one()
        self.env["hms.emergency.access"]._grant(self.patient_id, self.reason, self.duration_hours)
        return {
            "type": "ir.actions.act_window",
            "res_model": "hms.patient",
            "res_id": self.patient_id.id,
            "view_mode": "form",
        }
