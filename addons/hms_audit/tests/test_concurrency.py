import threading
from unittest.mock import patch

from odoo import api
from odoo.tests import TransactionCase, tagged

from odoo.addons.hms_audit.tools.sealer import ChainSealer, seal_in_new_transaction


@tagged("post_install", "-at_install")
class TestAuditConcurrency(TransactionCase):
    """Concurrent transactions append to one chain: no fork, no gap."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            cr.execute("SELECT COALESCE(max(id), 0) FROM hms_audit_event")
            self.mark = cr.fetchone()[0]
        self.addCleanup(self._remove_committed_events)

    def _remove_committed_events(self):
        # The documented retention procedure: a superuser session with triggers off.
        with self.registry.cursor() as cr:
            cr.execute("SET LOCAL session_replication_role = replica")
            cr.execute("DELETE FROM hms_audit_event WHERE id > %s", [self.mark])

    def _append(self, barrier, names):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            for name in names:
                env["hms.audit.event"]._log("login_failure", login=name)
            cr.precommit.run()
            barrier.wait()  # both transactions have inserted before either commits
        seal_in_new_transaction(self.registry)

    def test_concurrent_appends_keep_one_chain(self):
        barrier = threading.Barrier(2, timeout=30)
        threads = [
            threading.Thread(target=self._append, args=(barrier, [f"t{i}-{n}" for n in range(20)]))
            for i in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            cr.execute(
                "SELECT sequence FROM hms_audit_event WHERE id > %s ORDER BY sequence", [self.mark]
            )
            sequences = [row[0] for row in cr.fetchall()]
            result = env["hms.audit.event"]._verify_chain()
        self.assertEqual(len(sequences), 40)
        self.assertNotIn(None, sequences)
        self.assertEqual(sequences, list(range(sequences[0], sequences[0] + 40)))
        self.assertIsNone(result["broken"])
        self.assertEqual(result["unsealed"], 0)

    def test_commit_leaves_sealing_to_the_sealer(self):
        sealer = ChainSealer.get(self.registry.db_name)
        with patch.object(ChainSealer, "wake", autospec=True) as wake:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, api.SUPERUSER_ID, {})
                env["hms.audit.event"]._log("login_failure", login="off-path")
            wake.assert_called_once_with(sealer)
        with self.registry.cursor() as cr:
            cr.execute("SELECT event_hash FROM hms_audit_event WHERE login = 'off-path'")
            self.assertEqual(cr.fetchall(), [(None,)], "the commit itself does not seal")
        sealer.seal_now()
        with self.registry.cursor() as cr:
            cr.execute("SELECT event_hash FROM hms_audit_event WHERE login = 'off-path'")
            self.assertTrue(cr.fetchone()[0])
