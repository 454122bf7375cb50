from odoo import models


class HmsPatient(models.Model):
    _inherit = "hms.patient"

    def _hms_merge_move(self, destination):
        # Appointments move with their reschedule history (which points to the appointment).
        moved = super()._hms_merge_move(destination)
        return [*moved, self._hms_merge_write("hms.appointment", destination)]
