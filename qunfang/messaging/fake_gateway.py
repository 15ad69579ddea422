"""Stand-ins for the providers' gateways on 127.0.0.1, for the tests and the benchmark: Aliyun SMS,
Tencent Cloud SMS and a WeCom group robot. Each checks what the real one checks (the key, the
signature, a fresh timestamp, the sign name, the template and its parameters, the number) and answers
as it does, including its refusals: throttling, server errors, an invalid number. Faults can be ordered
ahead."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

from qunfang.messaging.aliyun import CHINA, signature
from qunfang.messaging.tencent import CONTENT_TYPE, tc3_signature

COMMON = [
    "AccessKeyId", "Action", "Format", "RegionId", "SignatureMethod", "SignatureNonce",
    "SignatureVersion", "Timestamp", "Version", "Signature",
]  # fmt: skip
REQUIRED = {
    "SendSms": [*COMMON, "PhoneNumbers", "SignName", "TemplateCode", "TemplateParam"],
    "QuerySendDetails": [*COMMON, "PhoneNumber", "SendDate", "PageSize", "CurrentPage"],
}


class FakeGateway:
    """An HTTP server on 127.0.0.1 answering like a provider: a subclass says what `answer(request)`
    answers. Faults can be ordered ahead: "500", "drop" (the connection dies unanswered) or a provider's
    error code, taken one per request. Numbers in `undeliverable` are taken but never reach a handset,
    as their receipts then say. Every message taken is in `accepted`."""

    def __init__(self, *, per_number_per_minute: int = 1000, undeliverable: frozenset[str] = frozenset()):
        self.per_number_per_minute = per_number_per_minute
        self.undeliverable = undeliverable
        self.accepted: list[dict] = []
        self.faults: deque[str] = deque()
        self._recent: dict[str, deque] = {}
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the real gateways
            # The answer leaves in one segment: headers and body written apart would meet the client's
            # delayed ACK and cost 40 ms a message.
            wbufsize = 64 * 1024
            disable_nagle_algorithm = True

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(self.command, self.path, self.headers, self.rfile.read(length))
                with gateway._lock:
                    fault = gateway.faults.popleft() if gateway.faults else None
                try:
                    status, answer = (None, {}) if fault == "drop" else gateway.answer(request, fault)
                except Exception as error:  # noqa: BLE001 (a bug of the fake shows as the gateway's 500)
                    status, answer = 500, {"Code": "InternalError", "Message": repr(error)}
                if status is None:
                    self.close_connection = True
                    return
                body = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _handle  # noqa: N815 (the standard library's names)

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, request: Request, fault: str | None) -> tuple[int | None, dict]:
        raise NotImplementedError

    def too_often(self, number: str) -> bool:
        """Whether the number had its share of messages in the last minute (call with the lock held)."""
        recent = self._recent.setdefault(number, deque())
        now = datetime.now(UTC)
        while recent and now - recent[0] > timedelta(minutes=1):
            recent.popleft()
        if len(recent) >= self.per_number_per_minute:
            return True
        recent.append(now)
        return False


@dataclass
class Request:
    method: str
    path: str
    headers: Any
    body: bytes


def valid_mobile(number: str) -> bool:
    return len(number) == 11 and number.isdigit() and number.startswith("1")


class FakeAliyunSms(FakeGateway):
    def __init__(
        self, *, keys: dict[str, str], sign_names: set[str], templates: dict[str, set[str]], **options
    ):
        super().__init__(**options)
        self.keys, self.sign_names, self.templates = keys, sign_names, templates
        self._nonces: set[str] = set()

    def answer(self, request: Request, fault: str | None) -> tuple[int | None, dict]:
        params = dict(parse_qsl(urlparse(request.path).query, keep_blank_values=True))
        request_id = uuid.uuid4().hex.upper()

        def error(status: int, code: str, message: str) -> tuple[int, dict]:
            return status, {"RequestId": request_id, "Code": code, "Message": message}

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
        if not valid_mobile(number):
            return error(200, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        with self._lock:
            if self.too_often(number):
                return error(200, "isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1")
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
                {
                    "PhoneNum": m["phone"],
                    "OutId": m["out_id"],
                    "SendStatus": 2 if m["phone"] in self.undeliverable else 3,
                    "ErrCode": "MOBILE_NOT_ON_SERVICE" if m["phone"] in self.undeliverable else "DELIVERED",
                    "TemplateCode": m["template"],
                }
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


class FakeTencentSms(FakeGateway):
    """Tencent Cloud SMS 2021-01-11: SendSms, PullSmsSendStatus (each receipt handed out once) and
    PullSmsSendStatusByPhoneNumber, signed with TC3-HMAC-SHA256."""

    def __init__(
        self, *, keys: dict[str, str], app_id: str, sign_names: set[str], templates: dict[str, int], **options
    ):
        super().__init__(**options)
        self.keys, self.app_id, self.sign_names = keys, app_id, sign_names
        self.templates = templates  # template id: how many parameters it has
        self._receipts: deque[dict] = deque()  # not pulled yet

    def answer(self, request: Request, fault: str | None) -> tuple[int | None, dict]:
        request_id = str(uuid.uuid4())

        def error(code: str, message: str) -> tuple[int, dict]:
            return 200, {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}}

        if fault == "500":
            return 502, {}
        headers = request.headers
        match = re.fullmatch(
            r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d\d-\d\d)/sms/tc3_request, "
            r"SignedHeaders=content-type;host, Signature=([0-9a-f]{64})",
            headers.get("Authorization", ""),
        )
        if not match:
            return error("AuthFailure.InvalidAuthorization", "Authorization is invalid.")
        secret = self.keys.get(match.group(1))
        if secret is None:
            return error("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
        timestamp = int(headers.get("X-TC-Timestamp", "0"))
        if abs(time.time() - timestamp) > 300:
            return error("AuthFailure.SignatureExpire", "Signature expired.")
        expected = tc3_signature(
            secret, host=headers.get("Host", ""), payload=request.body.decode(), timestamp=timestamp
        )
        if match.group(3) != expected or headers.get("Content-Type") != CONTENT_TYPE:
            return error("AuthFailure.SignatureFailure", "The provided credentials could not be validated.")
        if headers.get("X-TC-Version") != "2021-01-11":
            return error("InvalidParameter", "Version is not supported.")
        if fault:
            return error(fault, "Injected by the test.")
        fields = json.loads(request.body)
        if fields.get("SmsSdkAppId") != self.app_id:
            return error("FailedOperation.SmsSdkAppIdVerifyFail", "SmsSdkAppId verification failed.")
        action = headers.get("X-TC-Action")
        if action == "SendSms":
            return 200, {"Response": {"SendStatusSet": self.send(fields, error), "RequestId": request_id}}
        if action == "PullSmsSendStatus":
            with self._lock:
                pulled = [self._receipts.popleft() for _ in range(min(fields["Limit"], len(self._receipts)))]
            return 200, {"Response": {"PullSmsSendStatusSet": pulled, "RequestId": request_id}}
        if action == "PullSmsSendStatusByPhoneNumber":
            with self._lock:
                found = [self.receipt(m) for m in self.accepted if m["phone"] == fields["PhoneNumber"]]
            return 200, {"Response": {"PullSmsSendStatusSet": found, "RequestId": request_id}}
        return error("InvalidAction", f"The action {action} is not found.")

    def send(self, fields: dict, error) -> list[dict]:
        problem = None
        if fields.get("SignName") not in self.sign_names:
            problem = ("FailedOperation.SignatureIncorrectOrUnapproved", "签名未审批或格式错误")
        elif fields.get("TemplateId") not in self.templates:
            problem = ("FailedOperation.TemplateIncorrectOrUnapproved", "模板未审批或内容不匹配")
        elif len(fields.get("TemplateParamSet", [])) != self.templates[fields["TemplateId"]]:
            problem = (
                "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
                "请求内容与审核通过的模板内容不匹配",
            )
        statuses = []
        for phone in fields["PhoneNumberSet"]:
            status = {
                "PhoneNumber": phone,
                "SessionContext": fields.get("SessionContext", ""),
                "IsoCode": "CN",
            }
            code, message = problem or ("Ok", "send success")
            serial = ""
            with self._lock:
                if not problem and not valid_mobile(phone.removeprefix("+86")):
                    code, message = "InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误"
                elif not problem and self.too_often(phone):
                    code, message = (
                        "LimitExceeded.PhoneNumberThirtySecondLimit",
                        "单个手机号30秒内下发短信条数超过设定的上限",
                    )
                if code == "Ok":
                    serial = f"2019:{uuid.uuid4().int % 10**19}"
                    taken = {"phone": phone, "serial": serial, "context": status["SessionContext"]}
                    taken["params"] = fields["TemplateParamSet"]
                    self.accepted.append(taken)
                    self._receipts.append(self.receipt(taken))
            statuses.append(
                {
                    **status,
                    "Code": code,
                    "Message": message,
                    "SerialNo": serial,
                    "Fee": int(code == "Ok"),
                }
            )
        return statuses

    def receipt(self, taken: dict) -> dict:
        delivered = taken["phone"].removeprefix("+86") not in self.undeliverable
        return {
            "UserReceiveTime": datetime.now(CHINA).strftime("%Y-%m-%d %H:%M:%S"),
            "CountryCode": "86",
            "SubscriberNumber": taken["phone"].removeprefix("+86"),
            "PhoneNumber": taken["phone"],
            "SerialNo": taken["serial"],
            "ReportStatus": "SUCCESS" if delivered else "FAIL",
            "Description": "用户短信送达成功" if delivered else "用户手机号停机",
            "SessionContext": taken["context"],
        }


class FakeWeComRobot(FakeGateway):
    """A WeCom group robot's webhook: a text message with mentions, 20 a minute per robot."""

    def __init__(self, *, key: str, per_minute: int = 20, **options):
        super().__init__(**options)
        self.key, self.per_minute = key, per_minute
        self.posted: deque[datetime] = deque()

    @property
    def webhook(self) -> str:
        return f"{self.url}cgi-bin/webhook/send?key={self.key}"

    def answer(self, request: Request, fault: str | None) -> tuple[int | None, dict]:
        if fault == "500":
            return 503, {}
        if fault:
            return 200, {"errcode": int(fault), "errmsg": "injected by the test"}
        url = urlparse(request.path)
        if url.path != "/cgi-bin/webhook/send" or dict(parse_qsl(url.query)).get("key") != self.key:
            return 200, {"errcode": 93000, "errmsg": "invalid webhook url"}
        body = json.loads(request.body)
        if body.get("msgtype") != "text":
            return 200, {"errcode": 40008, "errmsg": "invalid message type"}
        content = body["text"].get("content", "")
        if not content:
            return 200, {"errcode": 44004, "errmsg": "empty content"}
        if len(content.encode()) > 2048:
            return 200, {"errcode": 45002, "errmsg": "content size out of limit"}
        with self._lock:
            now = datetime.now(UTC)
            while self.posted and now - self.posted[0] > timedelta(minutes=1):
                self.posted.popleft()
            if len(self.posted) >= self.per_minute:
                return 200, {"errcode": 45009, "errmsg": "api freq out of limit"}
            self.posted.append(now)
            self.accepted.append(
                {"content": content, "mentioned": body["text"].get("mentioned_mobile_list", [])}
            )
        return 200, {"errcode": 0, "errmsg": "ok"}
