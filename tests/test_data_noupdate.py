"""Data an administrator may change (scheduled actions, message templates, numbering
sequences, settings) survives an upgrade: every addon loads it as noupdate."""

from odoo.tests import TransactionCase, tagged
from odoo.tools import convert_file

EDITABLE_MODELS = ["ir.cron", "mail.template", "sms.template", "ir.sequence", "ir.config_parameter"]


@tagged("post_install", "-at_install")
class TestDataNoupdate(TransactionCase):
    def test_editable_data_of_every_addon_is_noupdate(self):
        self.env.cr.execute(
            """SELECT module || '.' || name FROM ir_model_data
                WHERE module LIKE 'hms\\_%%' AND model = ANY(%s) AND NOT noupdate
                ORDER BY 1""",
            [EDITABLE_MODELS],
        )
        self.assertEqual([row[0] for row in self.env.cr.fetchall()], [])
        self.env.cr.execute(
            "SELECT count(*) FROM ir_model_data WHERE module = 'hms_audit' AND model = 'ir.cron'"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 4)

    def test_an_upgrade_keeps_what_the_administrator_changed_on_a_cron(self):
        cron = self.env.ref("hms_audit.ir_cron_hms_audit_verify")
        cron.write({"interval_number": 3, "active": False})
        convert_file(self.env, "hms_audit", "data/hms_audit_data.xml", {}, mode="update")
        self.assertEqual((cron.interval_number, cron.active), (3, False))
