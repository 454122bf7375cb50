from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import HmsEmrCase


@tagged("post_install", "-at_install")
class TestIcd10(HmsEmrCase):
    def test_loader_on_a_subset_builds_the_hierarchy(self):
        Icd10 = self.env["hms.icd10"]
        self.assertFalse(Icd10.search([("code", "=", "A00.0")]))
        count = Icd10._load_icd10_catalogue(codes=["A00.0", "A00.1"])
        self.assertEqual(count, 5, "two codes, their category, block and chapter")
        cholera = Icd10.search([("code", "=", "A00.0")])
        self.assertTrue(cholera.is_billable)
        self.assertEqual(cholera.kind, "subcategory")
        self.assertEqual(cholera.parent_id.code, "A00")
        self.assertEqual(cholera.parent_id.parent_id.code, "A00-A09")
        self.assertEqual(cholera.parent_id.parent_id.kind, "block")
        self.assertEqual(cholera.parent_id.parent_id.parent_id.kind, "chapter")
        self.assertFalse(cholera.parent_id.is_billable)

    def test_reload_updates_without_duplicates(self):
        Icd10 = self.env["hms.icd10"]
        self.icd_hypertension.name = "Edited locally"
        before = Icd10.search_count([])
        Icd10._load_icd10_catalogue(codes=["I10"])
        self.assertEqual(Icd10.search_count([]), before)
        self.assertEqual(self.icd_hypertension.name, "Essential (primary) hypertension")

    def test_unknown_code_refused_by_the_loader(self):
        Icd10 = self.env["hms.icd10"]
        before = Icd10.search_count([])
        with self.assertRaisesMessage(UserError, "XX9.99"):
            Icd10._load_icd10_catalogue(codes=["I10", "XX9.99"])
        self.assertEqual(Icd10.search_count([]), before)

    def test_search_by_code_and_words(self):
        Icd10 = self.env["hms.icd10"]
        self.assertIn(self.icd_diabetes, Icd10.search([("display_name", "ilike", "E11.9")]))
        by_words = Icd10.name_search("type 2 diabetes")
        self.assertIn(self.icd_diabetes.id, [row[0] for row in by_words])
        self.assertEqual(
            self.icd_diabetes.display_name, "E11.9 Type 2 diabetes mellitus without complications"
        )
        with self.assertRaisesMessage(ValidationError, "ZZZ.9"):
            Icd10._hms_find_code("ZZZ.9")

    def test_code_is_unique(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["hms.icd10"].create({"code": "I10", "name": "Twin"})

    def test_manager_loads_from_the_settings(self):
        Icd10 = self.env["hms.icd10"]
        with patch.object(type(Icd10), "_load_icd10_catalogue", return_value=98186) as load:
            action = (
                self.env["res.config.settings"]
                .with_user(self.manager)
                .create({})
                .action_hms_load_icd10()
            )
        load.assert_called_once_with()
        self.assertIn("98186", action["params"]["message"])
