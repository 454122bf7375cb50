"""Sealing off the request path: one thread per database and server process."""

import atexit
import contextlib
import logging
import os
import threading
import time

from odoo import api, fields
from odoo.modules.registry import Registry
from odoo.sql_db import TestCursor
from odoo.tools import config

from .chain import insert_rows

_logger = logging.getLogger(__name__)


def seal_in_new_transaction(registry):
    """Seal the pending events in a transaction of their own, fresh enough to see the head;
    the events of read-only transactions waiting in this process are inserted first."""
    with ChainSealer.get(registry.db_name).pending_rows() as rows, registry.cursor() as cr:
        if not isinstance(cr, TestCursor):
            cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        if rows:
            insert_rows(cr, rows)
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
                    insert_rows(cr, rows)
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
