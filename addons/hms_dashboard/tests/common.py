WAIT_FIGURES = """
const waitFigures = (tries) => {
    const figures = document.querySelectorAll(".o_spreadsheet_dashboard_action .o-figure");
    if (figures.length >= minFigures) {
        console.log("test successful");
    } else if (tries) {
        setTimeout(() => waitFigures(tries - 1), 250);
    } else {
        console.error(`the dashboard drew ${figures.length} figures`);
    }
};
waitFigures(120);
"""


class DashboardBrowserMixin:
    """For an ``HttpCase``: open a spreadsheet dashboard in the Dashboards app as a user."""

    def assertDashboardDraws(self, dashboard, figures, login):
        """The dashboard opens for ``login`` and draws at least ``figures`` figures (KPIs,
        charts); the browser test fails unless the page logs "test successful"."""
        self.browser_js(
            f"/odoo/dashboards?dashboard_id={dashboard.id}",
            f"const minFigures = {int(figures)};\n{WAIT_FIGURES}",
            ready="odoo.isReady",
            login=login,
        )
