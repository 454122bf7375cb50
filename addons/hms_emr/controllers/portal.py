from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers import portal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class CustomerPortal(portal.CustomerPortal):
    """Released visit summaries of the user's own patients (themselves, their dependants).

    Record rules decide what a portal user reads; access tokens are not accepted, so a
    clinical document never opens from a shared link.
    """

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "hms_visit_count" in counters:
            Encounter = request.env["hms.encounter"]
            values["hms_visit_count"] = (
                Encounter.search_count(self._hms_visit_domain())
                if Encounter.has_access("read")
                else 0
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
        Encounter = request.env["hms.encounter"]
        if not Encounter.has_access("read"):
            return request.redirect("/my")
        domain = self._hms_visit_domain()
        pager = portal_pager(
            url="/my/visits",
            total=Encounter.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        visits = Encounter.search(domain, limit=self._items_per_page, offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update(
            {
                # Rows only carry non-clinical fields; the summary itself is the PDF.
                "visits": visits.sudo(),
                "page_name": "visits",
                "pager": pager,
                "default_url": "/my/visits",
            }
        )
        return request.render("hms_emr.portal_my_visits", values)

    @http.route(["/my/visits/<int:encounter_id>"], type="http", auth="user", website=True)
    def portal_my_visit(self, encounter_id, **kw):
        try:
            encounter_sudo = self._document_check_access("hms.encounter", encounter_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._show_report(
            model=encounter_sudo,
            report_type="pdf",
            report_ref="hms_emr.action_report_visit_summary",
            download=kw.get("download"),
        )
