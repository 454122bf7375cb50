from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class HmsAppointmentBooking(models.TransientModel):
    _name = "hms.appointment.booking"
    _description = "Find a Free Slot"

    appointment_id = fields.Many2one(
        "hms.appointment", "Appointment to Move", ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        "res.company", "Clinic", required=True, default=lambda self: self.env.company
    )
    patient_id = fields.Many2one("hms.patient", "Patient", required=True)
    appointment_type_id = fields.Many2one("hms.appointment.type", "Type", required=True)
    specialty_id = fields.Many2one("hms.specialty", "Specialty")
    practitioner_id = fields.Many2one(
        "hms.practitioner",
        "Practitioner",
        domain="[('company_ids', 'in', company_id)]",
        help="Leave empty to search every practitioner of the specialty in this clinic.",
    )
    date_from = fields.Date("From", required=True, default=fields.Date.context_today)
    date_to = fields.Date(
        "To",
        required=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=7),
    )
    source = fields.Selection([("desk", "Desk"), ("phone", "Phone")], default="desk", required=True)
    reason = fields.Char("Reason for Visit")
    slot_ids = fields.One2many("hms.appointment.booking.slot", "booking_id", "Free Slots")

    @api.onchange("specialty_id")
    def _onchange_specialty_id(self):
        if self.specialty_id and self.practitioner_id not in self.specialty_id.practitioner_ids:
            self.practitioner_id = False

    def _practitioners(self):
        if self.practitioner_id:
            return self.practitioner_id
        if not self.specialty_id:
            raise UserError(self.env._("Choose a practitioner or a specialty."))
        return self.env["hms.practitioner"].search(
            [
                ("specialty_ids", "in", self.specialty_id.id),
                ("company_ids", "in", self.company_id.id),
            ]
        )

    def action_search(self):
        """Fill in the free slots of the chosen practitioner(s) over the date range."""
        self.ensure_one()
        if self.date_to < self.date_from:
            raise UserError(self.env._("The search ends before it starts."))
        slots = self._practitioners()._hms_free_slots_between_days(
            self.date_from, self.date_to, self.appointment_type_id
        )
        self.slot_ids = [Command.clear()] + [
            Command.create({"practitioner_id": practitioner.id, "start": start, "stop": stop})
            for practitioner, start, stop in slots
        ]
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Free Slots"),
        }


class HmsAppointmentBookingSlot(models.TransientModel):
    _name = "hms.appointment.booking.slot"
    _description = "Free Slot"
    _order = "start, id"

    booking_id = fields.Many2one("hms.appointment.booking", required=True, ondelete="cascade")
    practitioner_id = fields.Many2one("hms.practitioner", required=True)
    start = fields.Datetime(required=True)
    stop = fields.Datetime(required=True)

    def action_book(self):
        """Book this slot, or move the appointment being rescheduled to it."""
        self.ensure_one()
        booking = self.booking_id
        if booking.appointment_id:
            booking.appointment_id._action_reschedule(
                self.start, self.practitioner_id, booking.reason
            )
            appointment = booking.appointment_id
        else:
            appointment = self.env["hms.appointment"].create(
                {
                    "patient_id": booking.patient_id.id,
                    "practitioner_id": self.practitioner_id.id,
                    "company_id": booking.company_id.id,
                    "appointment_type_id": booking.appointment_type_id.id,
                    "start": self.start,
                    "stop": self.stop,
                    "source": booking.source,
                    "reason": booking.reason,
                }
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "hms.appointment",
            "res_id": appointment.id,
            "view_mode": "form",
            "target": "current",
        }
