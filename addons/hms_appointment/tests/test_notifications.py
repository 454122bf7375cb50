from freezegun import freeze_time

from odoo.tests import tagged

from .common import HmsAppointmentCase, at


@tagged("post_install", "-at_install")
@freeze_time("2030-06-01 10:00:00")
class TestNotifications(HmsAppointmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sms_account = cls.env["iap.account"].create(
            {"service_id": cls.env.ref("sms.iap_service_sms").id, "state": "registered"}
        )

    def outgoing(self, appointment):
        mails = self.env["mail.mail"].search(
            [("model", "=", "hms.appointment"), ("res_id", "=", appointment.id)]
        )
        sms = self.env["sms.sms"].search([("mail_message_id", "in", appointment.message_ids.ids)])
        return mails, sms

    def test_booking_tells_the_patient_and_the_practitioner(self):
        appointment = self.book(at(0, 9))
        mails, sms = self.outgoing(appointment)
        patient_mails = mails.filtered(lambda m: self.patient_a.partner_id in m.recipient_ids)
        self.assertEqual(len(patient_mails), 1)
        self.assertIn("confirmed", patient_mails.subject.lower())
        self.assertIn("2030-06-03 09:00", patient_mails.body_html)
        doctor_mails = mails.filtered(lambda m: self.doctor.email in (m.email_to or ""))
        self.assertEqual(len(doctor_mails), 1)
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.number, self.patient_a.partner_id.phone_sanitized)
        self.assertEqual(sms.state, "outgoing", "queued for Odoo's SMS sender, not sent inline")
        self.assertIn("is confirmed", sms.body)
        activity = appointment.activity_ids
        self.assertEqual(activity.user_id, self.doctor)
        self.assertIn("New booking", activity.summary)

    def test_move_and_cancel_tell_them_again(self):
        appointment = self.book(at(0, 9))
        appointment._action_reschedule(at(1, 10))
        appointment._action_cancel("Travelling")
        _mails, sms = self.outgoing(appointment)
        bodies = " | ".join(sms.mapped("body"))
        self.assertIn("was moved to 2030-06-04 10:00", bodies)
        self.assertIn("is cancelled", bodies)
        summaries = " | ".join(appointment.activity_ids.mapped("summary"))
        self.assertIn("Booking moved", summaries)
        self.assertIn("Booking cancelled", summaries)

    def test_portal_request_waits_for_staff_when_the_clinic_asks(self):
        appointment = self.book(at(0, 9), state="requested", source="portal")
        _mails, sms = self.outgoing(appointment)
        self.assertFalse(sms, "no confirmation before the staff validates")
        self.assertEqual(len(appointment.activity_ids), 1, "the practitioner sees the request")
        appointment.with_user(self.receptionist).action_confirm()
        self.assertEqual(appointment.state, "confirmed")
        _mails, sms = self.outgoing(appointment)
        self.assertEqual(len(sms), 1)

    def test_reminder_cron_uses_the_clinic_lead_time(self):
        self.clinic_a.hms_reminder_hours = 48
        self.clinic_b.hms_reminder_hours = 2
        soon_a = self.book(at(0, 9))
        later_a = self.book(at(3, 9), patient=self.patient_c)
        soon_b = self.book(at(0, 9), patient=self.patient_b, practitioner=self.practitioner_b)
        Appointment = self.env["hms.appointment"]
        with freeze_time("2030-06-02 08:00:00"):
            self.assertEqual(Appointment._cron_send_reminders(), soon_a)
            self.assertFalse(Appointment._cron_send_reminders(), "each reminder is sent once")
        with freeze_time("2030-06-03 07:30:00"):
            self.assertEqual(Appointment._cron_send_reminders(), soon_b)
        self.assertTrue(soon_a.reminder_sent)
        self.assertFalse(later_a.reminder_sent)
        _mails, sms = self.outgoing(soon_a)
        self.assertIn("reminder", " ".join(sms.mapped("body")))
        cron = self.env.ref("hms_appointment.ir_cron_hms_appointment_reminders")
        self.assertEqual(cron.code.strip(), "model._cron_send_reminders()")

    def test_templates_are_editable_records(self):
        template = self.env.ref("hms_appointment.sms_template_appointment_confirmed")
        template.body = "Booked: {{ object.name }}"
        appointment = self.book(at(0, 9))
        _mails, sms = self.outgoing(appointment)
        self.assertEqual(sms.body, f"Booked: {appointment.name}")

    def test_without_an_sms_provider_nothing_goes_by_sms(self):
        """Offline or unregistered: e-mails only, said on the record, and no noise in the log."""
        self.sms_account.state = "unregistered"
        self.clinic_a.hms_reminder_hours = 48
        appointment = self.book(at(0, 9))
        with (
            freeze_time("2030-06-02 08:00:00"),
            self.assertNoLogs("odoo", level="WARNING"),
        ):
            self.assertEqual(self.env["hms.appointment"]._cron_send_reminders(), appointment)
            self.env["sms.sms"].sudo()._process_queue()
        mails, sms = self.outgoing(appointment)
        self.assertFalse(sms)
        self.assertIn("reminder", " ".join(mails.mapped("subject")).lower())
        notes = appointment.message_ids.filtered(lambda m: "No SMS sent" in (m.body or ""))
        self.assertEqual(len(notes), 2, "the confirmation and the reminder")
