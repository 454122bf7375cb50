#!/usr/bin/env python3
"""Proofs that HMS stays correct on more than one server (run by ``scripts/cluster proof``).

Against a cluster started by ``scripts/cluster start`` (its ``cluster.json``):

1. a patient registered through node A is found through node B, with the session of A;
   a portal session started on A works on B; websockets are routed through the proxy;
2. read-only requests are answered by the replica, while the audit events of those reads are
   written to the primary's chain;
3. a node is killed during a burst of concurrent bookings through the proxy: no booking a client
   was told is committed is lost, none is doubled, and the clients of the dead node succeed on
   retry through the proxy;
4. with the replica stopped, Odoo keeps serving read-only requests from the primary;
5. the audit chain verifies afterwards.

Prints one line per proof and exits non-zero on the first failure.
"""

import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
import xmlrpc.client
from datetime import date, timedelta

import psycopg2
import requests
import websocket

# The demo users' password (scripts/run prints the logins).
PASSWORD = os.environ.get("HMS_DEMO_PASSWORD", "hms-demo-2026")


class Session:
    """A web client's session (cookie) against one base URL, through JSON-RPC."""

    def __init__(self, url, db, login, password=PASSWORD, http=None):
        self.url, self.http = url, http or requests.Session()
        if login:
            result = self._post(
                "/web/session/authenticate", {"db": db, "login": login, "password": password}
            )
            self.uid = result["uid"]

    def _post(self, path, params):
        response = self.http.post(
            f"{self.url}{path}", json={"jsonrpc": "2.0", "params": params}, timeout=60
        )
        response.raise_for_status()
        payload = response.json()
        if payload.get("error"):
            raise RuntimeError(payload["error"]["data"]["message"])
        return payload["result"]

    def call(self, model, method, *args, **kwargs):
        return self._post(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def on(self, url):
        """The same session (cookie) against another URL."""
        other = Session.__new__(Session)
        other.url, other.http, other.uid = url, self.http, self.uid
        return other


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}")
        sys.exit(1)
    print(f"ok: {message}")


def replica(conf, query):
    cnx = psycopg2.connect(
        host="127.0.0.1", port=conf["replica_port"], user="postgres", dbname=conf["db"]
    )
    try:
        cur = cnx.cursor()
        cur.execute(query)
        return cur.fetchall()
    finally:
        cnx.close()


def primary(conf, query, params=()):
    cnx = psycopg2.connect(
        host="127.0.0.1", port=conf["primary_port"], user="odoo", dbname=conf["db"]
    )
    try:
        cur = cnx.cursor()
        cur.execute(query, params)
        return cur.fetchall()
    finally:
        cnx.close()


def control(conf, *args):
    subprocess.run([conf["control"], *args], check=True, stdout=subprocess.DEVNULL)


def prove_shared_sessions(conf):
    node_a, node_b = conf["nodes"]["a"], conf["nodes"]["b"]
    desk = Session(node_a, conf["db"], "reception")
    name = f"Cluster Proof {uuid.uuid4().hex[:8]}"
    patient_id = desk.call("hms.patient", "create", {"name": name, "birthdate": "1980-01-01"})
    found = []
    for _attempt in range(50):  # the replica may lag a few milliseconds behind
        found = desk.on(node_b).call(
            "hms.patient", "search_read", [("name", "=", name)], fields=["id"]
        )
        if found:
            break
        time.sleep(0.1)
    check(
        found and found[0]["id"] == patient_id,
        "a patient registered through node A is found through node B with A's session",
    )

    portal = Session(node_a, conf["db"], "maria")
    page = portal.http.get(f"{node_b}/my/appointments", timeout=60, allow_redirects=False)
    check(
        page.status_code == 200 and "López" in page.text,
        "a portal session started on node A works on node B",
    )


