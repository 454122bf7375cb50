from odoo import http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers import portal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.hms_patient import PORTAL_FIELDS

CONTACT_FIELDS = ("name", "relationship", "phone", "email")


class PatientPortal(portal.CustomerPortal):
    """My profile and my dependants: contact data and emergency contacts only."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "hms_patient_count" in counters:
            Patient = request.env["hms.patient"]
            values["hms_patient_count"] = (
                len(Patient._hms_portal_patients()) if Patient.has_access("read") else 0
            )
        return values

    # ------------------------------------------------------------------ shared by the addons
    # Record rules decide what a portal user reads (their own patients, their dependants);
    # access tokens are not accepted, so a clinical document never opens from a shared link.
    def _hms_portal_count(self, model, domain=()):
        """How many ``model`` records the user reads (0 without read access)."""
        Model = request.env[model]
        return Model.search_count(list(domain)) if Model.has_access("read") else 0

    def _hms_portal_list(
        self, model, *, url, page, template, key, page_name, domain=(), order=None
    ):
        """A paged portal list of the ``model`` records the user reads, rendered by ``template``.

        The rows are given sudoed under ``key``: the templates show non-clinical fields only
        (names, dates, states); the content is the document's PDF.
        """
        Model = request.env[model]
        if not Model.has_access("read"):
            return request.redirect("/my")
        domain = list(domain)
        pager = portal_pager(
            url=url, total=Model.search_count(domain), page=page, step=self._items_per_page
        )
        records = Model.search(
            domain, order=order, limit=self._items_per_page, offset=pager["offset"]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {key: records.sudo(), "page_name": page_name, "pager": pager, "default_url": url}
        )
        return request.render(template, values)

    def _hms_portal_document(self, model, record_id, report_ref, download=None):
        """The PDF ``report_ref`` of one record the user reads, or back to /my."""
        try:
            record_sudo = self._document_check_access(model, record_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._show_report(
            model=record_sudo, report_type="pdf", report_ref=report_ref, download=download
        )

    # ------------------------------------------------------------------ patient profiles
    def _hms_patient_check_access(self, patient_id):
        """The patient, sudoed, if it is one the user manages (themselves, a dependant)."""
        patient = self._document_check_access("hms.patient", patient_id)
        if patient not in request.env["hms.patient"]._hms_portal_patients():
            raise AccessError(request.env._("This is not one of your patient records."))
        return patient

    @http.route(["/my/patients"], type="http", auth="user", website=True)
    def portal_my_patients(self, **_kw):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "patients": request.env["hms.patient"]._hms_portal_patients(),
                "page_name": "patients",
            }
        )
        return request.render("hms_patient.portal_my_patients", values)

    @http.route(
        ["/my/patients/<int:patient_id>"], type="http", auth="user", methods=["GET"], website=True
    )
    def portal_my_patient(self, patient_id, error=None, **_kw):
        try:
            patient = self._hms_patient_check_access(patient_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "patient": patient,
                "page_name": "patient",
                "error": error,
                "relationships": patient.contact_ids._fields["relationship"]._description_selection(
                    request.env
                ),
            }
        )
        return request.render("hms_patient.portal_my_patient", values)

    @http.route(
        ["/my/patients/<int:patient_id>"], type="http", auth="user", methods=["POST"], website=True
    )
    def portal_my_patient_update(self, patient_id, **post):
        try:
            patient = self._hms_patient_check_access(patient_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = {fname: post[fname].strip() for fname in PORTAL_FIELDS if fname in post}
        return self._portal_write(patient, lambda: patient.write(values))

    @http.route(
        ["/my/patients/<int:patient_id>/contacts"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_patient_contact_add(self, patient_id, **post):
        try:
            patient = self._hms_patient_check_access(patient_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = {fname: post.get(fname, "").strip() for fname in CONTACT_FIELDS}
        values["patient_id"] = patient.id
        if not values["name"] or not values["phone"]:
            return self.portal_my_patient(
                patient.id, error=request.env._("Name and phone of the contact are required.")
            )
        return self._portal_write(
            patient, lambda: request.env["hms.patient.contact"].create(values)
        )

    @http.route(
        ["/my/patients/<int:patient_id>/contacts/<int:contact_id>/delete"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_patient_contact_delete(self, patient_id, contact_id, **_post):
        try:
            patient = self._hms_patient_check_access(patient_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        contact = patient.contact_ids.filtered(lambda c: c.id == contact_id)
        if not contact:
            return request.redirect(f"/my/patients/{patient.id}")
        return self._portal_write(patient, contact.unlink)

    def _portal_write(self, patient, operation):
        """Run ``operation`` in a savepoint; show the validation error on the profile page."""
        try:
            with request.env.cr.savepoint():
                operation()
        except (ValidationError, ValueError) as error:
            return self.portal_my_patient(patient.id, error=str(error))
        return request.redirect(f"/my/patients/{patient.id}")
