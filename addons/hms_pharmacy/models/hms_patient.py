from odoo import models


class HmsPatient(models.Model):
    _inherit = "hms.patient"

    def _hms_chart_sources(self):
        return [*super()._hms_chart_sources(), self._hms_chart_prescriptions]

    def _hms_chart_prescriptions(self, limit):
        """Issued prescriptions (drafts are not in the chart yet) with their medicines."""
        Prescription = self.env["hms.prescription"]
        if not Prescription.has_access("read"):
            return []
        prescriptions = Prescription.search_fetch(
            [("patient_id", "=", self.id), ("date_issued", "!=", False)],
            ["name", "date_issued", "state", "practitioner_id", "line_ids"],
            order="date_issued desc, id desc",
            limit=limit,
        )
        states = dict(Prescription._fields["state"]._description_selection(self.env))
        return [
            {
                "date": prescription.date_issued,
                "kind": "prescription",
                "model": "hms.prescription",
                "res_id": prescription.id,
                "title": f"{prescription.name} · {prescription.practitioner_id.name}",
                "detail": " · ".join(
                    [
                        ", ".join(prescription.line_ids.product_id.mapped("name")),
                        states[prescription.state],
                    ]
                ),
                "is_abnormal": False,
            }
            for prescription in prescriptions
        ]
