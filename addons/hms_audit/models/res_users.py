from odoo import api, models
from odoo.exceptions import AccessDenied

from ..tools.sealer import append_now


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
        """Staff named in the trail are archived, never deleted: the trail must say who did
        what. A portal user whose account is closed (archived, as portal's "delete my account"
        does before queueing the deletion) may go: the events keep the user's id, role and
        hashes (no foreign key), so the chain still verifies and names nobody any more."""
        kept = self.filtered(lambda user: not user.share or user.active)
        self.env["hms.audit.event"]._check_not_in_trail(kept, ["user_id", "real_user_id"])
