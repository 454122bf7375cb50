import json

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import file_open

from .common import HmsAuditCase


@tagged("post_install", "-at_install")
class TestAuditWrites(HmsAuditCase):
    def test_create_patient_is_one_event_without_the_values(self):
        patient = (
            self.env["hms.patient"]
            .with_user(self.receptionist)
            .create({"name": "Carol Secret", "birthdate": "1970-02-03"})
        )
        event = self.events_since(self.mark)
        self.assertEqual(len(event), 1)
        self.assertEqual(event.action, "create")
        self.assertEqual(event.model, "hms.patient")
        self.assertEqual(event.res_ids, [patient.id])
        self.assertEqual(event.patient_ids, patient)
        self.assertEqual(event.user_id, self.receptionist)
        self.assertEqual(event.role, "receptionist")
        self.assertEqual(event.company_id, self.clinic_a)
        self.assertIn("birthdate", event.field_names.split(","))
        self.assertEqual(len(event.field_hashes["name"]), 64)
        self.assertTrue(event.sequence and event.event_hash and event.prev_hash)
        self.env.cr.execute(
            "SELECT row_to_json(e)::text FROM hms_audit_event e WHERE id = %s", [event.id]
        )
        row = self.env.cr.fetchone()[0]
        self.assertNotIn("Carol", row)
        self.assertNotIn("1970-02-03", row)

    def test_write_archive_restore(self):
        patient = self.patient_a.with_user(self.receptionist)
        patient.write({"birthdate": "1985-04-13"})
        patient.action_archive()
        patient.action_unarchive()
        events = self.events_since(self.mark)
        self.assertEqual(events.mapped("action"), ["write", "archive", "unarchive"])
        write = events[0]
        self.assertEqual(write.field_names, "birthdate")
        self.assertEqual(write.patient_ids, self.patient_a)
        self.assertEqual(events[1].field_names, "active")
        # The hash tells an auditor which values were written without the log holding them.
        self.assertNotIn("1985-04-13", json.dumps(write.field_hashes))
        self.assertEqual(list(write.field_hashes), ["birthdate"])

    def test_sudo_writes_are_audited_under_the_real_user(self):
        self.patient_a.with_user(self.doctor).sudo().write({"gender": "other"})
        event = self.events_since(self.mark)
        self.assertEqual(event.action, "write")
        self.assertEqual(event.user_id, self.doctor)

    def test_every_hms_base_model(self):
        department = self.env["hms.department"].create(
            {"name": "Ward", "company_id": self.clinic_a.id}
        )
        samples = {
            "hms.practitioner": (self.practitioner_a, {"name": "P", "licence_number": "L-9"}),
            "hms.specialty": (self.specialty_gp, {"name": "Neurology Test"}),
            "hms.department": (department, {"name": "Test Unit"}),
        }
        for model, (existing, values) in samples.items():
            with self.subTest(model=model):
                mark = self.audit_mark()
                record = self.env[model].with_user(self.manager).create(values)
                existing.with_user(self.manager).write({"name": f"{existing.name} bis"})
                existing.with_user(self.manager).web_read({"name": {}})
                expected = ["create", "write", "read"]
                if model != "hms.practitioner":  # practitioners are archived, never deleted
                    record.sudo().unlink()
                    expected.append("unlink")
                events = self.events_since(mark)
                self.assertEqual(events.mapped("action"), expected)
                self.assertEqual(set(events.mapped("model")), {model})
                self.assertEqual(events[0].res_ids, record.ids)
                self.assertEqual(events[1].res_ids, existing.ids)

    def test_models_outside_hms_are_not_audited(self):
        self.env["res.partner"].create({"name": "Not clinical"}).write({"name": "Still not"})
        self.assertFalse(self.events_since(self.mark))

    def test_users_and_clinics_in_the_trail_are_archived_not_deleted(self):
        # Events record their user and clinic without a foreign key: the ORM keeps them.
        newcomer, acting = self.env["res.users"].create(
            [{"name": f"Temp {i}", "login": f"hms-temp-{i}"} for i in range(2)]
        )
        clinic = self.env["res.company"].create({"name": "Audited Branch"})
        self.patient_a.with_user(acting).sudo().with_company(clinic).write({"gender": "other"})
        event = self.events_since(self.mark)
        self.assertEqual((event.user_id, event.company_id), (acting, clinic))
        with self.assertRaisesMessage(UserError, "archive them instead"):
            acting.unlink()
        with self.assertRaisesMessage(UserError, "archive them instead"):
            clinic.unlink()
        self.assertTrue(acting.exists() and clinic.exists())
        newcomer.unlink()
        self.assertFalse(newcomer.exists())

    def test_role_labels_are_translatable(self):
        # Patients read them in "who accessed my record": selection labels, in the .pot.
        labels = dict(self.env["hms.audit.event"]._fields["role"]._description_selection(self.env))
        self.assertEqual(labels["auditor"], "Privacy officer")
        with file_open("hms_audit/i18n/hms_audit.pot") as pot:
            template = pot.read()
        for label in labels.values():
            self.assertIn(f'msgid "{label}"', template)
