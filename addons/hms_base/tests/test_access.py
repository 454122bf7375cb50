import xmlrpc.client

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import HmsCase, HmsCommon

STAFF = (
    "receptionist",
    "nurse",
    "doctor",
    "pharmacist",
    "lab_technician",
    "billing_clerk",
    "auditor",
)


@tagged("post_install", "-at_install", "hms_access")
class TestAccess(HmsCase):
    def test_staff_read_but_do_not_edit_the_register(self):
        for role in STAFF:
            user = self.users[role]
            with self.subTest(role=role):
                self.assertEqual(
                    self.practitioner_a.with_user(user).read(["name"])[0]["name"], "Test Doctor A"
                )
                self.assertTrue(self.specialty_gp.with_user(user).name)
                with mute_logger("odoo.addons.base.models.ir_model"):
                    with self.assertRaises(AccessError):
                        self.practitioner_a.with_user(user).write({"licence_number": "FORGED"})
                    with self.assertRaises(AccessError):
                        self.env["hms.practitioner"].with_user(user).create({"name": "Intruder"})
                    with self.assertRaises(AccessError):
                        self.specialty_gp.with_user(user).write({"name": "Renamed"})
                    with self.assertRaises(AccessError):
                        self.env["hms.department"].with_user(user).create({"name": "Shadow"})
        self.assertEqual(self.practitioner_a.licence_number, "LIC-A-1")

    def test_manager_maintains_the_register(self):
        practitioner = (
            self.env["hms.practitioner"]
            .with_user(self.manager)
            .create({"name": "New Colleague", "licence_number": "LIC-A-9"})
        )
        practitioner.write({"specialty_ids": [(4, self.specialty_cardio.id)]})
        specialty = self.env["hms.specialty"].with_user(self.manager).create({"name": "Neurology"})
        department = (
            self.env["hms.department"]
            .with_user(self.manager)
            .create({"name": "Neurology Unit", "head_id": practitioner.id})
        )
        self.assertEqual(department.company_id, self.clinic_a)
        self.assertEqual(practitioner.specialty_ids, self.specialty_cardio)
        self.assertTrue(specialty.active)

    def test_nobody_deletes_a_practitioner(self):
        with self.assertRaises(UserError):
            self.practitioner_a.with_user(self.manager).unlink()
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(AccessError):
            self.practitioner_a.with_user(self.receptionist).unlink()
        self.assertTrue(self.practitioner_a.exists())

    def test_portal_user_sees_no_staff_register(self):
        with mute_logger("odoo.addons.base.models.ir_model"):
            for model in ("hms.practitioner", "hms.specialty", "hms.department"):
                with self.subTest(model=model), self.assertRaises(AccessError):
                    self.env[model].with_user(self.portal_user).search([])

    def test_settings_are_for_managers(self):
        settings = (
            self.env["res.config.settings"]
            .with_user(self.manager)
            .create({"hms_clinic_code": "NEWA"})
        )
        settings.execute()
        self.assertEqual(self.clinic_a.hms_clinic_code, "NEWA")
        for role in STAFF:
            with self.subTest(role=role), mute_logger("odoo.addons.base.models.ir_model"):
                with self.assertRaises(AccessError):
                    self.env["res.config.settings"].with_user(self.users[role]).create(
                        {"hms_clinic_code": "EVIL"}
                    )
        self.assertEqual(self.clinic_a.hms_clinic_code, "NEWA")

    def test_role_implications(self):
        # Additive roles: doctors and nurses share the clinical group, neither implies the other.
        self.assertTrue(self.doctor.has_group("hms_base.group_hms_clinical"))
        self.assertTrue(self.nurse.has_group("hms_base.group_hms_clinical"))
        self.assertFalse(self.doctor.has_group("hms_base.group_hms_nurse"))
        self.assertTrue(self.doctor.has_group("hms_base.group_hms_receptionist"))
        self.assertTrue(self.nurse.has_group("hms_base.group_hms_receptionist"))
        self.assertFalse(self.nurse.has_group("hms_base.group_hms_doctor"))
        self.assertFalse(self.receptionist.has_group("hms_base.group_hms_nurse"))
        self.assertFalse(self.pharmacist.has_group("hms_base.group_hms_receptionist"))
        self.assertTrue(self.manager.has_group("hms_base.group_hms_doctor"))
        self.assertTrue(self.manager.has_group("hms_base.group_hms_billing_clerk"))
        self.assertFalse(self.manager.has_group("hms_base.group_hms_auditor"))


@tagged("post_install", "-at_install", "hms_access")
class TestAccessRpc(HmsCommon, HttpCase):
    """The external API enforces the same rights as the user interface."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()

    def test_rpc_read_allowed_write_refused(self):
        names = self.rpc(self.receptionist, "hms.practitioner", "search_read", [], fields=["name"])
        self.assertEqual([row["name"] for row in names], ["Test Doctor A"])
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_model"):
            with self.assertRaisesMessage(xmlrpc.client.Fault, "AccessError|not allowed"):
                self.rpc(
                    self.receptionist,
                    "hms.practitioner",
                    "write",
                    [self.practitioner_a.id],
                    {"licence_number": "FORGED"},
                )
            with self.assertRaisesMessage(xmlrpc.client.Fault, "AccessError|not allowed"):
                self.rpc(self.portal_user, "hms.practitioner", "search_read", [])
        self.assertEqual(self.practitioner_a.licence_number, "LIC-A-1")

    def test_rpc_manager_creates(self):
        new_id = self.rpc(self.manager, "hms.practitioner", "create", {"name": "Via RPC"})
        self.assertEqual(self.env["hms.practitioner"].browse(new_id).company_ids, self.clinic_a)

    def test_rpc_malformed_call(self):
        with mute_logger("odoo.http", "odoo.sql_db"):
            with self.assertRaises(xmlrpc.client.Fault):
                self.rpc(self.manager, "hms.practitioner", "write", "not-a-list", {"name": 3})
            with self.assertRaises(xmlrpc.client.Fault):
                self.rpc(self.manager, "hms.no.such.model", "search", [])
        self.assertEqual(self.practitioner_a.name, "Test Doctor A")
