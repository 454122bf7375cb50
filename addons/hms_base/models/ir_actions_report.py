from odoo import models

from ..tools.qr import qr_data_uri


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _get_rendering_context(self, report, docids, data):
        data = super()._get_rendering_context(report, docids, data)
        data.setdefault("hms_qr", qr_data_uri)
        return data
