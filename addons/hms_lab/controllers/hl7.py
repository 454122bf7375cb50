from odoo import fields, http
from odoo.http import request


class Hl7Controller(http.Controller):
    """HL7 v2 ORU^R01 results from instruments and external labs.

    Authenticated by the API key of a lab integration user (``Authorization: Bearer``);
    answers with an HL7 acknowledgement: AA when applied, AE when the message went to the
    error queue (it is stored either way).
    """

    @http.route(
        "/hms_lab/hl7/oru",
        type="http",
        auth="bearer",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def hl7_oru(self):
        if not request.env.user.has_group("hms_base.group_hms_lab_technician"):
            return request.make_response("Forbidden", status=403)
        raw = request.httprequest.get_data(as_text=True)
        if not raw.strip():
            return request.make_response("Empty message", status=400)
        message = request.env["hms.lab.hl7.message"]._hms_receive(raw)
        code = "AA" if message.state == "applied" else "AE"
        stamp = fields.Datetime.now().strftime("%Y%m%d%H%M%S")
        text = (message.error or "").replace("|", "/").replace("\n", " ")[:200]
        ack = (
            f"MSH|^~\\&|HMS|HMS|||{stamp}||ACK^R01|ACK{message.id}|P|2.5\r"
            f"MSA|{code}|{message.name or ''}|{text}\r"
        )
        return request.make_response(
            ack,
            headers=[("Content-Type", "x-application/hl7-v2+er7")],
            status=200 if code == "AA" else 422,
        )
