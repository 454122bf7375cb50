import contextlib
import hashlib
import json

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.http import request
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.chain import GENESIS_HASH, chain_sql, event_rows, insert_rows, verify_sql
from ..tools.fields import BigInteger, RecordedMany2one
from ..tools.sealer import ChainSealer, seal_in_new_transaction

BUFFER_KEY = "hms_audit.buffer"
# Set while an operation recorded as one event runs (a patient merge): its parts log nothing.
SUPPRESS_KEY = "hms_audit.suppressed"
# Highest role first: the role an event records for its user.
ROLE_GROUPS = (
    ("manager", "hms_base.group_hms_manager"),
    ("doctor", "hms_base.group_hms_doctor"),
    ("nurse", "hms_base.group_hms_nurse"),
    ("pharmacist", "hms_base.group_hms_pharmacist"),
    ("lab_technician", "hms_base.group_hms_lab_technician"),
    ("billing_clerk", "hms_base.group_hms_billing_clerk"),
    ("receptionist", "hms_base.group_hms_receptionist"),
    ("auditor", "hms_base.group_hms_auditor"),
    ("portal", "base.group_portal"),
)
ACTIONS = [
    ("read", "Read"),
    ("create", "Create"),
    ("write", "Write"),
    ("archive", "Archive"),
    ("unarchive", "Restore"),
    ("unlink", "Delete"),
    ("export", "Export"),
    ("print", "Print"),
    ("login", "Login"),
    ("login_failure", "Login Failure"),
    ("break_glass", "Break the Glass"),
    ("merge", "Merge"),
]
# The role an event records, as patients read it in "who accessed my record".
ROLES = [
    ("manager", "Clinic manager"),
    ("doctor", "Doctor"),
    ("nurse", "Nurse"),
    ("pharmacist", "Pharmacist"),
    ("lab_technician", "Lab technician"),
    ("billing_clerk", "Billing clerk"),
    ("receptionist", "Receptionist"),
    ("auditor", "Privacy officer"),
    ("portal", "Patient portal"),
    ("user", "Other user"),
]
# Actions merged into one event per transaction (a list view of 80 rows is one read event).
BATCHED_ACTIONS = {"read", "export", "print"}


