from odoo import api, models


class ReportVisitSummary(models.AbstractModel):
    _name = "report.hms_emr.report_visit_summary"
    _description = "Visit Summary Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["hms.encounter"].browse(docids)
        # A clear refusal before rendering, for every role that may not read the visit.
        docs.check_access("read")
        return {"doc_ids": docids, "doc_model": "hms.encounter", "docs": docs, "data": data}
