import atexit
import contextlib
import hashlib
import json
import logging
import os
import threading
import time

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.http import request
from odoo.modules.registry import Registry
from odoo.osv import expression
from odoo.sql_db import TestCursor
from odoo.tools import SQL, config

_logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
BUFFER_KEY = "hms_audit.buffer"
# Set while an operation recorded as one event runs (a patient merge): its parts log nothing.
SUPPRESS_KEY = "hms_audit.suppressed"
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
    ("merge", "Merge"),
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

CREATE TABLE IF NOT EXISTS hms_audit_event_archive (
    LIKE hms_audit_event, PRIMARY KEY (sequence, event_time)
) PARTITION BY RANGE (event_time);

CREATE OR REPLACE FUNCTION hms_audit_reject() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.event_hash IS NULL AND NEW.event_hash IS NOT NULL
            AND %(content_new)s = %(content_old)s THEN
        RETURN NEW;  -- sealing: the one update an event ever gets
    END IF;
    IF TG_OP = 'DELETE' AND current_setting('hms_audit.archiving', true) = 'on'
            AND EXISTS (SELECT 1 FROM hms_audit_event_archive a
                         WHERE a.sequence = OLD.sequence AND a.event_time = OLD.event_time
                           AND a.event_hash = OLD.event_hash) THEN
        RETURN OLD;  -- archiving: a sealed event already copied to the archive
    END IF;
    RAISE EXCEPTION 'hms_audit_event is append-only'
        USING ERRCODE = 'insufficient_privilege', DETAIL = TG_OP || ' refused';
END
$$;

CREATE OR REPLACE FUNCTION hms_audit_archive_reject() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'hms_audit_event_archive is append-only'
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
DROP TRIGGER IF EXISTS hms_audit_event_archive_append_only ON hms_audit_event_archive;
CREATE TRIGGER hms_audit_event_archive_append_only BEFORE UPDATE OR DELETE
    ON hms_audit_event_archive FOR EACH ROW EXECUTE FUNCTION hms_audit_archive_reject();
DROP TRIGGER IF EXISTS hms_audit_event_archive_no_truncate ON hms_audit_event_archive;
CREATE TRIGGER hms_audit_event_archive_no_truncate BEFORE TRUNCATE ON hms_audit_event_archive
    FOR EACH STATEMENT EXECUTE FUNCTION hms_audit_archive_reject();
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


def verify_sql(table, start, anchor):
    """The checks of the chain held in ``table`` from the event ``start`` on; ``anchor`` is the
    hash the event ``start`` must link to (the genesis, or the archived event before the live
    chain), None when its link is vouched for otherwise (a signed checkpoint).

    The first query counts the events, gives the head and the first event whose recomputed
    hash differs; the second gives the first event that does not link to its predecessor
    (prev_hash not the previous event's hash, previous event missing, or a first event not
    linked to its anchor). No window function: PostgreSQL may scan in parallel.
    """
    table = SQL.identifier(table)
    hashes = SQL(
        """SELECT count(*), max(sequence), min(sequence) FILTER (WHERE %s <> event_hash)
             FROM %s e WHERE sequence >= %s""",
        canonical_hash("e"),
        table,
        start,
    )
    first = SQL("e.prev_hash <> %s", anchor) if anchor else SQL("FALSE")
    links = SQL(
        """SELECT min(e.sequence)
             FROM %s e
             LEFT JOIN %s p ON p.sequence = e.sequence - 1
            WHERE e.sequence >= %s
              AND CASE WHEN e.sequence = %s THEN %s
                       ELSE p.event_hash IS NULL OR p.event_hash <> e.prev_hash END""",
        table,
        table,
        start,
        start,
        first,
    )
    return hashes, links


