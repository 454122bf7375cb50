import json
import time

import odoo.http
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from odoo.addons.bus.tests.common import WebsocketCase
from odoo.addons.bus.websocket import CloseCode
from odoo.addons.hms_base.models.res_users import LAST_SEEN_KEY

from .common import HmsCommon, hms_password


def idle_for(session, minutes):
    """The session was last active ``minutes`` ago."""
    store = odoo.http.root.session_store
    session = store.get(session.sid)
    session[LAST_SEEN_KEY] = int(time.time()) - minutes * 60
    store.save(session)


@tagged("post_install", "-at_install", "hms_access")
class TestStaffSessions(HmsCommon, HttpCase):
    """Automatic logoff of idle staff sessions, and the privacy officer's view of sessions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()
        # Odoo creates them on the first read-only session request, and logs its retry.
        for user in (*cls.users.values(), cls.portal_user):
            cls.env["res.users.settings"]._find_or_create_for_user(user)

    def signed_in_uid(self):
        """The user of the browser's session as the server sees it, None when signed out."""
        response = self.url_open(
            "/web/session/get_session_info",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {}}),
            headers={"Content-Type": "application/json"},
        )
        body = response.json()
        if "error" in body:
            self.assertEqual(body["error"]["data"]["name"], "odoo.http.SessionExpiredException")
            return None
        return body["result"]["uid"]

    def idle_for(self, minutes):
        idle_for(self.session, minutes)

    def test_idle_staff_session_ends_after_thirty_minutes(self):
        self.assertEqual(self.clinic_a.hms_session_idle_minutes, 30, "the default")
        self.authenticate(self.nurse.login, hms_password(self.nurse))
        self.assertEqual(self.signed_in_uid(), self.nurse.id)
        self.idle_for(29)
        self.assertEqual(self.signed_in_uid(), self.nurse.id)
        # That request was activity: the idle time starts again.
        last_seen = odoo.http.root.session_store.get(self.session.sid)[LAST_SEEN_KEY]
        self.assertGreater(last_seen, time.time() - 60)
        self.idle_for(31)
        self.assertIsNone(self.signed_in_uid())
        # Its device is no longer listed among the active sessions.
        self.assertFalse(
            self.env["res.device"].search([("session_identifier", "=", self.session.sid[:42])])
        )
        self.assertIsNone(self.signed_in_uid(), "signing in again is the only way back")

    def test_the_clinic_sets_the_idle_time(self):
        self.clinic_a.hms_session_idle_minutes = 10
        self.authenticate(self.doctor.login, hms_password(self.doctor))
        self.assertEqual(self.signed_in_uid(), self.doctor.id)
        self.idle_for(11)
        self.assertIsNone(self.signed_in_uid())
        # Staff of several clinics get the strictest one.
        self.clinic_a.hms_session_idle_minutes = 60
        self.clinic_b.hms_session_idle_minutes = 5
        self.doctor.company_ids |= self.clinic_b
        self.assertEqual(self.doctor._hms_session_idle_limit(), 5 * 60)
        with self.assertRaisesRegex(ValidationError, "1 to 1440 minutes"):
            self.clinic_a.hms_session_idle_minutes = 0

    def test_portal_sessions_keep_odoo_lifetime(self):
        self.authenticate(self.portal_user.login, hms_password(self.portal_user))
        self.assertEqual(self.signed_in_uid(), self.portal_user.id)
        self.idle_for(120)
        self.assertEqual(self.signed_in_uid(), self.portal_user.id)

    def test_privacy_officer_sees_and_revokes_staff_sessions(self):
        self.authenticate(self.nurse.login, hms_password(self.nurse))
        self.assertEqual(self.signed_in_uid(), self.nurse.id)  # records the nurse's device
        nurse_sid = self.session.sid
        self.session = None  # signing in elsewhere keeps the nurse's session
        self.authenticate(self.portal_user.login, hms_password(self.portal_user))
        self.signed_in_uid()
        self.session = None
        self.authenticate(self.auditor.login, hms_password(self.auditor))

        Device = self.env["res.device"]
        self.assertIn(self.nurse, Device.with_user(self.auditor).search([]).user_id)
        self.assertNotIn(
            self.portal_user,
            Device.with_user(self.auditor).search([]).user_id,
            "patients' devices are not the privacy officer's business",
        )
        self.assertFalse(
            Device.with_user(self.doctor).search([("user_id", "=", self.nurse.id)]),
            "other staff see their own devices only",
        )
        menu = self.env.ref("hms_base.res_device_menu_hms")
        self.assertEqual(menu.action.domain, "[('user_id.share', '=', False)]")

        # Revoke, confirming the password as Odoo asks for it.
        device = Device.with_user(self.auditor).search([("user_id", "=", self.nurse.id)])
        action = self.make_jsonrpc_request(
            "/web/dataset/call_button",
            {"model": "res.device", "method": "revoke", "args": [device.ids], "kwargs": {}},
        )
        self.assertEqual(action["res_model"], "res.users.identitycheck")
        check = {"model": "res.users.identitycheck", "kwargs": {}}
        self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                **check,
                "method": "write",
                "args": [[action["res_id"]], {"password": hms_password(self.auditor)}],
            },
        )
        self.make_jsonrpc_request(
            "/web/dataset/call_button",
            {**check, "method": "run_check", "args": [[action["res_id"]]]},
        )
        self.assertFalse(Device.search([("user_id", "=", self.nurse.id)]))
        self.assertEqual(self.signed_in_uid(), self.auditor.id, "the officer stays signed in")
        self.opener.cookies["session_id"] = nurse_sid
        self.assertIsNone(self.signed_in_uid(), "the nurse's browser is signed out")


@tagged("post_install", "-at_install", "hms_access")
class TestIdleSessionWebsocket(HmsCommon, WebsocketCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()

    def test_an_open_websocket_neither_keeps_nor_outlives_an_idle_session(self):
        session = self.authenticate(self.nurse.login, hms_password(self.nurse))
        websocket = self.websocket_connect(cookie=f"session_id={session.sid};")
        self.subscribe(websocket, [], self.env["bus.bus"]._bus_last_id())
        idle_for(session, 31)
        self.subscribe(websocket, wait_for_dispatch=False)
        self.assert_close_with_code(websocket, CloseCode.SESSION_EXPIRED)
