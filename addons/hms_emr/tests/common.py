from unittest.mock import patch

from odoo.tools import config

from odoo.addons.hms_appointment.tests.common import HmsAppointmentCommon, at
from odoo.addons.hms_base.tools import crypto
from odoo.addons.hms_patient.tests.common import HmsPatientCase, HmsPatientCommon


class HmsEmrCommon(HmsPatientCommon):
    """The patient fixture plus ICD-10 codes and helpers to run a consultation."""

    @classmethod
    def setup_hms(cls):
        super().setup_hms()
        # A key of the test's own: confidential notes never depend on the machine's setup.
        cls.startClassPatcher(
            patch.dict(config.options, {crypto.KEY_OPTION: crypto.generate_key()})
        )
        Icd10 = cls.env["hms.icd10"]
        cls.icd_hypertension = Icd10._hms_find_code("I10")
        cls.icd_diabetes = Icd10._hms_find_code("E11.9")
        cls.icd_uri = Icd10._hms_find_code("J06.9")

    def open_encounter(self, user=None, patient=None, **values):
        """A walk-in encounter opened by ``user`` (the doctor of clinic A by default)."""
        user = user or self.doctor
        patient = patient or self.patient_a
        practitioner = self.env["hms.practitioner"].search([("user_id", "=", user.id)])
        return (
            self.env["hms.encounter"]
            .with_user(user)
            .create(
                {
                    "patient_id": patient.id,
                    "practitioner_id": practitioner.id,
                    "chief_complaint": "Headache",
                    **values,
                }
            )
        )

    def closed_encounter(self, **values):
        """An encounter of patient A with a primary diagnosis, closed by its doctor."""
        encounter = self.open_encounter(
            diagnosis_ids=[
                (0, 0, {"icd10_id": self.icd_hypertension.id, "diagnosis_role": "primary"})
            ],
            **values,
        )
        encounter.action_close()
        return encounter


class HmsEmrCase(HmsEmrCommon, HmsPatientCase):
    """Base case of the medical-record tests."""


class HmsEmrAppointmentCommon(HmsEmrCommon, HmsAppointmentCommon):
    """The medical-record fixture plus appointment types and bookings."""

    def checked_in(self, start=None, patient=None, **values):
        """An appointment with the doctor of clinic A, booked and checked in at the desk."""
        appointment = self.book(start or at(0, 9), patient=patient, **values)
        appointment.with_user(self.receptionist).action_check_in()
        return appointment

    def start_consultation(self, appointment, user=None):
        """The encounter opened by "Start Consultation" (the doctor of clinic A by default)."""
        action = appointment.with_user(user or self.doctor).action_start_encounter()
        self.assertEqual(action["res_model"], "hms.encounter")
        return self.env["hms.encounter"].browse(action["res_id"])


class HmsEmrAppointmentCase(HmsEmrAppointmentCommon, HmsPatientCase):
    """Base case of the tests of consultations started from appointments."""
