from odoo import models


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _get_rendering_context(self, report, docids, data):
        # Every QWeb rendering (HTML, PDF, text) goes through here: one "print" event per
        # transaction and model, whoever renders (a PDF mailed by the system is a print too).
        if report.model and docids:
            records = self.env[report.model].browse(docids)
            if records._hms_audit_rule() is not None:
                records._hms_audit("print", reason=report.report_name)
        return super()._get_rendering_context(report, docids, data)
