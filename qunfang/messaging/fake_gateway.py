"""A stand-in for Aliyun's SMS gateway on 127.0.0.1, for the tests and the benchmark: it checks what
the real one checks (the key, the signature, a fresh timestamp, a nonce used once, the sign name, the
template and its parameters, the number) and answers as it does, including its refusals: throttling
("isv.BUSINESS_LIMIT_CONTROL"), server errors, an invalid number. Faults can be ordered ahead."""

from __future__ import annotations

import json
import threading
import uuid
from collections import deque
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

from qunfang.messaging.aliyun import CHINA, signature

COMMON = [
    "AccessKeyId", "Action", "Format", "RegionId", "SignatureMethod", "SignatureNonce",
    "SignatureVersion", "Timestamp", "Version", "Signature",
]  # fmt: skip
REQUIRED = {
    "SendSms": [*COMMON, "PhoneNumbers", "SignName", "TemplateCode", "TemplateParam"],
    "QuerySendDetails": [*COMMON, "PhoneNumber", "SendDate", "PageSize", "CurrentPage"],
}


class FakeAliyunSms:
    def __init__(
        self,
        *,
        keys: dict[str, str],
        sign_names: set[str],
        templates: dict[str, set[str]],
        per_number_per_minute: int = 1000,
    ):
        self.keys, self.sign_names, self.templates = keys, sign_names, templates
        self.per_number_per_minute = per_number_per_minute
        self.accepted: list[dict] = []
        self.faults: deque[str] = deque()  # "500", "drop" or an Aliyun error code, taken one per request
        self._nonces: set[str] = set()
        self._recent: dict[str, deque] = {}
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the real gateway
            # The answer leaves in one segment: headers and body written apart would meet the client's
            # delayed ACK and cost 40 ms a message.
            wbufsize = 64 * 1024
            disable_nagle_algorithm = True

            def do_GET(self):  # noqa: N802 (the standard library's name)
                params = dict(parse_qsl(urlparse(self.path).query, keep_blank_values=True))
                try:
                    status, answer = gateway.answer(params)
                except Exception as error:  # noqa: BLE001 (a bug of the fake shows as the gateway's 500)
                    status, answer = 500, {"Code": "InternalError", "Message": repr(error)}
                if status is None:
                    self.close_connection = True  # "drop": the connection dies without an answer
                    return
                body = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self) -> FakeAliyunSms:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, params: dict[str, str]) -> tuple[int | None, dict]:
        request_id = uuid.uuid4().hex.upper()

        def error(status: int, code: str, message: str) -> tuple[int, dict]:
            return status, {"RequestId": request_id, "Code": code, "Message": message}

        with self._lock:
            fault = self.faults.popleft() if self.faults else None
        if fault == "drop":
            return None, {}
        if fault == "500":
            return error(500, "ServiceUnavailable", "The request has failed due to a temporary failure.")
        if params.get("Action") not in REQUIRED:
            return error(400, "InvalidAction.NotFound", "Specified api is not found.")
        missing = [name for name in REQUIRED[params["Action"]] if name not in params]
        if missing:
            return error(400, "MissingParameter", f"{missing[0]} is mandatory for this action.")
        secret = self.keys.get(params["AccessKeyId"])
        if secret is None:
            return error(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        given = params.pop("Signature")
        if given != signature(params, secret):
            return error(
                400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation."
            )
        stamp = datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        if abs(datetime.now(UTC) - stamp) > timedelta(minutes=15):
            return error(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
        with self._lock:
            if params["SignatureNonce"] in self._nonces:
                return error(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
            self._nonces.add(params["SignatureNonce"])
        if fault:
            return error(200, fault, "Injected by the test.")
        if params["Action"] == "QuerySendDetails":
            return 200, self.details(params, request_id)
        if params["SignName"] not in self.sign_names:
            return error(200, "isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
        wanted = self.templates.get(params["TemplateCode"])
        if wanted is None:
            return error(200, "isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
        values = json.loads(params["TemplateParam"] or "{}")
        if not wanted <= values.keys():
            return error(200, "isv.TEMPLATE_MISSING_PARAMETERS", "模版变量缺少对应参数值")
        number = params["PhoneNumbers"]
        if not (len(number) == 11 and number.isdigit() and number.startswith("1")):
            return error(200, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        with self._lock:
            recent = self._recent.setdefault(number, deque())
            now = datetime.now(UTC)
            while recent and now - recent[0] > timedelta(minutes=1):
                recent.popleft()
            if len(recent) >= self.per_number_per_minute:
                return error(200, "isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1")
            recent.append(now)
            biz_id = f"{len(self.accepted) + 1:06d}^{uuid.uuid4().int % 10**10}"
            self.accepted.append(
                {
                    "phone": number,
                    "template": params["TemplateCode"],
                    "params": values,
                    "out_id": params.get("OutId", ""),
                    "biz_id": biz_id,
                    "date": datetime.now(CHINA).strftime("%Y%m%d"),
                }
            )
        return 200, {"RequestId": request_id, "Code": "OK", "Message": "OK", "BizId": biz_id}

    def details(self, params: dict[str, str], request_id: str) -> dict:
        with self._lock:
            sent = [
                {"PhoneNum": m["phone"], "OutId": m["out_id"], "SendStatus": 3, "TemplateCode": m["template"]}
                for m in self.accepted
                if m["phone"] == params["PhoneNumber"] and m["date"] == params["SendDate"]
            ]
        size, page = int(params["PageSize"]), int(params["CurrentPage"])
        return {
            "RequestId": request_id,
            "Code": "OK",
            "Message": "OK",
            "TotalCount": len(sent),
            "SmsSendDetailDTOs": {"SmsSendDetailDTO": sent[(page - 1) * size : page * size]},
        }