def value_hash(value):
    """SHA-256 of a JSON serialisation: lets an auditor check a value without the log holding it."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def seal_in_new_transaction(registry):
    """Seal the pending events in a transaction of their own, fresh enough to see the head;
    the events of read-only transactions waiting in this process are inserted first."""
    with ChainSealer.get(registry.db_name).pending_rows() as rows, registry.cursor() as cr:
        if not isinstance(cr, TestCursor):
            cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        if rows:
            _insert_rows(cr, rows)
        cr.execute("SELECT hms_audit_seal()")


class ChainSealer:
    """Seals committed events off the request path, one thread per database and process.

    A commit that appended events wakes the thread up; it waits ``hms_audit_seal_delay``
    seconds (server option, 0.2 by default) for more commits, then seals everything pending in
    one transaction. A request never waits for the chain lock, and a burst of commits costs
    one seal. The seal cron catches what a process leaves behind when it dies.

    It also takes the events of read-only (replica) transactions, which cannot insert them:
    ``store_pending`` inserts them in a read/write transaction of their own once the read-only
    one has committed, before the request answers; what it cannot store waits for the next
    seal.
    """

    _instances = {}
    _instances_lock = threading.Lock()

    def __init__(self, db_name):
        self.db_name = db_name
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.wakeup = threading.Event()
        self.pending = []
        self.thread = None

    @classmethod
    def get(cls, db_name):
        with cls._instances_lock:
            sealer = cls._instances.get(db_name)
            if sealer is None or sealer.pid != os.getpid():  # forked worker: start afresh
                sealer = cls._instances[db_name] = cls(db_name)
                atexit.register(sealer.seal_now)
            return sealer

    def add_pending(self, rows):
        with self.lock:
            self.pending.extend(rows)

    @contextlib.contextmanager
    def pending_rows(self):
        """The rows of read-only transactions' events, handed back when the block fails."""
        with self.lock:
            rows, self.pending = self.pending, []
        try:
            yield rows
        except Exception:
            self.add_pending(rows)
            raise

    def store_pending(self):
        """Insert the rows of read-only transactions in a transaction of their own."""
        if not self.pending:  # another thread stored them
            return
        registry = Registry(self.db_name)
        try:
            with self.pending_rows() as rows, registry.cursor() as cr:
                if rows:
                    _insert_rows(cr, rows)
        except Exception:
            _logger.exception("hms_audit: storing the read events of %s failed", self.db_name)
        if not registry.in_test_mode():
            self.wake()

    def wake(self):
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self._run, name=f"hms_audit.sealer.{self.db_name}", daemon=True
                )
                self.thread.start()
        self.wakeup.set()

    def _run(self):
        delay = float(config.get("hms_audit_seal_delay") or 0.2)
        while True:
            self.wakeup.wait()
            time.sleep(delay)  # let the commits of the next moments join this seal
            self.wakeup.clear()
            self.seal_now()

    def seal_now(self):
        try:
            seal_in_new_transaction(Registry(self.db_name))
        except Exception:
            _logger.exception("hms_audit: sealing the chain of %s failed", self.db_name)


def append_now(registry, action, **values):
    """Append one event in a transaction of its own, e.g. a login failure that rolls back."""
    with registry.cursor() as cr:
        env = api.Environment(cr, values.get("user_id") or api.SUPERUSER_ID, {})
        Event = env["hms.audit.event"]
        event = {**Event._who_and_where(), **values}
        event.update(event_time=fields.Datetime.now(), action=action)
        Event._insert(cr, [event])
        cr.postcommit.add(ChainSealer.get(registry.db_name).wake)


def _rows(events):
    """The CONTENT_COLUMNS values of each event, as the INSERT takes them."""
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
        rows.append(values)
    return rows


INSERT_HEAD = SQL(
    "INSERT INTO hms_audit_event (%s) VALUES ",
    SQL(", ").join(SQL.identifier(column) for column in CONTENT_COLUMNS),
)
ROW_PLACEHOLDERS = "(" + ", ".join(["%s"] * len(CONTENT_COLUMNS)) + ")"


def _insert_rows(cr, rows):
    """One INSERT for all the rows (built from few SQL objects: it runs in every commit)."""
    values = SQL(", ").join(SQL(ROW_PLACEHOLDERS, *row) for row in rows)
    cr.execute(SQL("%s%s", INSERT_HEAD, values))


class BigInteger(fields.Integer):
    """An integer on a bigint column: the chain outgrows int4 in a large hospital."""

    _column_type = ("int8", "int8")


class RecordedMany2one(fields.Many2one):
    """A many2one holding a fact of the event, without a foreign key: appending an event then
    locks no user or clinic row (a key check costs a row lock per transaction). Users and
    clinics found in the trail cannot be deleted (``_check_not_in_trail``)."""

    def update_db_foreign_key(self, _model, _column):
        return


