{
    "name": "Hospital: Patients",
    "summary": "Patient registry: medical record numbers, demographics, contacts",
    "version": "18.0.1.0.0",
    "category": "Services/Hospital",
    "website": "https://hms.example.org",
    "author": "HMS Odoo Contributors",
    "license": "LGPL-3",
    "depends": ["hms_base"],
    "data": [
        "security/ir.model.access.csv",
        "security/hms_patient_security.xml",
        "data/hms_patient_data.xml",
        "views/hms_patient_views.xml",
        "views/hms_patient_menus.xml",
    ],
    "demo": ["demo/hms_patient_demo.xml"],
    "installable": True,
}
