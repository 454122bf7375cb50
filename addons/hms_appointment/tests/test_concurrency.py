from datetime import date, datetime

from psycopg2 import errors

from odoo import SUPERUSER_ID, api
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.hms_base.tests.common import HmsCommon

# A Monday at 14:00 UTC: working time of the demo practitioner in Europe and America alike.
START = datetime(2031, 6, 2, 14, 0)


@tagged("post_install", "-at_install")
class TestNoDoubleBookingUnderConcurrency(HmsCommon, TransactionCase):
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
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaisesMessage(ValidationError, "already has"),
            ):
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


@tagged("post_install", "-at_install")
class TestQueueTicketsUnderConcurrency(HmsCommon, TransactionCase):
    """Two check-ins of the same clinic and day at the same time never share a ticket."""

    DAY = date(2099, 1, 5)

    def _next_ticket(self, cr, company_id):
        env = api.Environment(cr, SUPERUSER_ID, {})
        return env["hms.appointment"].new({"company_id": company_id})._hms_next_ticket(self.DAY)

    def _purge(self, company_id):
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM hms_appointment_queue_counter WHERE company_id = %s AND day = %s",
                [company_id, self.DAY],
            )

    def test_two_check_ins_at_once_get_different_tickets(self):
        company_id = self.env.ref("base.main_company").id
        self.addCleanup(self._purge, company_id)
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            first = self._next_ticket(cr1, company_id)
            # The first check-in is not committed yet: the second one cannot read the counter
            # past it, it waits (here: gives up after a short lock timeout).
            cr2.execute("SET LOCAL lock_timeout = '200ms'")
            with mute_logger("odoo.sql_db"), self.assertRaises(errors.LockNotAvailable):
                self._next_ticket(cr2, company_id)
            cr2.rollback()
            cr1.commit()
            # The server retries the loser's request in a new transaction.
            second = self._next_ticket(cr2, company_id)
            cr2.commit()
        self.assertEqual((first, second), (1, 2))
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT last_ticket FROM hms_appointment_queue_counter "
                "WHERE company_id = %s AND day = %s",
                [company_id, self.DAY],
            )
            self.assertEqual(cr.fetchone()[0], 2)
