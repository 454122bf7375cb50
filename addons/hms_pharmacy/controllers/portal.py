from odoo import fields, http
from odoo.http import request

from odoo.addons.hms_patient.controllers.portal import PatientPortal


class CustomerPortal(PatientPortal):
    """Issued prescriptions of the user's own patients (themselves, their dependants)."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "prescription_count" in counters:
            values["prescription_count"] = self._hms_portal_count("hms.prescription")
        return values

    @http.route(
        ["/my/prescriptions", "/my/prescriptions/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_prescriptions(self, page=1):
        return self._hms_portal_list(
            "hms.prescription",
            url="/my/prescriptions",
            page=page,
            template="hms_pharmacy.portal_my_prescriptions",
            key="prescriptions",
            page_name="prescriptions",
            order="date_issued desc, id desc",
        )

    @http.route(["/my/prescriptions/<int:prescription_id>"], type="http", auth="user", website=True)
    def portal_my_prescription(self, prescription_id, **kw):
        return self._hms_portal_document(
            "hms.prescription",
            prescription_id,
            "hms_pharmacy.action_report_prescription",
            kw.get("download"),
        )


class PrescriptionVerification(http.Controller):
    @http.route("/rx/<string:token>", type="http", auth="public", website=True, sitemap=False)
    def prescription_verify(self, token):
        """Public: is this paper prescription genuine, and still valid?"""
        prescription = request.env["hms.prescription"].sudo()
        if token and len(token) >= 20:
            prescription = prescription.search([("verification_token", "=", token)], limit=1)
        status = prescription and prescription._hms_verification_status()
        return request.render(
            "hms_pharmacy.prescription_verification",
            {"prescription": prescription, "status": status, "today": fields.Date.today()},
            status=200 if prescription else 404,
        )
