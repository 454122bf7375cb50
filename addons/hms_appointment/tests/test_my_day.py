from datetime import timedelta

from freezegun import freeze_time
from lxml import etree

from odoo.osv import expression
from odoo.tests import HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.hms_base.tests.common import ROLES, hms_password

from .common import MONDAY, HmsAppointmentCase, HmsAppointmentCommon, at


def filter_groups(search_arch):
    """The search view's filters with a domain, in the groups the web client makes of them: a
    separator, a field or a group of group-bys starts a new group."""
    groups, current = [], []
    for node in etree.fromstring(search_arch).iter("separator", "field", "group", "filter"):
        if node.tag == "filter" and node.get("domain"):
            current.append(node)
        elif current:
            groups.append(current)
            current = []
    return [*groups, current] if current else groups


@tagged("post_install", "-at_install")
@freeze_time("2030-06-01 10:00:00")
class TestMyDay(HmsAppointmentCase):
    def client_search(self, action, user, today):
        """What the web client lists when ``user`` opens ``action``: the action's domain, AND
        each group of the default filters (a group's filters are OR-ed).

        The client evaluates "Today" in the browser's time zone; here the day is given.
        """
        Appointment = self.env["hms.appointment"].with_user(user)
        context = safe_eval(action.context or "{}", {"uid": user.id})
        defaults = {
            key.removeprefix("search_default_")
            for key, value in context.items()
            if key.startswith("search_default_") and value
        }
        arch = Appointment.get_view(action.search_view_id.id, "search")["arch"]
        domain = safe_eval(action.domain or "[]", {"uid": user.id})
        for group in filter_groups(arch):
            active = [node for node in group if node.get("name") in defaults]
            if not active:
                continue
            domains = [
                [("start", ">=", today), ("start", "<", today + timedelta(days=1))]
                if node.get("name") == "today"
                else safe_eval(node.get("domain"), {"uid": user.id})
                for node in active
            ]
            domain = expression.AND([domain, expression.OR(domains)])
        return Appointment.search(domain)

    def test_my_day_is_mine_and_today(self):
        colleague = self._hms_user("hms_test_doctor_c", ROLES["doctor"], self.clinic_a)
        practitioner_c = self.env["hms.practitioner"].create(
            {
                "name": "Test Doctor C",
                "user_id": colleague.id,
                "licence_number": "LIC-A-3",
                "company_id": self.clinic_a.id,
                "resource_calendar_id": self.calendar_a.id,
                "tz": "UTC",
            }
        )
        mine_today = self.book(at(0, 9))
        self.book(at(1, 9))  # mine, tomorrow
        self.book(at(0, 9), patient=self.patient_c, practitioner=practitioner_c)  # a colleague's
        my_day = self.env.ref("hms_appointment.hms_appointment_action_my_day")
        self.assertEqual(self.client_search(my_day, self.doctor, MONDAY), mine_today)
        self.assertEqual(
            self.client_search(my_day, colleague, MONDAY).practitioner_id, practitioner_c
        )

    def test_my_appointments_and_today_combine(self):
        arch = self.env["hms.appointment"].get_view(view_type="search")["arch"]
        group_of = {
            node.get("name"): number
            for number, group in enumerate(filter_groups(arch))
            for node in group
        }
        self.assertNotEqual(group_of["my_appointments"], group_of["today"])


@tagged("post_install", "-at_install")
class TestRoleHome(HmsAppointmentCommon, HttpCase):
    """Staff land on their work after signing in, not on Discuss."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()
        # Odoo creates them on the first read-only session request, and logs its retry.
        for user in (*cls.users.values(), cls.portal_user):
            cls.env["res.users.settings"]._find_or_create_for_user(user)

    def home_after_sign_in(self, user):
        self.authenticate(user.login, hms_password(user))
        return self.make_jsonrpc_request("/web/session/get_session_info")["home_action_id"]

    def test_each_role_lands_on_its_work(self):
        homes = {
            "receptionist": "hms_patient.hms_patient_action",
            "nurse": "hms_appointment.hms_appointment_action_queue",
            "doctor": "hms_appointment.hms_appointment_action_my_day",
            # Several roles: the most specific one's home.
            "manager": "hms_appointment.hms_appointment_action_my_day",
        }
        for role, xmlid in homes.items():
            with self.subTest(role=role):
                self.assertEqual(self.home_after_sign_in(self.users[role]), self.env.ref(xmlid).id)
        # Roles whose worklists come with their addons keep Odoo's default for now.
        self.assertFalse(self.home_after_sign_in(self.auditor))

    def test_a_home_action_of_the_user_wins(self):
        own = self.env.ref("hms_appointment.hms_appointment_action")
        self.doctor.action_id = own.id
        self.assertEqual(self.home_after_sign_in(self.doctor), own.id)