class HmsAuditEvent(models.Model):
    _name = "hms.audit.event"
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
    role = fields.Char(readonly=True)
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
        raise UserError(self.env._("Audit events are appended by the system only."))

    def write(self, vals):
        raise UserError(self.env._("The audit trail is append-only: events cannot be changed."))

    def unlink(self):
        raise UserError(self.env._("The audit trail is append-only: events cannot be deleted."))

    @api.model
    def _check_not_in_trail(self, records, field_names):
        """Users and clinics the trail names are archived, never deleted."""
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
            sealer.add_pending(_rows(buffer["events"]))
            cr.postcommit.add(sealer.store_pending)
        else:
            self._insert(cr, buffer["events"])
            if not self.env.registry.in_test_mode():
                cr.postcommit.add(sealer.wake)

    @api.model
    def _insert(self, cr, events):
        _insert_rows(cr, _rows(events))

    # Chain -------------------------------------------------------------------

    @api.model
    def _seal(self):
        """Seal the pending events within the current transaction (tests, maintenance)."""
        self.env.cr.precommit.run()
        with ChainSealer.get(self.env.cr.dbname).pending_rows() as rows:
            if rows:
                _insert_rows(self.env.cr, rows)
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
    def _verify_archive(self):
        """Walk the archived chain on its own, from its first event: linked to the genesis
        when it is event 1, else to partitions moved out to cold storage (checked there)."""
        self.env.cr.execute("SELECT min(sequence) FROM hms_audit_event_archive")
        first = self.env.cr.fetchone()[0] or 1
        result = self._verify_table(
            "hms_audit_event_archive", first, GENESIS_HASH if first == 1 else None
        )
        result["unsealed"] = 0
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
    def _archive_head(self):
        """Sequence and hash of the last archived event: the live chain links to it."""
        return self._last_sealed("hms_audit_event_archive")

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
    def _first_held_sequence(self):
        """The first event the database holds: those before it went to cold storage."""
        self.env.cr.execute(
            "SELECT LEAST((SELECT min(sequence) FROM hms_audit_event_archive),"
            " (SELECT min(sequence) FROM hms_audit_event))"
        )
        return self.env.cr.fetchone()[0] or 1

    # Archival ------------------------------------------------------------------

    @api.model
    def _archive_before(self, month):
        """Move the sealed events older than ``month`` (a date; its month counts) into the
        archive partitions, one per month; the number of events moved.

        The chain moves as a prefix: up to the event before the first one of ``month`` (an
        older straggler sealed after it stays live). A checkpoint signed by the configured key
        at or after the last event moved must vouch for it, so that the archive and the live
        chain can be verified apart. The DELETE passes the append-only trigger through
        ``hms_audit.archiving``, which lets it delete only events already in the archive.
        """
        cr = self.env.cr
        month = fields.Date.to_date(month).replace(day=1)
        base = self._archive_head()[0]
        cr.execute(
            """SELECT COALESCE(
                   (SELECT min(sequence) - 1 FROM hms_audit_event WHERE event_time >= %s),
                   (SELECT max(sequence) FROM hms_audit_event))""",
            [month],
        )
        last = cr.fetchone()[0] or 0
        if last <= base:
            return 0
        if self.env["hms.audit.checkpoint"]._last_verified_sequence() < last:
            raise UserError(
                self.env._(
                    "Archiving the events up to %(sequence)s needs a checkpoint signed at or "
                    "after it: sign one first.",
                    sequence=last,
                )
            )
        cr.execute(
            """SELECT DISTINCT date_trunc('month', event_time)::date FROM hms_audit_event
                WHERE sequence > %s AND sequence <= %s""",
            [base, last],
        )
        for (start,) in cr.fetchall():
            self._archive_partition(start)
        columns = SQL(", ").join(SQL.identifier(c) for c in (*CANONICAL_COLUMNS, "event_hash"))
        cr.execute(
            SQL(
                """INSERT INTO hms_audit_event_archive (%(columns)s)
                   SELECT %(columns)s FROM hms_audit_event
                    WHERE sequence > %(base)s AND sequence <= %(last)s;
                   SELECT set_config('hms_audit.archiving', 'on', true);
                   DELETE FROM hms_audit_event WHERE sequence > %(base)s AND sequence <= %(last)s;
                   SELECT set_config('hms_audit.archiving', 'off', true)""",
                columns=columns,
                base=base,
                last=last,
            )
        )
        _logger.info("hms_audit: archived the events %s to %s", base + 1, last)
        return last - base

    @api.model
    def _archive_partition(self, start):
        """The archive partition of the month beginning on ``start``, created if missing."""
        end = start + relativedelta(months=1)
        name = f"hms_audit_event_archive_y{start.year:04d}m{start.month:02d}"
        self.env.cr.execute(
            SQL(
                """CREATE TABLE IF NOT EXISTS %(name)s PARTITION OF hms_audit_event_archive
                       FOR VALUES FROM (%(start)s) TO (%(end)s);
                   DROP TRIGGER IF EXISTS hms_audit_no_truncate ON %(name)s;
                   CREATE TRIGGER hms_audit_no_truncate BEFORE TRUNCATE ON %(name)s
                       FOR EACH STATEMENT EXECUTE FUNCTION hms_audit_archive_reject()""",
                name=SQL.identifier(name),
                start=start,
                end=end,
            )
        )

    @api.model
    def _cron_archive(self):
        """Archive the events older than ``hms_audit.archive_after_months`` months (24): verify
        the chain, sign its head, then move (disabled by default: retention is a policy)."""
        months = int(
            self.env["ir.config_parameter"].sudo().get_param("hms_audit.archive_after_months", 24)
        )
        if not self.env["hms.audit.verification"]._verify(from_checkpoint=True)["valid"]:
            _logger.error("hms_audit: the chain is broken, nothing archived")
            return
        self.env["hms.audit.checkpoint"]._create_checkpoint()
        self._archive_before(fields.Date.today() - relativedelta(months=months))

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
