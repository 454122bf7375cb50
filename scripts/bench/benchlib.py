"""What every benchmark of scripts/bench shares: its command line, the Odoo environment, and
percentiles, computed one way so that the figures of different scripts compare."""

import argparse
import contextlib
import math
import statistics
import time

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
