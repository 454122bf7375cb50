"""What every benchmark of scripts/bench shares: its command line, the Odoo environment, and
percentiles, computed one way so that the figures of different scripts compare."""

import argparse
import contextlib
import math
import os
import socket
import statistics
import subprocess
import sys
import time
import xmlrpc.client

import odoo
from odoo import SUPERUSER_ID, api

# No chatter: a benchmark measures the HMS code, not mail's bookkeeping.
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}


def parse_args(description, argv=None, **options):
    """``-c``/``-d`` and the script's own ``--options`` (``name={"type": int, ...}``, an
    underscore in the name is a dash on the command line); loads the Odoo configuration."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    for name, kwargs in options.items():
        parser.add_argument(f"--{name.replace('_', '-')}", **kwargs)
    args = parser.parse_args(argv)
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    return args


def registry(database):
    """The database's registry, loaded once per process."""
    return odoo.modules.registry.Registry(database)


@contextlib.contextmanager
def environment(database, commit=True, context=QUIET):
    """A superuser environment on a new cursor, committed (or rolled back) at the end."""
    with registry(database).cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, dict(context))
        if commit:
            cr.commit()
        else:
            cr.rollback()


def percentiles(samples):
    """(p50, p95) in milliseconds of durations in seconds; p95 by the nearest rank."""
    ordered = sorted(samples)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(function, runs):
    """The durations in seconds of ``runs`` calls of ``function()``."""
    samples = []
    for _run in range(runs):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return samples


@contextlib.contextmanager
def server(args, workers=2):
    """An ``odoo-bin`` in multi-worker mode on a free loopback port, for benchmarks of
    concurrent clients; yields its base URL once it answers, stops it at the end."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    odoo_bin = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
    process = subprocess.Popen(
        [
            sys.executable,
            odoo_bin,
            "-c",
            args.config,
            "-d",
            args.database,
            f"--db-filter=^{args.database}$",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            f"--workers={workers}",
            "--max-cron-threads=0",
            "--log-level=critical",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(240):
            try:
                xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").version()
                break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
