"""The audit chain's format and its database side: what an event's hash covers, the
append-only triggers, the sealer function and the verification queries.

An event is inserted with its content only; ``hms_audit_seal()`` gives it its place in the
chain (sequence, prev_hash, event_hash) once. Changing what ``CANONICAL_COLUMNS`` holds or
how ``canonical_hash`` serialises it breaks every existing chain: the format is pinned by a
test.
"""

import hashlib
import json

from odoo.tools import SQL

GENESIS_HASH = "0" * 64
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


def event_rows(events):
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


def insert_rows(cr, rows):
    """One INSERT for all the rows (built from few SQL objects: it runs in every commit)."""
    values = SQL(", ").join(SQL(ROW_PLACEHOLDERS, *row) for row in rows)
    cr.execute(SQL("%s%s", INSERT_HEAD, values))
