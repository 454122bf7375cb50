from odoo import api, models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _authenticate_explicit(cls, auth):
        # Every request of a signed-in session passes here, whatever the route's auth: staff
        # sessions idle for longer than their clinic allows end before anything is served.
        session = request.session
        if session.uid is not None:
            user = request.env["res.users"].sudo().browse(session.uid).exists()
            if user and user._hms_end_idle_session(session):
                request.env = api.Environment(request.env.cr, None, session.context)
        return super()._authenticate_explicit(auth)

    def session_info(self):
        info = super().session_info()
        if request.session.uid and not info.get("home_action_id"):
            info["home_action_id"] = self.env.user._hms_home_action().id
        return info
