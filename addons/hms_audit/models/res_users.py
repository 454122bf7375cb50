from odoo import api, models
from odoo.exceptions import AccessDenied

from .hms_audit_event import append_now


class ResUsers(models.Model):
    _inherit = "res.users"

    @classmethod
    def _login(cls, db, credential, user_agent_env):
        # The sign-in transaction is not ours (a failure rolls it back): each attempt is
        # appended in a transaction of its own.
        try:
            auth_info = super()._login(db, credential, user_agent_env)
        except AccessDenied:
            append_now(
                cls.pool,
                "login_failure",
                user_id=False,
                role=False,
                company_id=False,
                login=credential.get("login"),
            )
            raise
        append_now(cls.pool, "login", user_id=auth_info["uid"])
        return auth_info

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_audit_trail(self):
        self.env["hms.audit.event"]._check_not_in_trail(self, ["user_id", "real_user_id"])
