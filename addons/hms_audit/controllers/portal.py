from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

PAGE_SIZE = 40


class AuditPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "hms_access_log_count" in counters:
            Patient = request.env["hms.patient"]
            patients = Patient._hms_portal_patients() if Patient.has_access("read") else Patient
            # Patients cannot read the trail itself: they count the accesses to their records.
            values["hms_access_log_count"] = (
                request.env["hms.audit.event"]
                .sudo()
                .search_count([("patient_ids", "in", patients.ids)])
                if patients
                else 0
            )
        return values

    @http.route(
        ["/my/access-log", "/my/access-log/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_access_log(self, page=1, patient_id=None):
        patients = request.env["hms.patient"]._hms_portal_patients()
        if patient_id:
            # Only one's own record or a dependant's: a forged id is refused, not ignored.
            patient = patients.filtered(lambda p: str(p.id) == str(patient_id))
            if not patient:
                return request.redirect("/my")
        else:
            patient = patients
        Event = request.env["hms.audit.event"].sudo()
        domain = [("patient_ids", "in", patient.ids)] if patient else [("id", "=", 0)]
        count = Event.search_count(domain)
        pager = portal_pager(
            url="/my/access-log",
            url_args={"patient_id": patient_id} if patient_id else {},
            total=count,
            page=page,
            step=PAGE_SIZE,
        )
        events = Event.search(domain, limit=PAGE_SIZE, offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "hms_access_log",
                "pager": pager,
                "patients": patients,
                "patient_id": patient_id and int(patient_id),
                "entries": [self._hms_audit_portal_entry(event) for event in events],
            }
        )
        return request.render("hms_audit.portal_my_access_log", values)

    def _hms_audit_portal_entry(self, event):
        """What a patient may see of an access: when, what kind, by which role (name if allowed)."""
        own = event.user_id == request.env.user
        show_name = event.company_id.hms_audit_show_staff_names or own
        actions = dict(event._fields["action"]._description_selection(request.env))
        roles = dict(event._fields["role"]._description_selection(request.env))
        return {
            "time": event.event_time,
            "action": actions.get(event.action),
            "role": request.env._("You") if own else roles.get(event.role, event.role),
            "name": event.user_id.name if show_name and event.user_id else "",
        }