def prove_replica_reads(conf):
    """With the replica's replay paused, a read-only request cannot see a new patient."""
    desk = Session(conf["proxy"], conf["db"], "reception")
    [[in_recovery]] = replica(conf, "SELECT pg_is_in_recovery()")
    check(in_recovery, "the replica is a hot standby (pg_is_in_recovery)")
    name = f"Replica Proof {uuid.uuid4().hex[:8]}"
    domain = [("name", "=", name)]

    def listed():  # the web client's list: a read-only request
        result = desk.call("hms.patient", "web_search_read", domain, specification={"name": {}})
        return result["length"]

    replica(conf, "SELECT pg_wal_replay_pause()")
    try:
        for _attempt in range(100):  # a pause is a request: wait until replay has stopped
            if replica(conf, "SELECT pg_get_wal_replay_pause_state()") == [("paused",)]:
                break
            time.sleep(0.05)
        desk.call("hms.patient", "create", {"name": name, "birthdate": "1975-03-04"})
        # XML-RPC calls always run in a read/write transaction on the primary.
        common = xmlrpc.client.ServerProxy(f"{conf['proxy']}/xmlrpc/2/common")
        uid = common.authenticate(conf["db"], "reception", PASSWORD, {})
        on_primary = xmlrpc.client.ServerProxy(f"{conf['proxy']}/xmlrpc/2/object").execute_kw(
            conf["db"], uid, PASSWORD, "hms.patient", "search_count", [domain]
        )
        check(
            listed() == 0 and on_primary == 1,
            "read-only requests are answered by the replica (replay paused: they do not see a "
            "new patient that read/write requests on the primary see)",
        )
    finally:
        replica(conf, "SELECT pg_wal_replay_resume()")
    for _attempt in range(50):
        if listed():
            break
        time.sleep(0.1)
    check(listed() == 1, "once replay resumes, the replica answers with the new patient")
    audit = "SELECT count(*) FROM hms_audit_event WHERE action = 'read' AND model = 'hms.patient'"
    [[events_before]] = primary(conf, audit)
    reads = [listed() for _ in range(5)]
    [[events_after]] = primary(conf, audit)
    check(
        reads == [1] * 5 and events_after - events_before == 5,
        f"the audit events of those reads ({events_after - events_before}) are in the primary's "
        "chain",
    )


def prove_websocket(conf):
    """The web client's bus: /websocket through the proxy reaches a node's gevent port."""
    desk = Session(conf["proxy"], conf["db"], "reception")
    cookie = f"session_id={desk.http.cookies.get('session_id')}"
    url = conf["proxy"].replace("http://", "ws://") + "/websocket"
    socket = websocket.create_connection(url, cookie=cookie, origin=conf["proxy"], timeout=30)
    try:
        socket.send(json.dumps({"event_name": "subscribe", "data": {"channels": [], "last": 0}}))
        check(socket.connected, "websockets are routed through the proxy to the nodes")
    finally:
        socket.close()


def free_slots(conf):
    """A patient, a practitioner, a type and the free slots of a week, found as the desk does."""
    proxy = conf["proxy"]
    common = xmlrpc.client.ServerProxy(f"{proxy}/xmlrpc/2/common")
    uid = common.authenticate(conf["db"], "reception", PASSWORD, {})
    desk = Session(proxy, conf["db"], "reception")
    [practitioner] = desk.call(
        "hms.practitioner",
        "search_read",
        [("user_id.login", "=", "doctor")],
        fields=["id", "company_ids"],
    )
    [patient] = desk.call(
        "hms.patient",
        "search_read",
        [("company_id", "in", practitioner["company_ids"])],
        fields=["id", "company_id"],
        limit=1,
    )
    [kind] = desk.call("hms.appointment.type", "search_read", [], fields=["id"], limit=1)
    start_day = date.today() + timedelta(days=random.randint(60, 300))
    booking = desk.call(
        "hms.appointment.booking",
        "create",
        {
            "patient_id": patient["id"],
            "practitioner_id": practitioner["id"],
            "appointment_type_id": kind["id"],
            "date_from": start_day.isoformat(),
            "date_to": (start_day + timedelta(days=7)).isoformat(),
        },
    )
    desk.call("hms.appointment.booking", "action_search", [booking])
    slot_ids = desk.call("hms.appointment.booking", "read", [booking], ["slot_ids"])[0]["slot_ids"]
    slots = [
        s["start"]
        for s in desk.call("hms.appointment.booking.slot", "read", slot_ids[:32], ["start"])
    ]
    check(len(slots) >= 16, f"{len(slots)} free slots to fight for")
    return uid, patient, practitioner, kind, slots


