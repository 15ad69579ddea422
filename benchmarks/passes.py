"""Pass verification benchmark.

Guard's side: the guard page's own check (community/static/community/pass-check.js: signature by
WebCrypto Ed25519, validity, revocation, exit rules) run in Debian's Chromium, headless, offline, on
signed demo tokens; verifications per second (median of rounds), and the same with the vendored pure-JS
verifier older phones fall back to; and, for scale, Python's `cryptography` verifying the same tokens.

Server's side: guards' phones checking passes through the API (POST /api/v1/community/gates/[id]/check)
under load — gunicorn with 2 workers, PostgreSQL, 127.0.0.1, the demo's 在水一方 — beside a bare Django
view served the same way in the same run: requests per second, median latency, and the ratio. The
figures go to benchmarks/results/passes.json.

    .venv/bin/python benchmarks/passes.py                      # 20 s a load phase, 20 users
    .venv/bin/python benchmarks/passes.py --seconds 5 --users 8
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import load
import results
from private_postgres import prepare_environment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TOKENS, ROUNDS, PER_ROUND = 500, 5, 2000

PAGE = """<!doctype html><meta charset="utf-8"><script type="module">
import { check } from "/static/community/pass-check.js";
window.check = check;
// As on a phone browser without Ed25519 in WebCrypto.
window.forceFallback = () => {
  const refuse = () => Promise.reject(new DOMException("no Ed25519", "NotSupportedError"));
  crypto.subtle.importKey = refuse;
  crypto.subtle.verify = refuse;
};
document.title = "ready";
</script>"""

LOOP = """async ([tokens, bundle, messages, count]) => {
  const started = performance.now();
  let allowed = 0;
  for (let n = 0; n < count; n++) {
    const verdict = await window.check(tokens[n % tokens.length], "out",
      { bundle, records: [], now: new Date(), timeZone: "Asia/Shanghai", messages });
    if (verdict.allowed) allowed++;
  }
  return [performance.now() - started, allowed];
}"""


def guard_side() -> dict:
    import django

    django.setup()
    from datetime import date, timedelta

    from django.contrib.staticfiles import finders
    from playwright.sync_api import sync_playwright

    from qunfang.community import tokens
    from qunfang.community.views.checkpoints import _guard_messages
    from qunfang.conftest import BROWSER_ARGS

    today = date.today()  # noqa: DTZ011 (the tokens' dates; a day's skew is harmless here)
    signed = [
        tokens.sign(
            tokens.PassFacts(
                n,
                1,
                1,
                n,
                f"{n % 33 + 1}栋{n % 3 + 1}单元{n % 20 + 1:02d}01",
                today - timedelta(days=1),
                today + timedelta(days=13),
                2,
            )
        )  # fmt: skip
        for n in range(1, TOKENS + 1)
    ]
    bundle = {"community": {"id": 1, "name": "在水一方社区"}, "gate": {"id": 1, "name": "东门"},
              "keys": [{"community": 1, "version": 1, "key": tokens.public_key_text(1, 1)}],
              "revoked": list(range(TOKENS + 1, TOKENS + 200)), "last": {}, "server_time": ""}  # fmt: skip
    keys = {(1, 1): tokens.public_key_text(1, 1)}
    messages = {key: str(value) for key, value in _guard_messages().items()}
    figures: dict[str, float] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        page = browser.new_page()

        def serve(route):
            path = route.request.url.split("localhost", 1)[1].split("?")[0]
            if path == "/bench.html":
                return route.fulfill(body=PAGE, content_type="text/html")
            found = finders.find(path.removeprefix("/static/"))
            if not found:
                return route.fulfill(status=404)
            return route.fulfill(path=found, content_type="text/javascript")

        page.route("http://localhost/**", serve)
        page.goto("http://localhost/bench.html")
        page.wait_for_function("document.title === 'ready'")
        page.context.set_offline(True)  # what the guard's phone has: no network
        for name, prepare in (("webcrypto", None), ("pure_js", "window.forceFallback()")):
            if prepare:
                page.evaluate(prepare)
            rates = []
            for _round in range(ROUNDS):
                elapsed_ms, allowed = page.evaluate(LOOP, [signed, bundle, messages, PER_ROUND])
                assert allowed == PER_ROUND, f"{allowed} of {PER_ROUND} allowed"
                rates.append(PER_ROUND / (elapsed_ms / 1000))
            figures[name] = statistics.median(rates)
        browser.close()
    rates = []
    for _round in range(ROUNDS):
        started = time.perf_counter()
        for n in range(PER_ROUND):
            tokens.verify(signed[n % TOKENS], keys)
        rates.append(PER_ROUND / (time.perf_counter() - started))
    figures["python"] = statistics.median(rates)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--users", type=int, default=20)
    args = parser.parse_args()
    prepare_environment("passes")
    guard = guard_side()
    print(f"guard's side, offline in Chromium ({ROUNDS} rounds of {PER_ROUND:,}, medians):")
    print(f"  WebCrypto Ed25519      {guard['webcrypto']:10,.0f} verifications/s")
    print(f"  pure-JS fallback       {guard['pure_js']:10,.0f} verifications/s")
    print(f"  (Python cryptography   {guard['python']:10,.0f} verifications/s, signature only)")
    figures = load.serve_and_run(["bare", "passes"], args.seconds, args.users)
    bare, passes = figures["bare"], figures["passes"]
    print(f"server's side, gunicorn 2 workers + PostgreSQL, {args.users} users, {args.seconds:g} s a phase:")
    for name, f in (("bare view", bare), ("pass check", passes)):
        latency = f"p50 {f['p50_ms']} ms  p99 {f['p99_ms']} ms"
        print(f"  {name:<12}{f['rps']:>10} req/s  {latency}  errors {f['errors']}")
    ratio = passes["rps"] / bare["rps"] if bare["rps"] else float("nan")
    print(f"  pass checks/bare view: throughput ratio {ratio:.2f}")
    figures = {
        "guard_verifications_per_second": {name: round(rate, 1) for name, rate in guard.items()},
        "server": {"bare": bare, "passes": passes},
        "passes_over_bare_rps": round(ratio, 2),
    }
    print(f"figures written to {results.record('passes', figures, options=vars(args))}")


if __name__ == "__main__":
    main()
