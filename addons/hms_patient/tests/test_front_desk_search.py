from odoo import Command
from odoo.tests import tagged

from .common import HmsPatientCase


@tagged("post_install", "-at_install")
class TestFrontDeskSearch(HmsPatientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.passport = cls.env.ref("hms_patient.identifier_type_passport")
        # The same person registered in both clinics: every lookup matches both records.
        cls.zoe_a, cls.zoe_b = cls.env["hms.patient"].create(
            [
                {
                    "name": "Zoë Ibáñez",
                    "birthdate": "1961-07-08",
                    "mobile": "+1 309 555 0177",
                    "company_id": clinic.id,
                    "identifier_ids": [
                        Command.create({"type_id": cls.passport.id, "value": "ZX-4455-66"})
                    ],
                }
                for clinic in (cls.clinic_a, cls.clinic_b)
            ]
        )

    def find(self, user, text, active_test=True, **kwargs):
        Patient = self.env["hms.patient"].with_user(user).with_context(active_test=active_test)
        return Patient.search([("search_key", "ilike", text)], **kwargs)

    def test_each_lookup_finds_the_patient_of_the_own_clinic_only(self):
        lookups = ("ibanez", "ZOË", "(309) 555-0177", "309.555.0177", "zx 4455 66", "07/08/1961")
        for user, own, other in (
            (self.receptionist, self.zoe_a, self.zoe_b),
            (self.doctor_b, self.zoe_b, self.zoe_a),
        ):
            for text in (*lookups, own.mrn.lower(), "1961-07-08"):
                with self.subTest(user=user.login, text=text):
                    found = self.find(user, text)
                    self.assertIn(own, found)
                    self.assertNotIn(other, found, "record rules apply to every lookup")

    def test_exact_lookups_of_another_clinic_find_nothing(self):
        carl = self.env["hms.patient"].create(
            {
                "name": "Carl Elsewhere",
                "birthdate": "1944-11-30",
                "phone": "+1 312 555 0188",
                "company_id": self.clinic_b.id,
                "identifier_ids": [Command.create({"type_id": self.passport.id, "value": "QK88"})],
            }
        )
        for text in ("(312) 555-0188", "qk88", "11/30/1944", "Elsewhere"):
            with self.subTest(text=text):
                self.assertFalse(self.find(self.receptionist, text))
        self.assertNotIn(carl, self.find(self.receptionist, carl.mrn))
        self.assertEqual(self.find(self.doctor_b, "qk88"), carl)

    def test_lookups_are_alternatives(self):
        # The digits of Zoë's mobile are another patient's identifier: both are found.
        ivo = self.env["hms.patient"].create(
            {
                "name": "Ivo Number",
                "company_id": self.clinic_a.id,
                "identifier_ids": [
                    Command.create({"type_id": self.passport.id, "value": "3095550177"})
                ],
            }
        )
        self.assertEqual(self.find(self.receptionist, "309 555 0177"), ivo | self.zoe_a)

    def test_archived_patients_only_on_request(self):
        self.zoe_a.action_archive()
        for text in ("ibanez", self.zoe_a.mrn, "(309) 555-0177", "ZX445566", "1961-07-08"):
            with self.subTest(text=text):
                self.assertNotIn(self.zoe_a, self.find(self.receptionist, text))
                archived = self.find(self.receptionist, text, active_test=False)
                self.assertIn(self.zoe_a, archived)

    def test_results_ordered_by_name_and_limited(self):
        ann = self.env["hms.patient"].create(
            {"name": "Ann Ibanez", "birthdate": "1999-12-31", "company_id": self.clinic_a.id}
        )
        self.assertEqual(self.find(self.receptionist, "ibáñez").ids, [ann.id, self.zoe_a.id])
        self.assertEqual(self.find(self.receptionist, "ibanez", limit=1, offset=1), self.zoe_a)
        self.assertEqual(
            self.env["hms.patient"]
            .with_user(self.receptionist)
            .search_count([("search_key", "ilike", "ibanez")]),
            2,
        )