class HmsAuditEvent(models.Model):
    """One access to the clinic's records, appended in SQL at the end of its transaction and
    sealed into the hash chain (``tools/chain.py``) by the sealer (``tools/sealer.py``).
    Nobody changes or deletes an event: the ORM refuses (append-only mixin), the database
    trigger refuses, and the chain and signed checkpoints reveal whoever gets past both."""

    _name = "hms.audit.event"
    _inherit = ["hms.append.only.mixin"]
    _description = "Audit Event"
    _order = "id desc"
    _log_access = False

    sequence = BigInteger(readonly=True, copy=False, aggregator=None)
    event_time = fields.Datetime("When (UTC)", required=True, readonly=True, index=True)
    user_id = RecordedMany2one("res.users", "User", readonly=True, index=True)
    real_user_id = RecordedMany2one(
        "res.users",
        "Real User",
        readonly=True,
        index="btree_not_null",
        help="The signed-in user when the action ran as somebody else.",
    )
    role = fields.Selection(ROLES, readonly=True)
    company_id = RecordedMany2one("res.company", "Clinic", readonly=True)
    ip = fields.Char("IP Address", readonly=True)
    session_ref = fields.Char(
        "Session", readonly=True, help="A hash of the session identifier, never the identifier."
    )
    model = fields.Char(readonly=True)
    res_ids = fields.Json("Record IDs", readonly=True)
    patient_refs = fields.Json("Patient IDs", readonly=True)
    patient_ids = fields.Many2many(
        "hms.patient",
        string="Patients Concerned",
        compute="_compute_patient_ids",
        search="_search_patient_ids",
    )
    record_count = fields.Integer("Records", compute="_compute_record_count", aggregator="sum")
    action = fields.Selection(ACTIONS, required=True, readonly=True)
    field_names = fields.Char("Fields", readonly=True)
    field_hashes = fields.Json(
        readonly=True, help="SHA-256 of the old and new values of each field, never the values."
    )
    login = fields.Char(readonly=True, help="The login typed at a failed sign-in.")
    reason = fields.Text(readonly=True)
    prev_hash = fields.Char("Previous Hash", readonly=True)
    event_hash = fields.Char("Hash", readonly=True)

    _sql_constraints = [
        ("sequence_unique", "UNIQUE(sequence)", "The audit chain cannot fork."),
    ]

    def init(self):
        self.env.cr.execute(chain_sql())

    def _compute_patient_ids(self):
        for event in self:
            event.patient_ids = self.env["hms.patient"].browse(event.patient_refs or [])

    def _search_patient_ids(self, operator, value):
        if operator not in ("in", "="):
            raise UserError(self.env._("Search events by patient with 'is in' only."))
        ids = [value] if isinstance(value, int) else list(value)
        return [
            (
                "id",
                "in",
                SQL(
                    "(SELECT id FROM hms_audit_event WHERE patient_refs @> ANY(%s::jsonb[]))",
                    [json.dumps([pid]) for pid in ids],
                ),
            )
        ]

    def _compute_display_name(self):
        labels = dict(self._fields["action"]._description_selection(self.env))
        for event in self:
            event.display_name = (
                f"#{event.sequence or '…'} {labels.get(event.action)} {event.model or ''}"
            )

    def _compute_record_count(self):
        for event in self:
            event.record_count = len(event.res_ids or [])

    @api.model_create_multi
    def create(self, vals_list):
        if not vals_list:  # the ORM's contract: creating nothing creates nothing
            return self.browse()
        raise UserError(self.env._("Audit events are appended by the system only."))

    @api.model
    def _check_not_in_trail(self, records, field_names):
        """Users and clinics the trail names are archived, never deleted."""
        if not records:
            return
        domain = expression.OR([[(field_name, "in", records.ids)] for field_name in field_names])
        if self.sudo().search_count(domain, limit=1):
            raise UserError(
                self.env._(
                    "The audit trail names %(records)s: they cannot be deleted, archive them"
                    " instead.",
                    records=", ".join(records.mapped("display_name")),
                )
            )

    # Appending -------------------------------------------------------------

    @api.model
    def _who_and_where(self):
        """User, real user, role, clinic, IP and session of the current action."""
        uid = self.env.uid
        real_uid = ip = session_ref = False
        if request:
            ip = request.httprequest.remote_addr
            session = getattr(request, "session", None)
            if session is not None and session.sid:
                session_ref = hashlib.sha256(session.sid.encode()).hexdigest()[:16]
            if session is not None and session.uid and session.uid != uid:
                real_uid = session.uid
        return {
            "user_id": uid,
            "real_user_id": real_uid,
            "role": self._role_of_uid(uid),
            "company_id": self.env.company.id,
            "ip": ip,
            "session_ref": session_ref,
        }

    @tools.ormcache("uid")
    def _role_of_uid(self, uid):
        user = self.env["res.users"].browse(uid)
        return next((role for role, group in ROLE_GROUPS if user.has_group(group)), "user")

    @api.model
    def _log(self, action, model=False, res_ids=(), patient_ids=(), **values):
        """Queue an event for the end of the transaction; reads, exports and prints are merged."""
        cr = self.env.cr
        if cr.precommit.data.get(SUPPRESS_KEY):
            return
        buffer = cr.precommit.data.get(BUFFER_KEY)
        if buffer is None:
            buffer = cr.precommit.data[BUFFER_KEY] = {"events": [], "batches": {}, "who": {}}
            cr.precommit.add(lambda: self._flush_buffer(cr.precommit.data.pop(BUFFER_KEY, None)))
        who_key = (self.env.uid, self.env.company.id)
        who = buffer["who"].get(who_key)
        if who is None:
            who = buffer["who"][who_key] = self._who_and_where()
        event = {
            **who,
            "event_time": fields.Datetime.now(),
            "model": model,
            "action": action,
            **values,
        }
        if action in BATCHED_ACTIONS:
            key = (model, action, event["user_id"], event["real_user_id"])
            batch = buffer["batches"].get(key)
            if batch is None:
                batch = buffer["batches"][key] = {**event, "res_ids": set(), "patient_refs": set()}
                buffer["events"].append(batch)
            batch["res_ids"].update(res_ids)
            batch["patient_refs"].update(patient_ids)
        else:
            buffer["events"].append({**event, "res_ids": res_ids, "patient_refs": patient_ids})

    @api.model
    @contextlib.contextmanager
    def _as_one_event(self):
        """Log nothing for the writes of this block: the caller logs the operation as one
        event after it. Held in the transaction's own data, never in a client's context."""
        data = self.env.cr.precommit.data
        previous = data.get(SUPPRESS_KEY)
        data[SUPPRESS_KEY] = True
        try:
            yield
        finally:
            data[SUPPRESS_KEY] = previous

    def _flush_buffer(self, buffer):
        """Insert the queued events (one INSERT) in the current transaction; when it is
        read-only (a replica cannot insert), hand them to the sealer, which stores them right
        after the commit. The sealer seals them off the request path."""
        if not buffer or not buffer["events"]:
            return
        cr = self.env.cr
        sealer = ChainSealer.get(cr.dbname)
        if cr.readonly:
            # Test cursors drop post-commit hooks: there the events wait for _seal().
            sealer.add_pending(event_rows(buffer["events"]))
            cr.postcommit.add(sealer.store_pending)
        else:
            self._insert(cr, buffer["events"])
            if not self.env.registry.in_test_mode():
                cr.postcommit.add(sealer.wake)

    @api.model
    def _insert(self, cr, events):
        insert_rows(cr, event_rows(events))

    # Chain -------------------------------------------------------------------

    @api.model
    def _seal(self):
        """Seal the pending events within the current transaction (tests, maintenance)."""
        self.env.cr.precommit.run()
        with ChainSealer.get(self.env.cr.dbname).pending_rows() as rows:
            if rows:
                insert_rows(self.env.cr, rows)
        self.env.cr.execute("SELECT hms_audit_seal()")
        return self.env.cr.fetchone()[0]

    @api.model
    def _verify_chain(self, from_sequence=0):
        """Walk the live chain (from the archived events, or from a signed checkpoint's
        sequence): number of events checked, head, first broken sequence (or None), pending
        events."""
        base, base_hash = self._archive_head()
        if from_sequence > base:
            result = self._verify_table("hms_audit_event", from_sequence, None)
        else:
            result = self._verify_table("hms_audit_event", base + 1, base_hash)
        self.env.cr.execute("SELECT count(*) FROM hms_audit_event WHERE event_hash IS NULL")
        result["unsealed"] = self.env.cr.fetchone()[0]
        return result

    @api.model
    def _verify_table(self, table, start, anchor):
        cr = self.env.cr
        hashes, links = verify_sql(table, start, anchor)
        # Recompute the hashes on every core: the planner underrates the cost of the hashing.
        cr.execute("SET LOCAL parallel_setup_cost = 0; SET LOCAL parallel_tuple_cost = 0")
        cr.execute(hashes)
        count, head, broken_hash = cr.fetchone()
        cr.execute(links)
        broken_link = cr.fetchone()[0]
        cr.execute("RESET parallel_setup_cost; RESET parallel_tuple_cost")
        broken = min((b for b in (broken_hash, broken_link) if b is not None), default=None)
        return {"count": count, "head": head or 0, "broken": broken}

    @api.model
    def _hash_at(self, sequence):
        """The hash of the event ``sequence``, live or archived; None when neither holds it."""
        self.env.cr.execute(
            "SELECT event_hash FROM hms_audit_event WHERE sequence = %s"
            " UNION ALL SELECT event_hash FROM hms_audit_event_archive WHERE sequence = %s",
            [sequence, sequence],
        )
        row = self.env.cr.fetchone()
        return row and row[0]

    @api.model
    def _head(self):
        """Sequence and hash of the last sealed event."""
        return self._last_sealed("hms_audit_event")

    @api.model
    def _last_sealed(self, table):
        """Sequence and hash of the last sealed event of ``table`` (live or archive)."""
        self.env.cr.execute(
            SQL(
                "SELECT sequence, event_hash FROM %s WHERE sequence IS NOT NULL"
                " ORDER BY sequence DESC LIMIT 1",
                SQL.identifier(table),
            )
        )
        return self.env.cr.fetchone() or (0, GENESIS_HASH)

    @api.model
    def _cron_seal(self):
        # The cron's own transaction has an old snapshot: seal in a fresh one.
        seal_in_new_transaction(self.env.registry)
