from contextlib import contextmanager

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

ROLES = {
    "receptionist": "hms_base.group_hms_receptionist",
    "nurse": "hms_base.group_hms_nurse",
    "doctor": "hms_base.group_hms_doctor",
    "pharmacist": "hms_base.group_hms_pharmacist",
    "lab_technician": "hms_base.group_hms_lab_technician",
    "billing_clerk": "hms_base.group_hms_billing_clerk",
    "manager": "hms_base.group_hms_manager",
    "auditor": "hms_base.group_hms_auditor",
}


def hms_password(user):
    """The password of a user made by the suite's fixtures."""
    return f"{user.login}-Secret-2026"


class HmsCommon:
    """Shared fixture of the suite: two clinics, one user per role, practitioners.

    Mixed into ``TransactionCase`` (:class:`HmsCase`) and ``HttpCase`` alike.
    """

    @classmethod
    def _hms_user(cls, login, groups, company, companies=None, **values):
        return new_test_user(
            cls.env,
            login=login,
            password=f"{login}-Secret-2026",  # = hms_password(user)
            groups=groups,
            company_id=company.id,
            company_ids=[Command.set((companies or company).ids)],
            email=f"{login}@clinic.example.com",
            tz="UTC",
            **values,
        )

    @classmethod
    def setup_hms(cls):
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        Company = cls.env["res.company"]
        us = cls.env.ref("base.us")
        cls.clinic_a = Company.create(
            {"name": "Test Clinic A", "hms_clinic_code": "TCA", "country_id": us.id}
        )
        cls.clinic_b = Company.create(
            {"name": "Test Clinic B", "hms_clinic_code": "TCB", "country_id": us.id}
        )
        # 40 hours a week, Monday to Friday 8-12 and 13-17, in UTC to keep dates simple.
        cls.calendar_a = cls.env["resource.calendar"].create(
            {"name": "Clinic A hours", "company_id": cls.clinic_a.id, "tz": "UTC"}
        )
        cls.users = {
            role: cls._hms_user(f"hms_test_{role}", group, cls.clinic_a)
            for role, group in ROLES.items()
        }
        for role, user in cls.users.items():
            setattr(cls, role, user)
        cls.doctor_b = cls._hms_user("hms_test_doctor_b", ROLES["doctor"], cls.clinic_b)
        cls.portal_user = cls._hms_user(
            "hms_test_portal", "base.group_portal", cls.clinic_a, name="Pat Portal"
        )
        cls.specialty_gp = cls.env.ref("hms_base.specialty_general_practice")
        cls.specialty_cardio = cls.env.ref("hms_base.specialty_cardiology")
        Practitioner = cls.env["hms.practitioner"]
        cls.practitioner_a = Practitioner.create(
            {
                "name": "Test Doctor A",
                "user_id": cls.doctor.id,
                "licence_number": "LIC-A-1",
                "company_id": cls.clinic_a.id,
                "resource_calendar_id": cls.calendar_a.id,
                "tz": "UTC",
                "specialty_ids": [Command.set(cls.specialty_gp.ids)],
            }
        )
        cls.practitioner_b = Practitioner.create(
            {
                "name": "Test Doctor B",
                "user_id": cls.doctor_b.id,
                "licence_number": "LIC-B-1",
                "company_id": cls.clinic_b.id,
                "tz": "UTC",
                "specialty_ids": [Command.set(cls.specialty_cardio.ids)],
            }
        )

    @contextmanager
    def assertRaisesMessage(self, exception, regex):
        """``assertRaises`` (rolled back to a savepoint: nothing half-saved stays) whose message
        matches ``regex``; the one way the suite checks what an error says."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), regex)

    def rpc(self, user, model, method, *args, **kwargs):
        """Call ``model.method`` over XML-RPC as ``user`` (in an ``HttpCase``)."""
        uid = self.xmlrpc_common.authenticate(
            self.env.cr.dbname, user.login, hms_password(user), {}
        )
        self.assertEqual(uid, user.id)
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, uid, hms_password(user), model, method, list(args), kwargs
        )


class HmsCase(HmsCommon, TransactionCase):
    """Base case for the HMS suite's transactional tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()
