"""Merging duplicate patients across the suite: each addon moves its own records (closed
encounters and what is locked with them included), and the audit trail records the merge as
one event."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.hms_appointment.tests.common import at
from odoo.addons.hms_audit.tests.common import HmsAuditCommon
from odoo.addons.hms_emr.tests.common import HmsEmrAppointmentCase

REASON = "Same person registered twice, identity document checked"


@tagged("post_install", "-at_install")
class TestPatientMerge(HmsAuditCommon, HmsEmrAppointmentCase):
    def records_of(self, patient, day):
        """A history in every addon: a rescheduled appointment whose consultation was closed
        with vitals, a chronic diagnosis and an addendum; allergy, contact, break the glass."""
        appointment = self.book(at(day, 9), patient=patient, user=self.receptionist)
        appointment.with_user(self.receptionist)._action_reschedule(at(day, 10))
        appointment.with_user(self.receptionist).action_check_in()
        encounter = self.start_consultation(appointment)
        vital = (
            self.env["hms.vital"]
            .with_user(self.nurse)
            .create({"encounter_id": encounter.id, "pulse": 72})
        )
        encounter.with_user(self.doctor).write(
            {
                "diagnosis_ids": [
                    (
                        0,
                        0,
                        {
                            "icd10_id": self.icd_diabetes.id,
                            "diagnosis_role": "primary",
                            "is_chronic": True,
                        },
                    )
                ]
            }
        )
        encounter.with_user(self.doctor).action_close()
        addendum = (
            self.env["hms.encounter.addendum"]
            .with_user(self.doctor)
            .create({"encounter_id": encounter.id, "text": "HbA1c came back at 8.1%."})
        )
        allergy = self.env["hms.patient.allergy"].create(
            {"patient_id": patient.id, "allergen": f"Allergen {day}"}
        )
        contact = self.env["hms.patient.contact"].create(
            {"patient_id": patient.id, "name": f"Kin {day}", "phone": f"+1217555017{day}"}
        )
        access = (
            self.env["hms.emergency.access"]
            .sudo()
            .create(
                {
                    "user_id": self.doctor.id,
                    "patient_id": patient.id,
                    "reason": "Unconscious in the waiting room, chart needed now",
                    "date_end": fields.Datetime.now() + timedelta(hours=1),
                    "date_start": fields.Datetime.now(),
                }
            )
        )
        return {
            "appointment": appointment,
            "history": appointment.history_ids,
            "encounter": encounter,
            "vital": vital,
            "diagnosis": encounter.diagnosis_ids,
            "addendum": addendum,
            "condition": self.env["hms.patient.condition"].search(
                [("patient_id", "=", patient.id)]
            ),
            "allergy": allergy,
            "contact": contact,
            "access": access,
        }

    def merge(self, duplicate):
        wizard = (
            self.env["hms.patient.merge"]
            .with_user(self.manager)
            .with_context(active_model="hms.patient", active_ids=(self.patient_a | duplicate).ids)
            .create({"reason": REASON})
        )
        self.assertEqual(wizard.dst_patient_id, self.patient_a)
        wizard.action_merge()

    def test_merge_moves_the_records_of_every_addon_as_one_audit_event(self):
        duplicate = self.env["hms.patient"].create(
            {
                "name": "Alice T.",
                "birthdate": "1985-04-12",
                "company_id": self.clinic_a.id,
                "duplicate_reason": "registered twice by mistake",
            }
        )
        kept = self.records_of(self.patient_a, 0)
        moved = self.records_of(duplicate, 1)
        self.assertEqual(moved["encounter"].state, "closed")
        self.assertTrue(all(moved.values()), "a record of each kind on the duplicate")
        mark = self.audit_mark()

        self.merge(duplicate)

        history = moved.pop("history")
        for kind, records in moved.items():
            with self.subTest(kind=kind):
                self.assertEqual(records.patient_id, self.patient_a, kind)
        self.assertEqual(history.appointment_id, moved["appointment"])
        self.assertEqual(kept["encounter"].patient_id, self.patient_a)
        self.assertFalse(duplicate.active)
        self.assertEqual(duplicate.merged_into_id, self.patient_a)
        summary = self.patient_a.message_ids[0].body
        for label in (
            "Appointment (1)",
            "Encounter (1)",
            "Vital Signs (1)",
            "Encounter Diagnosis (1)",
            "Encounter Addendum (1)",
            "Patient Allergy (1)",
        ):
            self.assertIn(label, summary)
        # The merge moved the closed encounter; it did not unlock it.
        self.assertEqual(moved["encounter"].state, "closed")
        with self.assertRaisesMessage(UserError, "closed"):
            moved["encounter"].with_user(self.doctor).write({"plan": "Rewritten"})
        with self.assertRaisesMessage(UserError, "closed"):
            moved["vital"].with_user(self.doctor).write({"pulse": 80})
        # One event, naming both patients, instead of one per moved record.
        events = self.events_since(mark)
        self.assertEqual(events.mapped("action"), ["merge"])
        self.assertEqual(
            (events.model, sorted(events.res_ids), events.user_id, events.reason),
            ("hms.patient", sorted((self.patient_a | duplicate).ids), self.manager, REASON),
        )
        self.assertEqual(sorted(events.patient_refs), sorted((self.patient_a | duplicate).ids))
        # The audit resumes after the merge.
        self.patient_a.with_user(self.receptionist).write({"gender": "female"})
        self.assertEqual(self.events_since(mark).mapped("action"), ["merge", "write"])

    def test_only_a_merge_moves_locked_records(self):
        duplicate = self.env["hms.patient"].create(
            {"name": "Alice T.", "company_id": self.clinic_a.id}
        )
        records = self.records_of(self.patient_a, 0)
        # The merge's context from a client (RPC) is not a merge: the lock holds.
        for kind in ("encounter", "vital"):
            with self.subTest(kind=kind), self.assertRaisesMessage(UserError, "closed"):
                records[kind].with_user(self.manager).with_context(hms_patient_merge=True).write(
                    {"patient_id": duplicate.id}
                )
        with self.assertRaisesMessage(UserError, "closed"):
            records["vital"].sudo().write({"patient_id": duplicate.id})
        with self.assertRaisesMessage(UserError, "append-only"):
            records["addendum"].sudo().with_context(hms_patient_merge=True).write(
                {"text": "Rewritten"}
            )
        self.assertEqual(records["encounter"].patient_id, self.patient_a)
