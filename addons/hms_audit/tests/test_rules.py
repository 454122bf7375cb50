from odoo.tests import tagged

from .common import HmsAuditCase


@tagged("post_install", "-at_install")
class TestAuditRules(HmsAuditCase):
    def test_every_hms_model_is_audited_by_default(self):
        hms_models = self.env["ir.model"].search(
            [
                ("model", "=like", "hms.%"),
                ("model", "not like", "hms.audit."),
                ("transient", "=", False),
            ]
        )
        # The abstract mixins of hms_base have no records of their own.
        concrete = {m for m in hms_models.mapped("model") if not self.env[m]._abstract}
        self.assertIn("hms.patient", concrete)
        rules = self.env["hms.audit.rule"].search([])
        self.assertLessEqual(concrete, set(rules.mapped("model")))
        self.assertFalse(rules.filtered(lambda r: self.env[r.model]._abstract))
        self.assertTrue(
            all(rules.filtered(lambda r: r.model.startswith("hms.")).mapped("audit_reads"))
        )
        self.assertFalse(rules.filtered(lambda r: r.model.startswith("hms.audit.")))

    def test_a_new_model_gets_its_rule_and_a_disabled_rule_stays_off(self):
        Rule = self.env["hms.audit.rule"].with_context(active_test=False)
        Rule.search([("model", "=", "hms.department")]).unlink()
        specialty = Rule.search([("model", "=", "hms.specialty")])
        specialty.active = False
        self.env["hms.audit.rule"]._register_hook()
        self.assertTrue(Rule.search([("model", "=", "hms.department")]).active)
        self.assertFalse(specialty.active)
        self.assertNotIn("hms.specialty", self.env["hms.audit.rule"]._get_rules())

    def test_account_move_rule_only_when_installed(self):
        has_account = "account.move" in self.env
        rule = self.env["hms.audit.rule"].search([("model", "=", "account.move")])
        self.assertEqual(bool(rule), has_account)
