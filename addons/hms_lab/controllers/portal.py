from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers import portal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class CustomerPortal(portal.CustomerPortal):
    """Released lab results of the user's own patients (themselves, their dependants).

    Record rules decide what a portal user reads; no access token opens a result.
    """

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "lab_result_count" in counters:
            Order = request.env["hms.lab.order"]
            values["lab_result_count"] = Order.search_count([]) if Order.has_access("read") else 0
        return values

    @http.route(
        ["/my/lab-results", "/my/lab-results/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_lab_results(self, page=1):
        Order = request.env["hms.lab.order"]
        if not Order.has_access("read"):
            return request.redirect("/my")
        pager = portal_pager(
            url="/my/lab-results",
            total=Order.search_count([]),
            page=page,
            step=self._items_per_page,
        )
        orders = Order.search(
            [], order="date_released desc", limit=self._items_per_page, offset=pager["offset"]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "lab_orders": orders.sudo(),  # rows filtered by the rules above
                "page_name": "lab_results",
                "pager": pager,
                "default_url": "/my/lab-results",
            }
        )
        return request.render("hms_lab.portal_my_lab_results", values)

    @http.route(["/my/lab-results/<int:order_id>"], type="http", auth="user", website=True)
    def portal_my_lab_result(self, order_id, **kw):
        try:
            order_sudo = self._document_check_access("hms.lab.order", order_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._show_report(
            model=order_sudo,
            report_type="pdf",
            report_ref="hms_lab.action_report_lab_order",
            download=kw.get("download"),
        )
