from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.hms_appointment.tests.common import at

from .common import HmsEmrAppointmentCase

SECRET = "Screened for domestic violence; do not discuss with the partner."


@tagged("post_install", "-at_install", "hms_access")
class TestCareTeam(HmsEmrAppointmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.colleague = cls._hms_user(
            "hms_test_doctor_a2", "hms_base.group_hms_doctor", cls.clinic_a
        )
        cls.practitioner_colleague = cls.env["hms.practitioner"].create(
            {
                "name": "Colleague",
                "user_id": cls.colleague.id,
                "company_id": cls.clinic_a.id,
                "resource_calendar_id": cls.calendar_a.id,
                "tz": "UTC",
            }
        )

    def setUp(self):
        super().setUp()
        self.encounter = self.open_encounter(confidential_note=SECRET)

    def assertOutsideCareTeam(self):
        as_colleague = self.encounter.with_user(self.colleague)
        self.encounter.invalidate_recordset()
        self.assertFalse(
            as_colleague.search([("id", "=", self.encounter.id)]),
            "a doctor outside the care team does not even find the encounter",
        )
        with mute_logger("odoo.addons.base.models.ir_rule"):
            with self.assertRaises(AccessError):
                as_colleague.read(["chief_complaint", "confidential_note"])
            with self.assertRaises(AccessError):
                as_colleague.write({"plan": "Not my patient"})
            with self.assertRaises(AccessError):
                self.env["hms.encounter.diagnosis"].with_user(self.colleague).create(
                    {"encounter_id": self.encounter.id, "icd10_id": self.icd_uri.id}
                )

    def assertInCareTeam(self):
        as_colleague = self.encounter.with_user(self.colleague)
        self.encounter.invalidate_recordset()
        self.assertEqual(as_colleague.confidential_note, SECRET)
        self.assertTrue(as_colleague.is_care_team)
        as_colleague.write({"plan": "Seen by the colleague"})
        self.env["hms.encounter.diagnosis"].with_user(self.colleague).create(
            {"encounter_id": self.encounter.id, "icd10_id": self.icd_uri.id}
        )
        self.assertEqual(self.encounter.plan, "Seen by the colleague")

    def test_an_appointment_puts_the_doctor_in_the_care_team(self):
        self.assertOutsideCareTeam()
        appointment = self.book(at(0, 9), practitioner=self.practitioner_colleague)
        self.assertEqual(self.patient_a.care_team_user_ids, self.doctor | self.colleague)
        self.assertEqual(
            self.env["hms.patient"].search([("care_team_user_ids", "in", [self.colleague.id])]),
            self.patient_a,
        )
        self.assertInCareTeam()
        appointment._action_cancel("The patient moved away")
        self.patient_a.invalidate_recordset()
        self.assertEqual(self.patient_a.care_team_user_ids, self.doctor)
        self.assertOutsideCareTeam()

    def test_the_care_team_changes_at_once(self):
        # Record rules test the care team on the cached patient: in one transaction, a
        # booking lets the doctor in and a cancellation takes them out, without a new request.
        self.assertFalse(self.patient_a._hms_in_care_team(self.colleague))
        self.assertNotIn(self.colleague, self.patient_a.care_team_user_ids)
        appointment = self.book(at(0, 9), practitioner=self.practitioner_colleague)
        as_colleague = self.encounter.with_user(self.colleague)
        as_colleague.write({"plan": "Seen by the colleague"})
        appointment._action_cancel("The patient moved away")
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            as_colleague.write({"plan": "After the cancellation"})
        self.assertEqual(self.encounter.plan, "Seen by the colleague")

    def test_care_team_of_the_patient_only(self):
        self.book(at(0, 9), patient=self.patient_c, practitioner=self.practitioner_colleague)
        self.assertOutsideCareTeam()
        self.assertFalse(self.patient_a._hms_in_care_team(self.colleague))
        self.assertTrue(self.patient_c._hms_in_care_team(self.colleague))
        with self.assertRaises(UserError):
            self.env["hms.patient"].search([("care_team_user_ids", "not in", [self.doctor.id])])
