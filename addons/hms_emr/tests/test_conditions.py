import xmlrpc.client
from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.hms_base.tests.common import hms_password

from .common import HmsEmrCase, HmsEmrCommon

QUIET = (
    "odoo.addons.base.models.ir_model",
    "odoo.addons.base.models.ir_rule",
    "odoo.models",
    "odoo.http",
)
REPORT = "hms_emr.action_report_visit_summary"


@tagged("post_install", "-at_install")
class TestPatientBackground(HmsEmrCase):
    def close_with(self, *diagnoses, date_start="2026-02-10 09:00:00"):
        encounter = self.open_encounter(
            date_start=date_start,
            diagnosis_ids=[(0, 0, values) for values in diagnoses],
        )
        encounter.action_close()
        return encounter

    def conditions(self):
        return self.env["hms.patient.condition"].search([("patient_id", "=", self.patient_a.id)])

    def test_chronic_diagnoses_become_conditions_once(self):
        self.close_with(
            {"icd10_id": self.icd_diabetes.id, "diagnosis_role": "primary", "is_chronic": True},
            {"icd10_id": self.icd_uri.id},
            {"icd10_id": self.icd_hypertension.id, "is_chronic": True, "status": "ruled_out"},
        )
        condition = self.conditions()
        self.assertEqual(
            (condition.code, condition.name, condition.status, condition.onset_date),
            ("E11.9", self.icd_diabetes.name, "active", date(2026, 2, 10)),
        )
        self.close_with(
            {"icd10_id": self.icd_diabetes.id, "diagnosis_role": "primary", "is_chronic": True},
            date_start="2026-03-10 09:00:00",
        )
        self.assertEqual(self.conditions(), condition, "no duplicate")
        self.assertEqual(condition.onset_date, date(2026, 2, 10), "the first onset stays")

    def test_a_resolved_condition_comes_back(self):
        condition = self.env["hms.patient.condition"].create(
            {
                "patient_id": self.patient_a.id,
                "name": "Hypertension",
                "code": "I10",
                "onset_date": "2020-01-01",
                "resolution_date": "2021-01-01",
                "status": "resolved",
            }
        )
        self.close_with(
            {"icd10_id": self.icd_hypertension.id, "diagnosis_role": "primary", "is_chronic": True}
        )
        self.assertEqual(self.conditions(), condition)
        self.assertEqual((condition.status, condition.resolution_date), ("active", False))

    def test_allergy_and_condition_banners(self):
        self.env["hms.patient.allergy"].create(
            {"patient_id": self.patient_a.id, "allergen": "Penicillin", "severity": "3_severe"}
        )
        self.env["hms.patient.condition"].create(
            {"patient_id": self.patient_a.id, "name": "Asthma", "code": "J45.909"}
        )
        form = Form(self.env["hms.encounter"].with_user(self.doctor))
        form.patient_id = self.patient_a
        self.assertEqual(form.patient_allergy_banner, "Penicillin (Severe)")
        self.assertEqual(form.patient_condition_banner, "J45.909 Asthma")
        encounter = form.save()
        as_nurse = encounter.with_user(self.nurse)
        self.assertEqual(
            (as_nurse.patient_allergy_banner, as_nurse.patient_condition_banner),
            ("Penicillin (Severe)", "J45.909 Asthma"),
        )
        self.assertFalse(
            self.open_encounter(patient=self.patient_dependant).patient_condition_banner
        )


@tagged("post_install", "-at_install", "hms_access")
class TestWhoSeesConditions(HmsEmrCommon, HttpCase):
    """Nurses and doctors (clinical staff) read the patient's medical history; the field,
    the encounter's banner, the views and RPC agree; the visit summary (printed, and
    released to the portal) never carries it; other roles and patients never read it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()
        Condition = cls.env["hms.patient.condition"]
        cls.asthma = Condition.create(
            {"patient_id": cls.patient_a.id, "name": "Asthma", "code": "J45.909"}
        )
        Condition.create(
            {"patient_id": cls.patient_a.id, "name": "Wrist fracture", "status": "resolved"}
        )
        cls.encounter = cls.env["hms.encounter"].create(
            {
                "patient_id": cls.patient_a.id,
                "practitioner_id": cls.practitioner_a.id,
                "chief_complaint": "Wheezing",
            }
        )
        cls.encounter.action_close()
        cls.encounter.action_release_summary()
        cls.colleague = cls._hms_user(
            "hms_test_doctor_a5", "hms_base.group_hms_doctor", cls.clinic_a
        )

    def test_each_role_through_each_path(self):
        # role: (reads the history, reads this encounter)
        expected = {
            self.nurse: (True, True),
            self.doctor: (True, True),
            self.manager: (True, True),
            self.colleague: (True, False),  # not in the care team: not this encounter
            self.receptionist: (False, False),
            self.pharmacist: (False, False),
            self.billing_clerk: (False, False),
            self.portal_patient_a: (False, False),
        }
        banner = "J45.909 Asthma"
        for user, (history, encounter) in expected.items():
            with self.subTest(user=user.login), mute_logger(*QUIET):
                patient = self.patient_a.with_user(user)
                # The field, through the ORM and over XML-RPC.
                if history:
                    self.assertEqual(len(patient.read(["condition_ids"])[0]["condition_ids"]), 2)
                    self.assertIn("condition_ids", patient.fields_get())
                else:
                    with self.assertRaises(AccessError):
                        patient.read(["condition_ids"])
                    self.assertNotIn("condition_ids", patient.fields_get())
                if not user.share:
                    if history:
                        values = self.rpc(
                            user, "hms.patient", "read", [self.patient_a.id], ["condition_ids"]
                        )
                        self.assertEqual(len(values[0]["condition_ids"]), 2)
                    else:
                        with self.assertRaises(xmlrpc.client.Fault):
                            self.rpc(
                                user, "hms.patient", "read", [self.patient_a.id], ["condition_ids"]
                            )
                # The banner: exactly the active conditions, to whoever reads the encounter.
                as_user = self.encounter.with_user(user)
                if encounter:
                    self.assertEqual(as_user.patient_condition_banner, banner)
                    values = self.rpc(
                        user,
                        "hms.encounter",
                        "read",
                        [self.encounter.id],
                        ["patient_condition_banner"],
                    )
                    self.assertEqual(values[0]["patient_condition_banner"], banner)
                    arch = as_user.get_view(self.env.ref("hms_emr.hms_encounter_view_form").id)[
                        "arch"
                    ]
                    self.assertIn("patient_condition_banner", arch)
                    # The visit summary is about the visit: it never prints the history.
                    html = (
                        self.env["ir.actions.report"]
                        .with_user(user)
                        ._render_qweb_html(REPORT, self.encounter.ids)[0]
                    )
                    self.assertIn(b"Wheezing", html)
                    self.assertNotIn(b"Asthma", html)
                else:
                    with self.assertRaises(AccessError):
                        as_user.read(["patient_condition_banner"])

    def test_portal_pages_never_show_the_history(self):
        self.authenticate(self.portal_patient_a.login, hms_password(self.portal_patient_a))
        for url in (
            f"/my/patients/{self.patient_a.id}",
            "/my/visits",
            f"/my/visits/{self.encounter.id}",
        ):
            with self.subTest(url=url):
                page = self.url_open(url)
                self.assertEqual(page.status_code, 200)
                self.assertNotIn("Asthma", page.text)
        self.assertIn("Wheezing", self.url_open(f"/my/visits/{self.encounter.id}").text)
