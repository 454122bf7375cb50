from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.hms_base.tests.common import HmsCase, HmsCommon


class HmsPatientCommon(HmsCommon):
    """The suite's fixture plus one patient per clinic.

    ``portal_patient_a`` is patient A's own portal account; ``portal_guardian`` is the
    portal account of a parent who manages ``patient_dependant`` (clinic A).
    """

    @classmethod
    def setup_hms(cls):
        super().setup_hms()
        Patient = cls.env["hms.patient"]
        cls.patient_a = Patient.create(
            {
                "name": "Alice Test",
                "birthdate": "1985-04-12",
                "gender": "female",
                "phone": "+1 217 555 0100",
                "company_id": cls.clinic_a.id,
            }
        )
        cls.patient_b = Patient.create(
            {"name": "Bob Test", "birthdate": "1990-01-01", "company_id": cls.clinic_b.id}
        )
        cls.portal_patient_a = cls._hms_portal_user("hms_test_alice", cls.patient_a.partner_id)
        cls.guardian_partner = cls.env["res.partner"].create(
            {"name": "Gina Guardian", "email": "gina@example.com"}
        )
        cls.portal_guardian = cls._hms_portal_user("hms_test_gina", cls.guardian_partner)
        cls.patient_dependant = Patient.create(
            {
                "name": "Dana Dependant",
                "birthdate": "2018-09-30",
                "company_id": cls.clinic_a.id,
                "guardian_partner_ids": [Command.link(cls.guardian_partner.id)],
            }
        )

    @classmethod
    def _hms_portal_user(cls, login, partner):
        return new_test_user(
            cls.env,
            login=login,
            password=f"{login}-Secret-2026",
            groups="base.group_portal",
            partner_id=partner.id,
            name=partner.name,
            company_id=cls.clinic_a.id,
            company_ids=[Command.set(cls.clinic_a.ids)],
            tz="UTC",
        )


class HmsPatientCase(HmsPatientCommon, HmsCase):
    """Base case of the addons that stand on the patient registry."""
