from odoo import models
from odoo.http import SessionExpiredException

from odoo.addons.bus.websocket import wsrequest


class IrWebsocket(models.AbstractModel):
    _inherit = "ir.websocket"

    @classmethod
    def _authenticate(cls):
        # An open websocket is no activity of the user: it never keeps a session alive, and an
        # idle session's websocket closes on its next message.
        session = wsrequest.session
        if session.uid is not None:
            user = wsrequest.env["res.users"].sudo().browse(session.uid).exists()
            if user and user._hms_end_idle_session(session, touch=False):
                raise SessionExpiredException()
        return super()._authenticate()
