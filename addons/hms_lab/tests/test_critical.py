from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import HmsLabCase


@tagged("post_install", "-at_install")
class TestCritical(HmsLabCase):
    def critical(self):
        with freeze_time(datetime(2026, 3, 2, 9, 0)):
            order = self.released({self.test_hgb: "13.0", self.test_k: "7.2"})
        return order, self.result(order, self.test_k)

    def test_doctor_notified_at_once(self):
        order, potassium = self.critical()
        self.assertTrue(potassium.is_critical)
        self.assertTrue(order.has_critical)
        activity = potassium.critical_activity_id
        self.assertEqual(activity.user_id, self.doctor)
        self.assertEqual((activity.res_model, activity.res_id), ("hms.lab.order", order.id))
        self.assertIn("Potassium", activity.summary)
        message = self.env["mail.message"].search(
            [
                ("model", "=", "hms.lab.order"),
                ("res_id", "=", order.id),
                ("partner_ids", "in", self.doctor.partner_id.ids),
            ]
        )
        self.assertTrue(message)
        # Only the critical value asks for an acknowledgement.
        self.assertFalse(self.result(order, self.test_hgb).critical_activity_id)

    def test_acknowledgement_time_recorded(self):
        order, potassium = self.critical()
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            potassium.with_user(self.lab_technician).action_acknowledge()
        with freeze_time(datetime(2026, 3, 2, 9, 12)):
            potassium.with_user(self.doctor).action_acknowledge()
        self.assertEqual(potassium.acknowledged_by_id, self.doctor)
        self.assertEqual(potassium.acknowledge_minutes, 12)
        self.assertFalse(potassium.critical_activity_id.exists())  # marked done
        with self.assertRaisesMessage(UserError, "not a critical value waiting"):
            potassium.with_user(self.doctor).action_acknowledge()
        with self.assertRaisesMessage(UserError, "not a critical value"):
            self.result(order, self.test_hgb).with_user(self.doctor).action_acknowledge()

    def test_doctor_outside_care_team_cannot_acknowledge(self):
        __, potassium = self.critical()
        self.doctor_b.company_ids |= self.clinic_a
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            potassium.with_user(self.doctor_b).action_acknowledge()

    def test_escalation_to_managers_after_the_clinic_delay(self):
        self.clinic_a.hms_lab_critical_escalation_minutes = 15
        __, potassium = self.critical()
        Result = self.env["hms.lab.result"]
        with freeze_time(datetime(2026, 3, 2, 9, 14)):
            Result._cron_escalate_criticals()
        self.assertFalse(potassium.date_escalated)
        with freeze_time(datetime(2026, 3, 2, 9, 16)):
            Result._cron_escalate_criticals()
        self.assertEqual(potassium.date_escalated, datetime(2026, 3, 2, 9, 16))
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "hms.lab.order"),
                ("res_id", "=", potassium.order_id.id),
                ("user_id", "=", self.manager.id),
            ]
        )
        self.assertEqual(len(activities), 1)
        with freeze_time(datetime(2026, 3, 2, 9, 30)):
            Result._cron_escalate_criticals()  # once only
        self.assertEqual(len(activities.search([("id", "in", activities.ids)])), 1)

    def test_acknowledged_in_time_is_not_escalated(self):
        __, potassium = self.critical()
        with freeze_time(datetime(2026, 3, 2, 9, 5)):
            potassium.with_user(self.doctor).action_acknowledge()
        with freeze_time(datetime(2026, 3, 2, 9, 0) + timedelta(hours=2)):
            self.env["hms.lab.result"]._cron_escalate_criticals()
        self.assertFalse(potassium.date_escalated)
