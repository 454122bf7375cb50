#!/bin/bash
# Run once by the official postgres image when it creates the primary's data directory:
# streaming replicas (docker compose --profile cluster) connect as the odoo role.
set -e
echo "host replication ${POSTGRES_USER} all scram-sha-256" >>"$PGDATA/pg_hba.conf"
