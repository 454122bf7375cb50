"""Open an Odoo environment on a database from a configuration file (benchmarks only)."""

import argparse
import contextlib

import odoo
from odoo import SUPERUSER_ID, api


def parse_args(description, **extra):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--size", type=int, default=20000, help="number of patients")
    for name, kwargs in extra.items():
        parser.add_argument(f"--{name}", **kwargs)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    return args


@contextlib.contextmanager
def environment(database, commit=True):
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(
            cr,
            SUPERUSER_ID,
            {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True},
        )
        yield env
        if commit:
            cr.commit()
        else:
            cr.rollback()
