import calendar
from collections import defaultdict
from datetime import timedelta

from pytz import timezone, utc
from werkzeug.urls import url_encode

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools.misc import format_date

from odoo.addons.portal.controllers import portal

from ..models.hms_appointment import UPCOMING_STATES

# How far ahead patients book online.
BOOKING_DAYS = 60
HISTORY = "my_hms_appointments_history"


class HmsAppointmentPortal(portal.CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "hms_appointment_count" in counters:
            Appointment = request.env["hms.appointment"]
            values["hms_appointment_count"] = (
                Appointment.search_count(self._hms_appointment_domain())
                if Appointment.has_access("read")
                else 0
            )
        return values

    def _hms_appointment_domain(self):
        """Appointments of the patients the user manages (themselves, their dependants)."""
        return [("patient_id", "in", request.env["hms.patient"]._hms_portal_patients().ids)]

    def _hms_appointment_check_access(self, appointment_id, access_token=None):
        return self._document_check_access("hms.appointment", appointment_id, access_token)

    @http.route(["/my/appointments"], type="http", auth="user", website=True)
    def portal_my_appointments(self, **_kwargs):
        Appointment = request.env["hms.appointment"]
        if not Appointment.has_access("read"):
            return request.redirect("/my")
        appointments = Appointment.search(self._hms_appointment_domain(), order="start desc")
        now = fields.Datetime.now()
        appointments = appointments.sudo()
        upcoming = appointments.filtered(
            lambda a: a.start >= now and a.state in UPCOMING_STATES
        ).sorted("start")
        past = appointments - upcoming
        # The previous/next links of an appointment follow the list as shown.
        request.session[HISTORY] = (upcoming + past).ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "hms_appointments",
                "upcoming": upcoming,
                "past": past,
                "can_book": bool(request.env["hms.patient"]._hms_portal_patients()),
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
            HISTORY,
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
    def portal_my_appointment_reschedule(
        self, appointment_id, start=None, month=None, day=None, **_kwargs
    ):
        try:
            appointment = self._hms_appointment_check_access(appointment_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not appointment._hms_portal_can_change():
            return self._hms_error(appointment, request.env._("It is too late to move online."))
        practitioner = appointment.practitioner_id
        appointment_type = appointment.appointment_type_id
        if request.httprequest.method == "POST" and start:
            if not self._hms_is_free_slot(
                practitioner, appointment_type, start, appointment.company_id
            ):
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
                "picker": self._hms_day_picker(
                    practitioner,
                    appointment_type,
                    appointment.company_id,
                    f"/my/appointments/{appointment.id}/reschedule",
                    {},
                    month=month,
                    day=day,
                ),
            }
        )
        return request.render("hms_appointment.portal_appointment_reschedule", values)

    @http.route(["/my/appointments/book"], type="http", auth="user", website=True)
    def portal_appointment_book(
        self,
        patient_id=None,
        specialty_id=None,
        practitioner_id=None,
        type_id=None,
        **kwargs,
    ):
        """Booking in steps: patient, specialty, practitioner and visit; a day; a time."""
        patients = request.env["hms.patient"]._hms_portal_patients()
        themselves = patients.filtered(lambda p: p.partner_id == request.env.user.partner_id)
        patient = (
            patients.filtered(lambda p: str(p.id) == patient_id)[:1]
            or themselves[:1]
            or patients[:1]
        )
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
                "error": kwargs.get("error"),
            }
        )
        if practitioner and appointment_type:
            query = {
                "patient_id": patient.id,
                "specialty_id": specialty.id or "",
                "practitioner_id": practitioner.id,
                "type_id": appointment_type.id,
            }
            values["picker"] = self._hms_day_picker(
                practitioner,
                appointment_type,
                patient.company_id,
                "/my/appointments/book",
                query,
                month=kwargs.get("month"),
                day=kwargs.get("day"),
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
        patient = (
            request.env["hms.patient"]
            ._hms_portal_patients()
            .filtered(lambda p: str(p.id) == patient_id)
        )
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
        company = patient.company_id
        if not self._hms_is_free_slot(practitioner, appointment_type, start, company):
            return self._hms_book_error(patient, request.env._("This slot is no longer free."))
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

    def _hms_local_today(self, practitioner):
        """Today in the practitioner's time zone, the one of their days and slots."""
        return (
            utc.localize(fields.Datetime.now())
            .astimezone(timezone(practitioner.tz or "UTC"))
            .date()
        )

    def _hms_portal_slots(self, practitioner, appointment_type, company, date_from, date_to):
        """Free slots a patient may take online from ``date_from`` to ``date_to`` (local days):
        within the booking horizon and not before the clinic's minimum notice."""
        today = self._hms_local_today(practitioner)
        date_from = max(date_from, today)
        date_to = min(date_to, today + timedelta(days=BOOKING_DAYS))
        if date_from > date_to:
            return []
        earliest = company._hms_portal_earliest_start()
        return [
            (start, stop)
            for _practitioner, start, stop in practitioner._hms_free_slots_between_days(
                date_from, date_to, appointment_type
            )
            if start >= earliest
        ]

    def _hms_day_picker(self, practitioner, appointment_type, company, url, query, *, month, day):
        """A month of days, those with room as links, and the free times of the chosen day."""
        env = request.env
        tz = timezone(practitioner.tz or "UTC")
        today = self._hms_local_today(practitioner)
        last_day = today + timedelta(days=BOOKING_DAYS)
        try:
            chosen = fields.Date.to_date(day) if day else None
        except ValueError:
            chosen = None
        try:
            first = fields.Date.to_date(f"{month}-01") if month else (chosen or today)
        except ValueError:
            first = today
        first = min(max(first.replace(day=1), today.replace(day=1)), last_day.replace(day=1))
        end = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        by_day = defaultdict(list)
        for start, _stop in self._hms_portal_slots(
            practitioner, appointment_type, company, first, end
        ):
            local = utc.localize(start).astimezone(tz)
            by_day[local.date()].append((fields.Datetime.to_string(start), local.strftime("%H:%M")))

        def link(**params):
            return f"{url}?{url_encode({**query, **params})}"

        month_param = first.strftime("%Y-%m")
        week_start = int(env["res.lang"]._get_data(code=env.lang).week_start or 1)
        weeks = calendar.Calendar(firstweekday=week_start - 1).monthdatescalendar(
            first.year, first.month
        )
        previous = (first - timedelta(days=1)).replace(day=1)
        following = end + timedelta(days=1)
        return {
            "month_label": format_date(env, first, date_format="MMMM y"),
            "weekdays": [format_date(env, d, date_format="EEE") for d in weeks[0]],
            "weeks": [
                [
                    {
                        "day": d.day,
                        "in_month": d.month == first.month,
                        "url": by_day.get(d) and link(month=month_param, day=d.isoformat()),
                        "selected": d == chosen,
                        "today": d == today,
                    }
                    for d in week
                ]
                for week in weeks
            ],
            "previous_url": previous >= today.replace(day=1)
            and link(month=previous.strftime("%Y-%m")),
            "next_url": following <= last_day and link(month=following.strftime("%Y-%m")),
            "has_room": bool(by_day),
            "day_label": chosen and format_date(env, chosen, date_format="EEEE d MMMM y"),
            "times": by_day.get(chosen, []) if chosen else [],
            "tz": practitioner.tz or "UTC",
        }

    def _hms_is_free_slot(self, practitioner, appointment_type, start, company):
        """Whether a patient may take ``start`` online: a free slot after the minimum notice."""
        try:
            start = fields.Datetime.to_datetime(start)
        except ValueError:
            return False
        if not start or start < company._hms_portal_earliest_start():
            return False
        stop = start + timedelta(hours=appointment_type.duration)
        return (start, stop) in practitioner._hms_free_slots(start, stop, appointment_type)

    def _hms_error(self, appointment, message):
        return self.portal_my_appointment(appointment.id, error=message)

    def _hms_book_error(self, patient, message):
        return self.portal_appointment_book(patient_id=str(patient.id), error=message)
