from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hms_portal_validation = fields.Boolean(
        related="company_id.hms_portal_validation", readonly=False
    )
    hms_reminder_hours = fields.Integer(related="company_id.hms_reminder_hours", readonly=False)
    hms_cancel_notice_hours = fields.Integer(
        related="company_id.hms_cancel_notice_hours", readonly=False
    )
    hms_booking_notice_hours = fields.Integer(
        related="company_id.hms_booking_notice_hours", readonly=False
    )
    hms_queue_display_url = fields.Char(compute="_compute_hms_queue_display_url")
    hms_can_send_sms = fields.Boolean("SMS Provider Set Up", compute="_compute_hms_can_send_sms")

    @api.depends("company_id")
    def _compute_hms_queue_display_url(self):
        # A read only: opening Settings must not write to the clinic.
        for settings in self:
            settings.hms_queue_display_url = settings.company_id._hms_queue_display_url()

    @api.depends("company_id")
    def _compute_hms_can_send_sms(self):
        for settings in self:
            settings.hms_can_send_sms = settings.company_id._hms_can_send_sms()

    def set_values(self):
        super().set_values()
        # A clinic made before the waiting-room display existed gets its token on Save.
        company = self.company_id.sudo()
        if not company.hms_queue_token:
            company.hms_queue_token = company._hms_new_queue_token()