def prove_node_failure(conf, clients=16):
    proxy = conf["proxy"]
    uid, patient, practitioner, kind, slots = free_slots(conf)
    told_booked, errors, refused, gave_up, lock = [], [0], [0], [0], threading.Lock()
    killed = threading.Event()
    attempts = [0]

    def client(seed):
        proxy_rpc = xmlrpc.client.ServerProxy(f"{proxy}/xmlrpc/2/object", allow_none=True)
        order = list(slots)
        random.Random(seed).shuffle(order)
        for start in order:
            for _retry in range(20):
                with lock:
                    attempts[0] += 1
                    if attempts[0] == len(slots) * clients // 3 and not killed.is_set():
                        killed.set()
                        threading.Thread(target=control, args=(conf, "kill-node", "a")).start()
                try:
                    appointment_id = proxy_rpc.execute_kw(
                        conf["db"],
                        uid,
                        PASSWORD,
                        "hms.appointment",
                        "create",
                        [
                            {
                                "patient_id": patient["id"],
                                "practitioner_id": practitioner["id"],
                                "appointment_type_id": kind["id"],
                                "company_id": patient["company_id"][0],
                                "start": start,
                                "source": "phone",
                            }
                        ],
                    )
                    with lock:
                        told_booked.append((appointment_id, start))
                    break
                except xmlrpc.client.Fault:
                    with lock:
                        refused[0] += 1
                    break
                except (OSError, xmlrpc.client.ProtocolError):
                    # The node died under this request: try again through the proxy.
                    with lock:
                        errors[0] += 1
                    time.sleep(0.2)
            else:
                with lock:
                    gave_up[0] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    check(killed.is_set(), "node A was killed during the burst")
    check(
        gave_up[0] == 0,
        f"{errors[0]} requests cut by the kill succeeded on retry through the proxy",
    )
    ids = [appointment_id for appointment_id, _start in told_booked]
    stored = {
        row[0] for row in primary(conf, "SELECT id FROM hms_appointment WHERE id = ANY(%s)", [ids])
    }
    check(
        len(stored) == len(ids),
        f"all {len(ids)} bookings the clients were told about are stored (none lost)",
    )
    [[doubles]] = primary(
        conf,
        """SELECT count(*) FROM hms_appointment a JOIN hms_appointment b
             ON a.practitioner_id = b.practitioner_id AND a.id < b.id
            AND tsrange(a.start, a.stop) && tsrange(b.start, b.stop)
          WHERE a.practitioner_id = %s AND a.state NOT IN ('cancelled', 'no_show')
            AND b.state NOT IN ('cancelled', 'no_show')""",
        [practitioner["id"]],
    )
    check(doubles == 0, "no slot is booked twice")
    check(
        len(ids) == len(slots),
        f"each of the {len(slots)} slots is booked exactly once ({refused[0]} attempts refused)",
    )
    print(
        f"   {attempts[0]} attempts by {clients} clients in {elapsed:.1f} s, "
        f"{errors[0]} connection errors retried through the proxy"
    )
    control(conf, "start-node", "a")


def prove_replica_down(conf):
    control(conf, "stop-replica")
    try:
        desk = Session(conf["proxy"], conf["db"], "reception")
        rows = desk.call("hms.patient", "web_search_read", [], specification={"name": {}}, limit=5)
        check(
            len(rows["records"]) == 5,
            "with the replica stopped, read-only requests are served by the primary",
        )
    finally:
        control(conf, "start-replica")


def prove_chain(conf):
    # scripts/audit_verify.py against the primary, with node A's configuration.
    result = subprocess.run(
        [sys.executable, conf["audit_verify"], "-c", conf["node_config"], "-d", conf["db"]],
        capture_output=True,
        text=True,
        check=False,
    )
    check(result.returncode == 0, f"the audit chain verifies: {result.stdout.strip()}")


def main(argv):
    with open(argv[1]) as handle:
        conf = json.load(handle)
    prove_shared_sessions(conf)
    prove_replica_reads(conf)
    prove_websocket(conf)
    prove_node_failure(conf)
    prove_replica_down(conf)
    prove_chain(conf)
    print("cluster proofs: all passed")


if __name__ == "__main__":
    main(sys.argv)
