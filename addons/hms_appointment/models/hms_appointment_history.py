from odoo import fields, models


class HmsAppointmentHistory(models.Model):
    _name = "hms.appointment.history"
    _description = "Appointment Reschedule History"
    _inherit = ["hms.append.only.mixin"]  # each move is a new line, never an edit
    _order = "appointment_id, id desc"

    appointment_id = fields.Many2one(
        "hms.appointment", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="appointment_id.company_id", store=True)
    old_start = fields.Datetime("Previous Start", required=True, readonly=True)
    old_stop = fields.Datetime("Previous End", required=True, readonly=True)
    old_practitioner_id = fields.Many2one(
        "hms.practitioner", "Previous Practitioner", readonly=True
    )
    new_start = fields.Datetime("New Start", required=True, readonly=True)
    new_stop = fields.Datetime("New End", required=True, readonly=True)
    reason = fields.Char(readonly=True)
    user_id = fields.Many2one(
        "res.users", "Moved By", default=lambda self: self.env.user, readonly=True
    )
