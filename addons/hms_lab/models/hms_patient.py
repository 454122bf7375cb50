from odoo import models


class HmsPatient(models.Model):
    _inherit = "hms.patient"

    def _hms_chart_sources(self):
        return [*super()._hms_chart_sources(), self._hms_chart_lab_results]

    def _hms_chart_lab_results(self, limit):
        Result = self.env["hms.lab.result"]
        if not Result.has_access("read"):
            return []
        results = Result.search_fetch(
            [("patient_id", "=", self.id), ("state", "=", "released")],
            ["date_released", "test_id", "value", "unit", "flag", "is_abnormal", "range_label"],
            order="date_released desc, id desc",
            limit=limit,
        )
        flags = dict(Result._fields["flag"]._description_selection(self.env))
        return [
            {
                "date": result.date_released,
                "kind": "lab",
                "model": "hms.lab.result",
                "res_id": result.id,
                "title": f"{result.test_id.name}: {result.value} {result.unit or ''}".strip(),
                "detail": " · ".join(filter(None, [flags.get(result.flag), result.range_label])),
                "is_abnormal": result.is_abnormal,
            }
            for result in results
        ]

    def action_hms_open_lab_trend(self):
        """Released numeric results of this patient over time, one line per test."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hms_lab.hms_lab_result_trend_action"
        )
        action["domain"] = [("patient_id", "=", self.id), ("state", "=", "released")]
        return action
