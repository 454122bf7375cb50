from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hms_require_primary_diagnosis = fields.Boolean(
        related="company_id.hms_require_primary_diagnosis", readonly=False
    )
    hms_icd10_count = fields.Integer(
        "ICD-10 Codes", compute="_compute_hms_icd10_count", readonly=True
    )

    def _compute_hms_icd10_count(self):
        count = self.env["hms.icd10"].search_count([])
        for settings in self:
            settings.hms_icd10_count = count

    def action_hms_load_icd10(self):
        """Load or refresh the full ICD-10-CM catalogue (managers, from the settings)."""
        self.env["hms.icd10"].check_access("create")
        count = self.env["hms.icd10"].sudo()._load_icd10_catalogue()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%(count)s ICD-10-CM codes loaded.", count=count),
                "next": {"type": "ir.actions.client", "tag": "reload"},
            },
        }
