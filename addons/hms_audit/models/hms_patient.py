from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class HmsPatient(models.Model):
    _inherit = "hms.patient"

    emergency_access_user_ids = fields.Many2many(
        "res.users",
        string="Emergency Access",
        compute="_compute_emergency_access_user_ids",
        search="_search_emergency_access_user_ids",
        help="Users who broke the glass for this patient and whose access has not expired.",
    )

    def _compute_emergency_access_user_ids(self):
        grants = (
            self.env["hms.emergency.access"]
            .sudo()
            .search([("patient_id", "in", self.ids), ("is_active", "=", True)])
        )
        for patient in self:
            patient.emergency_access_user_ids = grants.filtered(
                lambda g, p=patient: g.patient_id == p
            ).user_id

    def _search_emergency_access_user_ids(self, operator, value):
        if operator not in ("in", "="):
            raise UserError(self.env._("Search emergency access by user with 'is in' only."))
        user_ids = [value] if isinstance(value, int) else list(value)
        return [
            (
                "id",
                "in",
                SQL(
                    "(SELECT patient_id FROM hms_emergency_access"
                    " WHERE user_id = ANY(%s) AND date_end > %s)",
                    user_ids,
                    fields.Datetime.now(),
                ),
            )
        ]

    def _hms_care_team_sources(self):
        # Breaking the glass puts the user in the care team until the access expires.
        return [
            *super()._hms_care_team_sources(),
            ("hms.emergency.access", "user_id", [("is_active", "=", True)]),
        ]

    def _hms_merge(self, destination, reason):
        # One event for the whole merge, not one per moved record.
        with self.env["hms.audit.event"]._as_one_event():
            moved = super()._hms_merge(destination, reason)
        patients = self | destination
        self.env["hms.audit.event"]._log(
            "merge",
            model=self._name,
            res_ids=patients.ids,
            patient_ids=patients.ids,
            reason=reason,
        )
        return moved
