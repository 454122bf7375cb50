from odoo import models

from .hms_audit_rule import EXTRA_MODELS


class IrModel(models.Model):
    _inherit = "ir.model"

    def _reflect_models(self, model_names):
        # At the install or upgrade of an addon: its HMS models get their audit rule.
        super()._reflect_models(model_names)
        if any(name.startswith("hms.") or name in EXTRA_MODELS for name in model_names):
            self.env["hms.audit.rule"]._sync_default_rules()
