from odoo.addons.hms_base.tests.common import HmsCase, HmsCommon


class HmsPatientCommon(HmsCommon):
    """The suite's fixture plus one patient per clinic."""

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


class HmsPatientCase(HmsPatientCommon, HmsCase):
    """Base case of the addons that stand on the patient registry."""
