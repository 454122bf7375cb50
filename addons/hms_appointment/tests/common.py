from contextlib import contextmanager
from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tools import mute_logger

from odoo.addons.hms_patient.tests.common import HmsPatientCase, HmsPatientCommon

# A Monday: practitioner_a works 8-12 and 13-17 UTC, Monday to Friday.
MONDAY = datetime(2030, 6, 3)


def at(day_offset, hour, minute=0):
    """A naive UTC datetime ``day_offset`` days after MONDAY at hour:minute."""
    return MONDAY + timedelta(days=day_offset, hours=hour, minutes=minute)


class HmsAppointmentCommon(HmsPatientCommon):
    """The patient fixture plus appointment types and a portal guardian of patient_a."""

    @classmethod
    def setup_hms(cls):
        super().setup_hms()
        cls.type_consultation = cls.env.ref("hms_appointment.appointment_type_consultation")
        cls.type_follow_up = cls.env.ref("hms_appointment.appointment_type_follow_up")
        cls.type_emergency = cls.env.ref("hms_appointment.appointment_type_emergency")
        cls.patient_a.email = "alice@example.com"
        # The portal user is the guardian of patient_a (and of nobody else).
        cls.patient_a.guardian_partner_ids = [Command.link(cls.portal_user.partner_id.id)]
        cls.patient_c = cls.env["hms.patient"].create(
            {"name": "Carol Test", "company_id": cls.clinic_a.id, "phone": "+1 217 555 0155"}
        )

    @classmethod
    def book(cls, start, patient=None, practitioner=None, kind=None, user=None, **values):
        Appointment = cls.env["hms.appointment"]
        if user:
            Appointment = Appointment.with_user(user)
        return Appointment.create(
            {
                "patient_id": (patient or cls.patient_a).id,
                "practitioner_id": (practitioner or cls.practitioner_a).id,
                "company_id": (patient or cls.patient_a).company_id.id,
                "appointment_type_id": (kind or cls.type_consultation).id,
                "start": start,
                **values,
            }
        )

    @contextmanager
    def assertDoubleBooking(self):
        """The database refuses the overlapping booking (and logs the refused query)."""
        with mute_logger("odoo.sql_db"), self.assertRaisesMessage(ValidationError, "already has"):
            yield


class HmsAppointmentCase(HmsAppointmentCommon, HmsPatientCase):
    """Base case of the appointment tests."""
