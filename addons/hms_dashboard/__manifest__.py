{
    "name": "Hospital: Dashboards",
    "summary": "The Hospital dashboards of Odoo's Dashboards app: the clinic's KPIs",
    "version": "18.0.1.0.0",
    "category": "Services/Hospital",
    "website": "https://hms.example.org",
    "author": "HMS Odoo Contributors",
    "license": "LGPL-3",
    "depends": ["hms_appointment", "spreadsheet_dashboard"],
    "data": ["data/hms_dashboard_data.xml"],
    "auto_install": ["hms_appointment"],
    "installable": True,
}
