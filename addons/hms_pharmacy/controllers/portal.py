from odoo import fields, http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers import portal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class CustomerPortal(portal.CustomerPortal):
    """Issued prescriptions of the user's own patients (themselves, their dependants).

    Record rules decide what a portal user reads; access tokens are not accepted.
    """

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "prescription_count" in counters:
            Prescription = request.env["hms.prescription"]
            values["prescription_count"] = (
                Prescription.search_count([]) if Prescription.has_access("read") else 0
            )
        return values

    @http.route(
        ["/my/prescriptions", "/my/prescriptions/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_prescriptions(self, page=1):
        Prescription = request.env["hms.prescription"]
        if not Prescription.has_access("read"):
            return request.redirect("/my")
        pager = portal_pager(
            url="/my/prescriptions",
            total=Prescription.search_count([]),
            page=page,
            step=self._items_per_page,
        )
        prescriptions = Prescription.search(
            [],
            order="date_issued desc, id desc",
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                # Rows show non-clinical fields (names, dates, status); the content is the PDF.
                "prescriptions": prescriptions.sudo(),
                "page_name": "prescriptions",
                "pager": pager,
                "default_url": "/my/prescriptions",
            }
        )
        return request.render("hms_pharmacy.portal_my_prescriptions", values)

    @http.route(["/my/prescriptions/<int:prescription_id>"], type="http", auth="user", website=True)
    def portal_my_prescription(self, prescription_id, **kw):
        try:
            prescription_sudo = self._document_check_access("hms.prescription", prescription_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._show_report(
            model=prescription_sudo,
            report_type="pdf",
            report_ref="hms_pharmacy.action_report_prescription",
            download=kw.get("download"),
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
