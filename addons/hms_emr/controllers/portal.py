from odoo import http
from odoo.http import request

from odoo.addons.hms_patient.controllers.portal import PatientPortal


class CustomerPortal(PatientPortal):
    """Released visit summaries of the user's own patients (themselves, their dependants)."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "hms_visit_count" in counters:
            values["hms_visit_count"] = self._hms_portal_count(
                "hms.encounter", self._hms_visit_domain()
            )
        return values

    def _hms_visit_domain(self):
        """Released summaries of the patients the user manages (themselves, their dependants)."""
        patients = request.env["hms.patient"]._hms_portal_patients()
        return [("patient_id", "in", patients.ids), ("is_summary_released", "=", True)]

    @http.route(
        ["/my/visits", "/my/visits/page/<int:page>"], type="http", auth="user", website=True
    )
    def portal_my_visits(self, page=1):
        return self._hms_portal_list(
            "hms.encounter",
            url="/my/visits",
            page=page,
            template="hms_emr.portal_my_visits",
            key="visits",
            page_name="visits",
            domain=self._hms_visit_domain(),
        )

    @http.route(["/my/visits/<int:encounter_id>"], type="http", auth="user", website=True)
    def portal_my_visit(self, encounter_id, **kw):
        return self._hms_portal_document(
            "hms.encounter", encounter_id, "hms_emr.action_report_visit_summary", kw.get("download")
        )
