from odoo import http

from odoo.addons.hms_patient.controllers.portal import PatientPortal


class CustomerPortal(PatientPortal):
    """Released lab results of the user's own patients (themselves, their dependants)."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "lab_result_count" in counters:
            values["lab_result_count"] = self._hms_portal_count("hms.lab.order")
        return values

    @http.route(
        ["/my/lab-results", "/my/lab-results/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_lab_results(self, page=1):
        return self._hms_portal_list(
            "hms.lab.order",
            url="/my/lab-results",
            page=page,
            template="hms_lab.portal_my_lab_results",
            key="lab_orders",
            page_name="lab_results",
            order="date_released desc",
        )

    @http.route(["/my/lab-results/<int:order_id>"], type="http", auth="user", website=True)
    def portal_my_lab_result(self, order_id, **kw):
        return self._hms_portal_document(
            "hms.lab.order", order_id, "hms_lab.action_report_lab_order", kw.get("download")
        )
