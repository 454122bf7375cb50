import time

from odoo import models

# Session key of the last request's time (seconds since the epoch).
LAST_SEEN_KEY = "hms_last_seen"
# Activity is recorded at most once a minute: the session file is not rewritten on every request.
LAST_SEEN_GRANULARITY = 60


class ResUsers(models.Model):
    _inherit = "res.users"

    def _hms_home_action(self):
        """The user's own home action, else the home of their most specific role."""
        self.ensure_one()
        if self.action_id:
            return self.action_id
        groups = self.sudo().groups_id.filtered("hms_home_action_id")
        return groups.sorted(lambda g: (g.hms_home_sequence, g.id))[:1].hms_home_action_id

    def _hms_session_idle_limit(self):
        """Seconds of inactivity that end this user's sessions (0: never), the strictest of the
        user's clinics; patients on the portal are not staff and keep Odoo's own lifetime."""
        self.ensure_one()
        user = self.sudo()
        if user.share or not user.company_ids:
            return 0
        return min(user.company_ids.mapped("hms_session_idle_minutes")) * 60

    def _hms_end_idle_session(self, session, touch=True):
        """End ``session`` (of this user) when it has been idle too long; else, with ``touch``,
        record this request as its last activity. Returns whether the session ended."""
        self.ensure_one()
        limit = self._hms_session_idle_limit()
        if not limit:
            return False
        now = int(time.time())
        last_seen = session.get(LAST_SEEN_KEY)
        if last_seen and now - last_seen > limit:
            self.env["res.device.log"]._hms_mark_revoked(session.sid)
            session.logout(keep_db=True)
            return True
        if touch and (not last_seen or now - last_seen >= LAST_SEEN_GRANULARITY):
            session[LAST_SEEN_KEY] = now
        return False
