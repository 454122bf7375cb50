from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hms_portal_validation = fields.Boolean(
        related="company_id.hms_portal_validation", readonly=False
    )
    hms_reminder_hours = fields.Integer(related="company_id.hms_reminder_hours", readonly=False)
    hms_cancel_notice_hours = fields.Integer(
        related="company_id.hms_cancel_notice_hours", readonly=False
    )
    hms_queue_display_url = fields.Char(compute="_compute_hms_queue_display_url")

    def _compute_hms_queue_display_url(self):
        for settings in self:
            settings.hms_queue_display_url = settings.company_id._hms_queue_display_url()
