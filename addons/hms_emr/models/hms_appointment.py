from odoo import api, fields, models
from odoo.exceptions import AccessError

from .hms_encounter import CLINICAL, DOCTOR


class HmsAppointment(models.Model):
    _inherit = "hms.appointment"

    encounter_ids = fields.One2many("hms.encounter", "appointment_id", "Encounter", groups=CLINICAL)
    has_encounter = fields.Boolean(compute="_compute_has_encounter", compute_sudo=True)

    @api.model_create_multi
    def create(self, vals_list):
        appointments = super().create(vals_list)
        appointments.patient_id._hms_care_team_changed()
        return appointments

    def write(self, vals):
        patients = self.patient_id
        result = super().write(vals)
        if {"patient_id", "practitioner_id", "state"} & vals.keys():
            (patients | self.patient_id)._hms_care_team_changed()
        return result

    @api.depends("encounter_ids")
    def _compute_has_encounter(self):
        for appointment in self:
            appointment.has_encounter = bool(appointment.encounter_ids)

    def action_start_encounter(self):
        """Start the consultation of a checked-in patient and open its encounter.

        A patient already called in (``action_call_next``, "Call In") gets the encounter
        of the consultation under way.
        """
        self.ensure_one()
        if not self.env.user.has_group(DOCTOR):
            raise AccessError(self.env._("Only a doctor starts a consultation."))
        if self.state != "in_consultation" or self.has_encounter:
            self.action_start_consultation()
        encounter = self.env["hms.encounter"].create(
            {"appointment_id": self.id, "chief_complaint": self.reason}
        )
        return encounter._hms_form_action()

    def action_hms_open_encounter(self):
        """The encounter of this appointment."""
        self.ensure_one()
        return self.encounter_ids[:1]._hms_form_action()
