import hashlib
import json
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.sql_db import TestCursor
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
BUFFER_KEY = "hms_audit.buffer"
# The columns an appender fills; the chain columns (sequence, prev_hash, event_hash) are
# the sealer's.
CONTENT_COLUMNS = (
    "event_time",
    "user_id",
    "real_user_id",
    "role",
    "company_id",
    "ip",
    "session_ref",
    "model",
    "res_ids",
    "patient_refs",
    "action",
    "field_names",
    "field_hashes",
    "login",
    "reason",
)
JSON_COLUMNS = {"res_ids", "patient_refs", "field_hashes"}
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
]
# Actions merged into one event per transaction (a list view of 80 rows is one read event).
BATCHED_ACTIONS = {"read", "export", "print"}

# The canonical serialisation of an event: a JSON array of these columns, in this order,
# hashed with SHA-256. The chain columns come first; an event's own hash is not part of it.
CANONICAL_COLUMNS = ("id", "sequence", "prev_hash", *CONTENT_COLUMNS)


def canonical_hash(alias):
    """SQL: the hash of the event (row or record variable) ``alias``, written inline so that
    PostgreSQL evaluates it without a function call per row."""
    return _json_array(alias, CANONICAL_COLUMNS, "encode(sha256(convert_to(%s, 'UTF8')), 'hex')")


def _json_array(alias, columns, wrapper="%s"):
    array = SQL(
        "json_build_array(%s)::text",
        SQL(", ").join(SQL.identifier(alias, column) for column in columns),
    )
    return SQL(wrapper, array)


def chain_sql():
    """The database side of the trail: append-only trigger, sealer, helper hash function.

    The content of an event is frozen at INSERT; the sealer sets its place in the chain
    (sequence, prev_hash, event_hash) once, in a READ COMMITTED transaction holding the chain
    lock, so that concurrent transactions never fork the chain.
    """
    return SQL(
        """
CREATE OR REPLACE FUNCTION hms_audit_hash(e hms_audit_event) RETURNS text
LANGUAGE sql STABLE AS $$ SELECT %(hash_e)s $$;

CREATE OR REPLACE FUNCTION hms_audit_reject() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.event_hash IS NULL AND NEW.event_hash IS NOT NULL
            AND %(content_new)s = %(content_old)s THEN
        RETURN NEW;  -- sealing: the one update an event ever gets
    END IF;
    RAISE EXCEPTION 'hms_audit_event is append-only'
        USING ERRCODE = 'insufficient_privilege', DETAIL = TG_OP || ' refused';
END
$$;

CREATE OR REPLACE FUNCTION hms_audit_seal() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    head_sequence bigint;
    head_hash text;
    ev hms_audit_event;
    sealed integer := 0;
BEGIN
    -- The chain lock ("HMSA"): one sealer at a time, the others wait for the new head.
    PERFORM pg_advisory_xact_lock(1213027137);
    SELECT sequence, event_hash INTO head_sequence, head_hash
      FROM hms_audit_event WHERE sequence IS NOT NULL ORDER BY sequence DESC LIMIT 1;
    head_sequence := COALESCE(head_sequence, 0);
    head_hash := COALESCE(head_hash, repeat('0', 64));
    FOR ev IN SELECT * FROM hms_audit_event WHERE event_hash IS NULL ORDER BY id FOR UPDATE LOOP
        ev.sequence := head_sequence + 1;
        ev.prev_hash := head_hash;
        ev.event_hash := %(hash_ev)s;
        UPDATE hms_audit_event
           SET sequence = ev.sequence, prev_hash = ev.prev_hash, event_hash = ev.event_hash
         WHERE id = ev.id;
        head_sequence := ev.sequence;
        head_hash := ev.event_hash;
        sealed := sealed + 1;
    END LOOP;
    RETURN sealed;
END
$$;

DROP TRIGGER IF EXISTS hms_audit_event_append_only ON hms_audit_event;
CREATE TRIGGER hms_audit_event_append_only BEFORE UPDATE OR DELETE ON hms_audit_event
    FOR EACH ROW EXECUTE FUNCTION hms_audit_reject();
DROP TRIGGER IF EXISTS hms_audit_event_no_truncate ON hms_audit_event;
CREATE TRIGGER hms_audit_event_no_truncate BEFORE TRUNCATE ON hms_audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION hms_audit_reject();
CREATE INDEX IF NOT EXISTS hms_audit_event_unsealed_idx ON hms_audit_event (id)
    WHERE event_hash IS NULL;
CREATE INDEX IF NOT EXISTS hms_audit_event_patient_refs_idx ON hms_audit_event
    USING gin (patient_refs jsonb_path_ops);
""",
        hash_e=canonical_hash("e"),
        hash_ev=canonical_hash("ev"),
        content_new=_json_array("new", ("id", *CONTENT_COLUMNS)),
        content_old=_json_array("old", ("id", *CONTENT_COLUMNS)),
    )


