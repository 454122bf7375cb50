from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

REASON_MIN_LENGTH = 20


class HmsEmergencyAccess(models.Model):
    """A time-limited "break-the-glass" access of one user to one patient, with its reason.

    While it is active, the user is in the patient's care team (``care_team_user_ids``
    of ``hms.patient``), which the clinical record rules grant on.
    """

    _name = "hms.emergency.access"
    _description = "Emergency Access (Break the Glass)"
    _order = "date_start desc, id desc"
    _check_company_auto = True

    user_id = fields.Many2one(
        "res.users",
        "User",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.user,
        ondelete="restrict",
    )
    patient_id = fields.Many2one(
        "hms.patient", required=True, readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="patient_id.company_id", store=True, string="Clinic")
    reason = fields.Text(required=True, readonly=True)
    date_start = fields.Datetime(
        "Granted On", required=True, readonly=True, default=fields.Datetime.now
    )
    date_end = fields.Datetime("Expires On", required=True, readonly=True, index=True)
    is_active = fields.Boolean("Active", compute="_compute_is_active", search="_search_is_active")

    @api.depends("date_end")
    def _compute_is_active(self):
        now = fields.Datetime.now()
        for access in self:
            access.is_active = access.date_end > now

    def _search_is_active(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("Unsupported search on the access being active."))
        active = (operator == "=") == value
        return [("date_end", ">" if active else "<=", fields.Datetime.now())]

    def _compute_display_name(self):
        for access in self:
            access.display_name = f"{access.user_id.name} → {access.patient_id.display_name}"

    @api.constrains("reason")
    def _check_reason(self):
        for access in self:
            if len((access.reason or "").strip()) < REASON_MIN_LENGTH:
                raise ValidationError(
                    self.env._(
                        "Give the reason of the emergency access (at least %(count)s characters).",
                        count=REASON_MIN_LENGTH,
                    )
                )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for access in self:
            if not access.date_start < access.date_end <= access.date_start + timedelta(hours=24):
                raise ValidationError(self.env._("An emergency access lasts at most 24 hours."))

    @api.model_create_multi
    def create(self, vals_list):
        accesses = super().create(vals_list)
        accesses.patient_id._hms_care_team_changed()
        return accesses

    @api.model
    def _grant(self, patient, reason, hours):
        """Grant the current user access to ``patient`` for ``hours`` and log it."""
        now = fields.Datetime.now()
        access = self.sudo().create(
            {
                "user_id": self.env.uid,
                "patient_id": patient.id,
                "reason": reason,
                "date_start": now,
                "date_end": now + timedelta(hours=hours),
            }
        )
        self.env["hms.audit.event"]._log(
            "break_glass",
            model=patient._name,
            res_ids=patient.ids,
            patient_ids=patient.ids,
            reason=reason,
        )
        return access
