from datetime import datetime

from odoo import SUPERUSER_ID, api
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

# A Monday at 14:00 UTC: working time of the demo practitioner in Europe and America alike.
START = datetime(2031, 6, 2, 14, 0)


@tagged("post_install", "-at_install")
class TestNoDoubleBookingUnderConcurrency(TransactionCase):
    """Two transactions book the same slot: the database refuses the second one."""

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def _values(self, env, patient_xmlid):
        practitioner = env.ref("hms_base.practitioner_hart", raise_if_not_found=False)
        patient = env.ref(patient_xmlid, raise_if_not_found=False)
        if not (practitioner and patient):
            self.skipTest("needs the demo practitioners and patients")
        return {
            "patient_id": patient.id,
            "practitioner_id": practitioner.id,
            "company_id": patient.company_id.id,
            "appointment_type_id": env.ref("hms_appointment.appointment_type_consultation").id,
            "start": START,
        }

    def _purge(self, ids):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            appointments = env["hms.appointment"].browse(ids).exists()
            env["sms.sms"].search(
                [("mail_message_id", "in", appointments.message_ids.ids)]
            ).unlink()
            cr.execute(
                "UPDATE hms_appointment SET state = 'cancelled' WHERE id IN %s", [tuple(ids)]
            )
            env.invalidate_all()
            appointments.unlink()

    def test_two_transactions_cannot_take_the_same_slot(self):
        booked = []
        self.addCleanup(lambda: booked and self._purge(booked))
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1, env2 = self._env(cr1), self._env(cr2)
            Appointment2 = env2["hms.appointment"]
            # The second transaction starts first: its snapshot will never see the first booking.
            self.assertFalse(
                Appointment2.search_count([("start", "=", START), ("state", "!=", "cancelled")])
            )
            first = env1["hms.appointment"].create(
                self._values(env1, "hms_patient.patient_john_carter")
            )
            booked.append(first.id)
            cr1.commit()
            # The second transaction's snapshot shows a free slot; PostgreSQL's exclusion
            # constraint sees the committed booking and refuses.
            with mute_logger("odoo.sql_db"), self.assertRaisesRegex(ValidationError, "already has"):
                Appointment2.create(self._values(env2, "hms_patient.patient_maria_lopez"))
                env2.flush_all()
            cr2.rollback()
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM hms_appointment WHERE practitioner_id = %s AND start = %s",
                [
                    self._values(self._env(cr), "hms_patient.patient_john_carter")[
                        "practitioner_id"
                    ],
                    START,
                ],
            )
            self.assertEqual(cr.fetchone()[0], 1, "exactly one booking holds the slot")
