from odoo import fields, models


class HmsAppointmentCancel(models.TransientModel):
    _name = "hms.appointment.cancel"
    _description = "Cancel an Appointment"

    appointment_id = fields.Many2one("hms.appointment", required=True, ondelete="cascade")
    reason = fields.Text(required=True)

    def action_cancel(self):
        self.ensure_one()
        self.appointment_id._action_cancel(self.reason)
        return {"type": "ir.actions.act_window_close"}
