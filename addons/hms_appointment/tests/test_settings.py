from unittest.mock import patch

from odoo.tests import Form, tagged

from .common import HmsAppointmentCase


@tagged("post_install", "-at_install")
class TestSettings(HmsAppointmentCase):
    def open_settings(self):
        settings = self.env["res.config.settings"].with_user(self.manager)
        return Form(settings.with_company(self.clinic_a))

    def test_every_clinic_has_its_own_waiting_room_token(self):
        tokens = (self.clinic_a | self.clinic_b).sudo().mapped("hms_queue_token")
        self.assertTrue(all(tokens))
        self.assertEqual(len(set(tokens)), 2)

    def test_opening_settings_changes_nothing_until_save(self):
        self.clinic_a.sudo().hms_queue_token = False
        self.env.flush_all()
        ResCompany = type(self.env["res.company"])
        with patch.object(
            ResCompany, "write", autospec=True, side_effect=ResCompany.write
        ) as write:
            form = self.open_settings()
            self.assertFalse(form.hms_queue_display_url)
            self.env.flush_all()
        self.assertFalse(write.called, "opening Settings wrote to the clinic")
        self.assertFalse(self.clinic_a.sudo().hms_queue_token)
        form.save().execute()
        token = self.clinic_a.sudo().hms_queue_token
        self.assertTrue(token, "Save gives the clinic its waiting-room address")
        self.assertEqual(self.open_settings().hms_queue_display_url, f"/hms/queue/{token}")

    def test_settings_say_whether_sms_can_be_sent(self):
        self.assertFalse(self.open_settings().hms_can_send_sms)
        self.env["iap.account"].create(
            {"service_id": self.env.ref("sms.iap_service_sms").id, "state": "registered"}
        )
        self.assertTrue(self.open_settings().hms_can_send_sms)
