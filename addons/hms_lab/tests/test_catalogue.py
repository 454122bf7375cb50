from datetime import date

from odoo.tests import tagged

from .common import HmsLabCase


@tagged("post_install", "-at_install")
class TestCatalogue(HmsLabCase):
    def fit(self, patient, on, pregnant=False, test=None):
        test = test or self.test_hgb
        return test._hms_fit_ranges(patient, on, pregnant).get(test)

    def test_range_fits_sex_age_and_pregnancy(self):
        woman = self.patient_a  # female, born 1985-04-12
        fitted = self.fit(woman, date(2026, 1, 1))
        self.assertEqual((fitted.sex, fitted.pregnancy), ("female", "any"))
        self.assertEqual(self.fit(woman, date(2026, 1, 1), pregnant=True).pregnancy, "pregnant")
        man = self.env["hms.patient"].create(
            {"name": "Max Test", "gender": "male", "birthdate": "1980-01-01"}
        )
        self.assertEqual(self.fit(man, date(2026, 1, 1)).sex, "male")
        # A child of 7: the child band (1 to 18 years), whatever the sex.
        child = self.patient_dependant
        self.assertEqual(self.fit(child, date(2026, 1, 1)).age_max, 18)
        # The band ends on the 18th birthday (excluded) and the adult band starts there.
        teen = self.env["hms.patient"].create(
            {"name": "Tess Test", "gender": "female", "birthdate": "2008-06-15"}
        )
        self.assertEqual(self.fit(teen, date(2026, 6, 14)).age_max, 18)
        self.assertEqual(self.fit(teen, date(2026, 6, 15)).sex, "female")
        # A baby under one year has no range here: no flag rather than a wrong one.
        baby = self.env["hms.patient"].create({"name": "Bea Test", "birthdate": "2025-12-01"})
        self.assertFalse(self.fit(baby, date(2026, 1, 1)))

    def test_flags_from_typed_limits(self):
        range_ = self.fit(self.patient_a, date(2026, 1, 1))
        cases = {
            6.5: "critical_low",
            7: "critical_low",
            11.9: "low",
            12: "normal",
            15.5: "normal",
            15.6: "high",
            20: "critical_high",
        }
        for value, flag in cases.items():
            with self.subTest(value=value):
                self.assertEqual(range_._hms_flag(value), flag)

    def test_demo_catalogue(self):
        tests = self.env["hms.lab.test"].search([("code", "in", ["HGB", "K", "GLU", "UPRO"])])
        if len(tests) < 4:
            self.skipTest("demo data not installed")
        panels = self.env["hms.lab.panel"].search([("code", "in", ["CBC", "BMP", "LIPID", "UA"])])
        self.assertEqual(len(panels), 4)
        self.assertGreaterEqual(len(panels.test_ids), 25)
        self.assertTrue(all(test.loinc_code for test in panels.test_ids))
        hgb = tests.filtered(lambda t: t.code == "HGB")
        self.assertEqual(hgb.loinc_code, "718-7")
        self.assertTrue(hgb.range_ids.filtered(lambda r: r.age_max == 18))
