from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import HmsAuditCase

REASON = "Unconscious patient in the emergency room, no treating doctor on site"


@tagged("post_install", "-at_install")
class TestBreakGlass(HmsAuditCase):
    def break_glass(self, user, patient, reason=REASON, hours=4):
        form = Form(self.env["hms.break.glass.wizard"].with_user(user))
        form.patient_id = patient
        form.reason = reason
        form.duration_hours = hours
        return form.save().action_confirm()

    @freeze_time("2026-03-02 10:00:00")
    def test_break_the_glass_grants_logs_and_expires(self):
        action = self.break_glass(self.doctor, self.patient_a)
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("hms.patient", self.patient_a.id)
        )
        access = self.env["hms.emergency.access"].search([("user_id", "=", self.doctor.id)])
        self.assertEqual(access.date_end, datetime(2026, 3, 2, 14, 0))
        self.assertTrue(access.is_active)
        self.assertEqual(self.patient_a.emergency_access_user_ids, self.doctor)
        domain = [("emergency_access_user_ids", "in", [self.doctor.id])]
        self.assertEqual(self.env["hms.patient"].search(domain), self.patient_a)
        event = self.events_since(self.mark, action="break_glass")
        self.assertEqual(
            (event.user_id, event.patient_ids, event.reason), (self.doctor, self.patient_a, REASON)
        )
        with freeze_time(datetime(2026, 3, 2, 14, 0, 1)):
            self.patient_a.invalidate_recordset()
            self.assertFalse(self.patient_a.emergency_access_user_ids)
            self.assertFalse(self.env["hms.patient"].search(domain))
            access.invalidate_recordset()
            self.assertFalse(access.is_active)

    @freeze_time("2026-03-02 10:00:00")
    def test_break_the_glass_joins_the_care_team_until_expiry(self):
        domain = [("care_team_user_ids", "in", [self.doctor.id])]
        self.assertFalse(self.patient_a._hms_in_care_team(self.doctor))
        self.break_glass(self.doctor, self.patient_a, hours=2)
        self.assertIn(self.doctor, self.patient_a.care_team_user_ids)
        self.assertEqual(self.env["hms.patient"].search(domain), self.patient_a)
        self.assertTrue(self.patient_a._hms_in_care_team(self.doctor))
        with freeze_time(datetime(2026, 3, 2, 12, 0, 1)):
            self.patient_a.invalidate_recordset()
            self.assertFalse(self.patient_a.care_team_user_ids)
            self.assertFalse(self.env["hms.patient"].search(domain))
            self.assertFalse(self.patient_a._hms_in_care_team(self.doctor))

    def test_a_reason_is_required(self):
        for reason, hours in (("because", 4), (REASON, 48)):
            with self.subTest(reason=reason, hours=hours), self.assertRaises(ValidationError):
                self.break_glass(self.doctor, self.patient_a, reason, hours)
        self.assertFalse(self.env["hms.emergency.access"].search([]))
        self.assertFalse(self.events_since(self.mark, action="break_glass"))

    def test_listed_for_the_privacy_officer_only(self):
        self.break_glass(self.doctor, self.patient_a)
        Access = self.env["hms.emergency.access"]
        self.assertEqual(len(Access.with_user(self.auditor).search([])), 1)
        self.assertEqual(len(Access.with_user(self.doctor).search([])), 1)
        self.assertFalse(Access.with_user(self.doctor_b).search([]))
        with mute_logger("odoo.addons.base.models.ir_model"):
            for user in (self.receptionist, self.nurse, self.portal_user):
                with self.subTest(user=user.login), self.assertRaises(AccessError):
                    self.break_glass(user, self.patient_a)
            with self.assertRaises(AccessError):
                Access.with_user(self.doctor).search([]).write(
                    {"date_end": datetime.now() + timedelta(days=9)}
                )
