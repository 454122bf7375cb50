import secrets
from datetime import timedelta

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
    hms_booking_notice_hours = fields.Integer(
        "Minimum Booking Notice",
        default=2,
        help="Patients book online no sooner than this many hours ahead.",
    )
    hms_queue_token = fields.Char(
        "Waiting Room Token",
        copy=False,
        default=lambda self: self._hms_new_queue_token(),
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
        (
            "hms_booking_notice_hours_positive",
            "CHECK(hms_booking_notice_hours >= 0)",
            "The minimum booking notice cannot be negative.",
        ),
    ]

    def _hms_portal_earliest_start(self):
        """The earliest start a patient may book online: now plus the clinic's notice."""
        self.ensure_one()
        return fields.Datetime.now() + timedelta(hours=self.hms_booking_notice_hours)

    def _hms_can_send_sms(self):
        """Whether the clinic has an SMS provider: a registered SMS account of Odoo's IAP."""
        self.ensure_one()
        return bool(
            self.env["iap.account"]
            .sudo()
            .search_count(
                [
                    ("service_name", "=", "sms"),
                    ("state", "=", "registered"),
                    "|",
                    ("company_ids", "in", self.ids),
                    ("company_ids", "=", False),
                ],
                limit=1,
            )
        )

    def _hms_new_queue_token(self):
        return secrets.token_urlsafe(16)

    def _hms_queue_display_url(self):
        """Address of the clinic's waiting-room display; a read (the clinic has its token)."""
        self.ensure_one()
        token = self.sudo().hms_queue_token
        return f"/hms/queue/{token}" if token else False
