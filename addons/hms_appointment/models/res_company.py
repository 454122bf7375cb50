import secrets

from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    hms_portal_validation = fields.Boolean(
        "Validate Portal Bookings",
        help="Bookings made by patients in the portal wait for a staff member to confirm them.",
    )
    hms_reminder_hours = fields.Integer(
        "Reminder Lead Time",
        default=24,
        help="How many hours before the appointment the patient receives a reminder.",
    )
    hms_cancel_notice_hours = fields.Integer(
        "Cancellation Notice",
        default=24,
        help="Patients may cancel or move an appointment in the portal until this many hours "
        "before it.",
    )
    hms_queue_token = fields.Char(
        "Waiting Room Token",
        copy=False,
        groups="base.group_system",
        help="Secret part of the address of the waiting-room display.",
    )

    _sql_constraints = [
        (
            "hms_reminder_hours_positive",
            "CHECK(hms_reminder_hours >= 0)",
            "The reminder lead time cannot be negative.",
        ),
        (
            "hms_cancel_notice_hours_positive",
            "CHECK(hms_cancel_notice_hours >= 0)",
            "The cancellation notice cannot be negative.",
        ),
    ]

    def _hms_queue_display_url(self):
        """Address of the clinic's waiting-room display; its secret token is made on first use."""
        self.ensure_one()
        company = self.sudo()
        if not company.hms_queue_token:
            company.hms_queue_token = secrets.token_urlsafe(16)
        return f"/hms/queue/{company.hms_queue_token}"
