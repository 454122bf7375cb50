def post_init_hook(env):
    """Give every existing clinic its own waiting-room token.

    A new column is filled with one default value for all rows: each clinic gets a fresh one.
    """
    for company in env["res.company"].search([]):
        company.hms_queue_token = company._hms_new_queue_token()
