from . import report_visit_summary
