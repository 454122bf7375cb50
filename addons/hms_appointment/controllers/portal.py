from datetime import timedelta

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers import portal

from ..models.hms_appointment import UPCOMING_STATES

BOOKING_DAYS = 14


class HmsAppointmentPortal(portal.CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "hms_appointment_count" in counters:
            Appointment = request.env["hms.appointment"]
            values["hms_appointment_count"] = (
                Appointment.search_count([]) if Appointment.has_access("read") else 0
            )
        return values

    def _hms_portal_patients(self):
        """The patients the portal user manages: themselves and their dependants."""
        Patient = request.env["hms.patient"]
        return Patient.sudo().search(Patient._hms_portal_domain())

    def _hms_appointment_check_access(self, appointment_id, access_token=None):
        return self._document_check_access("hms.appointment", appointment_id, access_token)

    @http.route(["/my/appointments"], type="http", auth="user", website=True)
    def portal_my_appointments(self, **_kwargs):
        # The record rules keep the search to the user's own and dependants' appointments.
        appointments = request.env["hms.appointment"].search([], order="start desc")
        now = fields.Datetime.now()
        appointments = appointments.sudo()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "hms_appointments",
                "upcoming": appointments.filtered(
                    lambda a: a.start >= now and a.state in UPCOMING_STATES
                ).sorted("start"),
                "past": appointments.filtered(
                    lambda a: a.start < now or a.state not in UPCOMING_STATES
                ),
                "can_book": bool(self._hms_portal_patients()),
            }
        )
        return request.render("hms_appointment.portal_my_appointments", values)

    @http.route(["/my/appointments/<int:appointment_id>"], type="http", auth="user", website=True)
    def portal_my_appointment(self, appointment_id, access_token=None, error=None, **_kwargs):
        try:
            appointment = self._hms_appointment_check_access(appointment_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            appointment,
            access_token,
            {
                "page_name": "hms_appointment",
                "appointment": appointment,
                "can_change": appointment._hms_portal_can_change(),
                "error": error,
            },
            "my_hms_appointments_history",
            False,
        )
        return request.render("hms_appointment.portal_my_appointment", values)

    @http.route(
        ["/my/appointments/<int:appointment_id>/cancel"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_appointment_cancel(self, appointment_id, reason=None, **_kwargs):
        try:
            appointment = self._hms_appointment_check_access(appointment_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not appointment._hms_portal_can_change():
            return self._hms_error(appointment, request.env._("It is too late to cancel online."))
        appointment._action_cancel(reason or request.env._("Cancelled by the patient online."))
        return request.redirect(appointment.access_url)

    @http.route(
        ["/my/appointments/<int:appointment_id>/reschedule"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_appointment_reschedule(self, appointment_id, start=None, **_kwargs):
        try:
            appointment = self._hms_appointment_check_access(appointment_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not appointment._hms_portal_can_change():
            return self._hms_error(appointment, request.env._("It is too late to move online."))
        practitioner = appointment.practitioner_id
        if request.httprequest.method == "POST" and start:
            if not self._hms_is_free_slot(practitioner, appointment.appointment_type_id, start):
                return self._hms_error(appointment, request.env._("This slot is no longer free."))
            try:
                appointment._action_reschedule(start, reason=request.env._("Moved by the patient"))
            except (UserError, ValidationError) as error:
                return self._hms_error(appointment, str(error))
            return request.redirect(appointment.access_url)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "hms_appointment",
                "appointment": appointment,
                "slots": self._hms_slots(practitioner, appointment.appointment_type_id),
            }
        )
        return request.render("hms_appointment.portal_appointment_reschedule", values)

    @http.route(["/my/appointments/book"], type="http", auth="user", website=True)
    def portal_appointment_book(
        self, patient_id=None, specialty_id=None, practitioner_id=None, type_id=None, **kwargs
    ):
        """Booking in steps: patient and specialty, then practitioner and type, then a slot."""
        patients = self._hms_portal_patients()
        patient = patients.filtered(lambda p: str(p.id) == patient_id)[:1] or patients[:1]
        if not patient:
            return request.redirect("/my")
        env = request.env
        types = env["hms.appointment.type"].sudo().search([("is_portal_bookable", "=", True)])
        practitioners = self._hms_bookable_practitioners(patient)
        specialties = practitioners.specialty_ids
        specialty = specialties.filtered(lambda s: str(s.id) == specialty_id)[:1]
        if specialty:
            practitioners = practitioners.filtered(lambda p: specialty in p.specialty_ids)
        practitioner = practitioners.filtered(lambda p: str(p.id) == practitioner_id)[:1]
        appointment_type = types.filtered(lambda t: str(t.id) == type_id)[:1] or types[:1]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "hms_appointment_book",
                "patients": patients,
                "patient": patient,
                "specialties": specialties,
                "specialty": specialty,
                "practitioners": practitioners,
                "practitioner": practitioner,
                "types": types,
                "appointment_type": appointment_type,
                "slots": self._hms_slots(practitioner, appointment_type) if practitioner else [],
                "error": kwargs.get("error"),
            }
        )
        return request.render("hms_appointment.portal_appointment_book", values)

    @http.route(
        ["/my/appointments/book/confirm"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_appointment_book_confirm(
        self,
        patient_id=None,
        practitioner_id=None,
        type_id=None,
        start=None,
        reason=None,
        **_kwargs,
    ):
        patient = self._hms_portal_patients().filtered(lambda p: str(p.id) == patient_id)
        practitioner = self._hms_bookable_practitioners(patient).filtered(
            lambda p: str(p.id) == practitioner_id
        )
        appointment_type = (
            request.env["hms.appointment.type"]
            .sudo()
            .search([("is_portal_bookable", "=", True), ("id", "=", int(type_id or 0))])
        )
        if not (patient and practitioner and appointment_type and start):
            return request.redirect("/my/appointments/book")
        if not self._hms_is_free_slot(practitioner, appointment_type, start):
            return self._hms_book_error(patient, request.env._("This slot is no longer free."))
        company = patient.company_id
        try:
            appointment = (
                request.env["hms.appointment"]
                .sudo()
                .create(
                    {
                        "patient_id": patient.id,
                        "practitioner_id": practitioner.id,
                        "company_id": company.id,
                        "appointment_type_id": appointment_type.id,
                        "start": start,
                        "source": "portal",
                        "reason": reason,
                        "state": "requested" if company.hms_portal_validation else "confirmed",
                    }
                )
            )
        except (UserError, ValidationError) as error:
            return self._hms_book_error(patient, str(error))
        return request.redirect(appointment.access_url)

    def _hms_bookable_practitioners(self, patient):
        if not patient:
            return request.env["hms.practitioner"]
        return (
            request.env["hms.practitioner"]
            .sudo()
            .search([("company_ids", "in", patient.company_id.id), ("active", "=", True)])
        )

    def _hms_slots(self, practitioner, appointment_type):
        today = fields.Date.context_today(practitioner)
        return [
            (start, stop, practitioner)
            for _practitioner, start, stop in practitioner._hms_free_slots_between_days(
                today, today + timedelta(days=BOOKING_DAYS), appointment_type
            )
        ]

    def _hms_is_free_slot(self, practitioner, appointment_type, start):
        try:
            start = fields.Datetime.to_datetime(start)
        except ValueError:
            return False
        stop = start + timedelta(hours=appointment_type.duration)
        return (start, stop) in practitioner._hms_free_slots(start, stop, appointment_type)

    def _hms_error(self, appointment, message):
        return self.portal_my_appointment(appointment.id, error=message)

    def _hms_book_error(self, patient, message):
        return self.portal_appointment_book(patient_id=str(patient.id), error=message)