def verify_sql():
    """The first broken link: a recomputed hash that differs, a prev_hash that is not the
    previous event's hash, or a gap in the sequence."""
    return SQL(
        """
WITH chain AS (
    SELECT sequence, event_hash, prev_hash, %s AS recomputed,
           lag(sequence) OVER w AS previous_sequence, lag(event_hash) OVER w AS previous_hash
      FROM hms_audit_event e
     WHERE sequence IS NOT NULL
    WINDOW w AS (ORDER BY sequence)
)
SELECT count(*), max(sequence),
       min(sequence) FILTER (WHERE recomputed <> event_hash
           OR prev_hash <> COALESCE(previous_hash, repeat('0', 64))
           OR sequence <> COALESCE(previous_sequence, 0) + 1)
  FROM chain
""",
        canonical_hash("e"),
    )


def value_hash(value):
    """SHA-256 of a JSON serialisation: lets an auditor check a value without the log holding it."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def seal_in_new_transaction(registry):
    """Seal the pending events in a transaction of their own, fresh enough to see the head."""
    with registry.cursor() as cr:
        if not isinstance(cr, TestCursor):
            cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        cr.execute("SELECT hms_audit_seal()")


def append_now(registry, action, **values):
    """Append one event in a transaction of its own, e.g. a login failure that rolls back."""
    with registry.cursor() as cr:
        env = api.Environment(cr, values.get("user_id") or api.SUPERUSER_ID, {})
        Event = env["hms.audit.event"]
        event = {**Event._who_and_where(), **values}
        event.update(event_time=fields.Datetime.now(), action=action)
        Event._insert(cr, [event])
    seal_in_new_transaction(registry)


class BigInteger(fields.Integer):
    """An integer on a bigint column: the chain outgrows int4 in a large hospital."""

    _column_type = ("int8", "int8")


class HmsAuditEvent(models.Model):
    _name = "hms.audit.event"
    _description = "Audit Event"
    _order = "id desc"
    _log_access = False

    sequence = BigInteger(readonly=True, copy=False, aggregator=None)
    event_time = fields.Datetime("When (UTC)", required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", "User", readonly=True, index=True, ondelete="restrict")
    real_user_id = fields.Many2one(
        "res.users",
        "Real User",
        readonly=True,
        ondelete="restrict",
        help="The signed-in user when the action ran as somebody else.",
    )
    role = fields.Char(readonly=True)
    company_id = fields.Many2one("res.company", "Clinic", readonly=True, ondelete="restrict")
    ip = fields.Char("IP Address", readonly=True)
    session_ref = fields.Char(
        "Session", readonly=True, help="A hash of the session identifier, never the identifier."
    )
    model = fields.Char(readonly=True, index=True)
    res_ids = fields.Json("Record IDs", readonly=True)
    patient_refs = fields.Json("Patient IDs", readonly=True)
    patient_ids = fields.Many2many(
        "hms.patient",
        string="Patients Concerned",
        compute="_compute_patient_ids",
        search="_search_patient_ids",
    )
    record_count = fields.Integer("Records", compute="_compute_record_count", aggregator="sum")
    action = fields.Selection(ACTIONS, required=True, readonly=True, index=True)
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
        raise UserError(self.env._("Audit events are appended by the system only."))

    def write(self, vals):
        raise UserError(self.env._("The audit trail is append-only: events cannot be changed."))

    def unlink(self):
        raise UserError(self.env._("The audit trail is append-only: events cannot be deleted."))

    # Appending -------------------------------------------------------------

    @api.model
    def _who_and_where(self):
        """User, real user, role, clinic, IP and session of the current action."""
        uid = self.env.uid
        real_uid = False
        ip = session_ref = False
        if request:
            ip = request.httprequest.remote_addr
        if request and getattr(request, "session", None) is not None:
            if request.session.sid:
                session_ref = hashlib.sha256(request.session.sid.encode()).hexdigest()[:16]
            if request.session.uid and request.session.uid != uid:
                real_uid = request.session.uid
        return {
            "user_id": uid,
            "real_user_id": real_uid,
            "role": self._role_of(self.env.user),
            "company_id": self.env.company.id,
            "ip": ip,
            "session_ref": session_ref,
        }

    @api.model
    def _role_of(self, user):
        return next((role for role, group in ROLE_GROUPS if user.has_group(group)), "user")

    @api.model
    def _log(self, action, model=False, res_ids=(), patient_ids=(), **values):
        """Queue an event for the end of the transaction; reads, exports and prints are merged."""
        cr = self.env.cr
        hooks = cr.postcommit if cr.readonly else cr.precommit
        buffer = hooks.data.get(BUFFER_KEY)
        if buffer is None:
            buffer = hooks.data[BUFFER_KEY] = {"events": [], "batches": {}}
            flush = self._flush_buffer_readonly if cr.readonly else self._flush_buffer
            hooks.add(lambda: flush(hooks.data.pop(BUFFER_KEY, None)))
        event = {
            **self._who_and_where(),
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

    def _flush_buffer(self, buffer):
        """Insert the queued events in the current transaction; seal them after its commit."""
        if not buffer or not buffer["events"]:
            return
        self._insert(self.env.cr, buffer["events"])
        registry = self.env.registry
        self.env.cr.postcommit.add(lambda: seal_in_new_transaction(registry))

    def _flush_buffer_readonly(self, buffer):
        """A read-only transaction (replica) cannot insert: append in a transaction of our own."""
        if not buffer or not buffer["events"]:
            return
        registry = self.env.registry
        with registry.cursor() as cr:
            self._insert(cr, buffer["events"])
        seal_in_new_transaction(registry)

    @api.model
    def _insert(self, cr, events):
        rows = []
        for event in events:
            values = []
            for column in CONTENT_COLUMNS:
                value = event.get(column) or None
                if column in ("res_ids", "patient_refs"):
                    value = json.dumps(sorted(value or ()))
                elif column in JSON_COLUMNS and value is not None:
                    value = json.dumps(value, sort_keys=True)
                values.append(value)
            rows.append(SQL("(%s)", SQL(", ").join(SQL("%s", v) for v in values)))
        cr.execute(
            SQL(
                "INSERT INTO hms_audit_event (%s) VALUES %s",
                SQL(", ").join(SQL.identifier(c) for c in CONTENT_COLUMNS),
                SQL(", ").join(rows),
            )
        )

    # Chain -------------------------------------------------------------------

    @api.model
    def _seal(self):
        """Seal the pending events within the current transaction (tests, maintenance)."""
        self.env.cr.precommit.run()
        self.env.cr.execute("SELECT hms_audit_seal()")
        return self.env.cr.fetchone()[0]

    @api.model
    def _verify_chain(self):
        """Walk the whole chain: number of events, head, first broken sequence (or None)."""
        self.env.cr.execute(verify_sql())
        count, head, broken = self.env.cr.fetchone()
        self.env.cr.execute("SELECT count(*) FROM hms_audit_event WHERE event_hash IS NULL")
        unsealed = self.env.cr.fetchone()[0]
        return {"count": count, "head": head or 0, "broken": broken, "unsealed": unsealed}

    @api.model
    def _head(self):
        """Sequence and hash of the last sealed event."""
        self.env.cr.execute(
            "SELECT sequence, event_hash FROM hms_audit_event"
            " WHERE sequence IS NOT NULL ORDER BY sequence DESC LIMIT 1"
        )
        return self.env.cr.fetchone() or (0, GENESIS_HASH)

    @api.model
    def _cron_seal(self):
        # The cron's own transaction has an old snapshot: seal in a fresh one.
        seal_in_new_transaction(self.env.registry)
