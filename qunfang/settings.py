"""Qunfang's one settings module. Every knob is a QUNFANG_* environment variable with a safe default:
a fresh checkout runs on embedded SQLite under var/ with no configuration at all."""

import secrets
from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from qunfang.lib.connections import cache_settings, parse_database_url
from qunfang.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    # The embedded setup keeps a generated key in var/ so that sessions survive restarts without the
    # operator having to invent one; a real deployment sets QUNFANG_SECRET_KEY.
    key = env_str("SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
    "qunfang.core",
    "qunfang.registry",
    "qunfang.mobilization",
    "qunfang.reporting",
    "qunfang.messaging",
    "qunfang.community",
    "qunfang.donations",
    "qunfang.needs",
    "qunfang.operations",
    "qunfang.care",
    "qunfang.hardship",
    "qunfang.petitions",
    "qunfang.plaques",
    "qunfang.portal",
    "qunfang.online",
    "qunfang.appointments",
    "qunfang.maps",
    "qunfang.smsreports",
    "qunfang.briefings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files first, each a hashed name kept for a year, compressed when collected (core/staticfiles.py).
    "qunfang.core.staticfiles.StaticFilesMiddleware",
    # Pages and API answers gzipped: a phone's repeat visit is little more than the page itself. Django
    # 5.2's GZipMiddleware pads each answer with random bytes ("Heal The Breach", since 4.2) against
    # BREACH, and CSRF tokens are masked anew in every answer; after WhiteNoise, which sends its own
    # precompressed files.
    "django.middleware.gzip.GZipMiddleware",
    "qunfang.core.middleware.RenewingSessionMiddleware",
    "qunfang.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # With a replica: a GET's heavy reads may go there; a write marks where it left the primary.
    "qunfang.core.replica.ReplicaMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "qunfang.core.middleware.ScopeMiddleware",
    "qunfang.core.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the user and the messages: a form or request sent again with its key gets the first answer.
    "qunfang.core.once.OnceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "qunfang.core.middleware.DatabaseUnavailableMiddleware",
    # Axes last, as its documentation asks: it turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qunfang.urls"
WSGI_APPLICATION = "qunfang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "qunfang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% submission_key %} in every form; |day, |moment and |grouped for how lists and figures read
            "builtins": ["qunfang.core.templatetags.once", "qunfang.core.templatetags.reading"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qunfang.core.context_processors.navigation",
            ],
        },
    },
]

# The database: embedded SQLite (WAL) by default, PostgreSQL when QUNFANG_DATABASE_URL says so.
# The URL may name several servers for failover, libpq's way ("postgres://u@db1:5432,db2:5432/qunfang?
# target_session_attrs=read-write": new connections find whichever is the primary, so a promoted replica
# takes over without a change here). QUNFANG_DATABASE_REPLICA_URL adds a streaming replica for the heavy
# reads (core/replica.py routes them; docs/operations.md has the whole deployment).
DATABASE_URL = env_str("DATABASE_URL")
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
# QUNFANG_DATABASE_PGBOUNCER: the URLs name pgbouncer in transaction pooling (lib/connections.py).
PGBOUNCER = env_bool("DATABASE_PGBOUNCER")
if DATABASE_URL:
    DATABASES = {"default": parse_database_url(DATABASE_URL, pgbouncer=PGBOUNCER)}
    if DATABASE_REPLICA_URL:
        DATABASES["replica"] = parse_database_url(DATABASE_REPLICA_URL, replica=True, pgbouncer=PGBOUNCER)
        DATABASE_ROUTERS = ["qunfang.core.replica.ReplicaRouter"]
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "qunfang.sqlite3",
            "OPTIONS": {
                # WAL lets readers go on while a write commits; IMMEDIATE avoids "database is locked"
                # when two writers upgrade their locks at once.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after a working day of idleness: a request renews the session and its cookie when the
# last renewal is five minutes old (core/middleware.RenewingSessionMiddleware).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 8 * 60) * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lock-out: five wrong passwords for one user name from one address lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = env_int("LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# TLS is usually ended by a proxy in front; these follow QUNFANG_HTTPS.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy: only our own scripts, styles and images (QR codes come as data: images).
# No inline script runs, so text that slipped through escaping could still not execute.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Two-factor sign-in (TOTP) for roles that manage people and places; see core/middleware.py.
OTP_TOTP_ISSUER = "Qunfang"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# QUNFANG_STATIC_ROOT lets installations of one release share what was collected once (the tests' Sites).
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Collected (`qunfang serve` does it when they changed: core/staticfiles.py ensure_collected) under
# hashed names with .br and .gz beside them. Before the first collection the pages name the plain files,
# which WhiteNoise then serves straight from the apps.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "qunfang.core.staticfiles.HashedStaticFiles"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_KEEP_ONLY_HASHED_FILES = True  # half the compressing; the plain names come from the apps
# Uploads and generated files (an import's staged sheet, exports, photos, documents): under var/ on one
# machine; several hosts name one directory they all mount (NFS, a cluster file system).
MEDIA_ROOT = Path(env_str("UPLOADS_DIR", str(VAR_DIR / "uploads")))
UPLOADS_SHARED = bool(env_str("UPLOADS_DIR"))
# Or S3-compatible object storage (Aliyun OSS, Tencent COS, MinIO, Ceph, AWS) through django-storages:
# the files are sent back through Qunfang's own views (access checked, audited), never by the store's
# links. Backups leave them to the store's own versioning (docs/operations.md).
S3_BUCKET = env_str("S3_BUCKET")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "region_name": env_str("S3_REGION") or None,
            "addressing_style": env_str("S3_ADDRESSING_STYLE") or None,  # "path" for MinIO and Ceph
            "location": env_str("S3_PREFIX"),
            "file_overwrite": False,
            "default_acl": None,
        },
    }
    UPLOADS_SHARED = True
# How many hosts serve this installation (docs/operations.md): with more than one, the deployment check
# (core/deploy.py) refuses what one host would keep to itself — the file cache, uploads in var/, keys
# made in var/.
APP_HOSTS = env_int("APP_HOSTS", 1)

# Background work (imports, campaigns, reminders). The database backend needs no other service;
# `qunfang worker` runs its tasks. For scale, Redis through RQ (QUNFANG_TASKS_BACKEND=rq,
# QUNFANG_REDIS_URL), its workers started by `manage.py rqworker --job-class django_tasks_rq.Job
# --with-scheduler`. Tests run tasks in-process ("immediate"), and each queue in a test of its own.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": TASK_BACKENDS[env_str("TASKS_BACKEND", "database")], "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": env_str("REDIS_URL", "redis://127.0.0.1:6379/0"), "DEFAULT_TIMEOUT": 3600}}

# Messages to people (reminders now; campaigns with the messaging issue): the console backend writes
# them to this file and the log, so the embedded setup needs no provider account.
MESSAGING_BACKENDS = {
    "console": "qunfang.messaging.backends.ConsoleBackend",
    # SMS goes to the console too until a provider is configured: "aliyun" or "tencent".
    "sms": {
        "console": "qunfang.messaging.backends.ConsoleBackend",
        "aliyun": "qunfang.messaging.aliyun.AliyunSmsBackend",
        "tencent": "qunfang.messaging.tencent.TencentSmsBackend",
    }[env_str("SMS_PROVIDER", "console")],
    "wecom": "qunfang.messaging.wecom.WeComRobotBackend",
    "email": "qunfang.messaging.mail.EmailBackend",
}
# How fast each provider lets us send, "count/seconds", shared by all workers ("": no limit). WeCom's
# group robots take 20 messages a minute; the SMS figures are the accounts' usual defaults.
MESSAGING_RATES = {
    "aliyun": env_str("ALIYUN_SMS_RATE", "100/1"),
    "tencent": env_str("TENCENT_SMS_RATE", "100/1"),
    "wecom": env_str("WECOM_ROBOT_RATE", "20/60"),
    "email": env_str("EMAIL_RATE", "10/1"),
}
# No SMS reaches a veteran between these hours (local time, "22-8"; empty: none): a campaign pauses and
# its worker takes it up again when they end. The console channel, a test channel, ignores them.
_quiet = env_str("MESSAGING_QUIET_HOURS", "22-8")
MESSAGING_QUIET_HOURS = tuple(int(hour) for hour in _quiet.split("-")) if _quiet else None
# Staff check in their health each day by this local time ("09:00"); the worker's clock then reminds
# those who have not, through this channel ("console", "wecom": the office's group robot mentions them
# by mobile, or "email").
CHECK_IN_BY = env_str("CHECK_IN_BY", "09:00")
CHECK_IN_CHANNEL = env_str("CHECK_IN_CHANNEL", "console")
ALIYUN_SMS = {
    "ACCESS_KEY_ID": env_str("ALIYUN_SMS_ACCESS_KEY_ID"),
    "ACCESS_KEY_SECRET": env_str("ALIYUN_SMS_ACCESS_KEY_SECRET"),
    "SIGN_NAME": env_str("ALIYUN_SMS_SIGN_NAME"),
    "ENDPOINT": env_str("ALIYUN_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com/"),
}
TENCENT_SMS = {
    "SECRET_ID": env_str("TENCENT_SMS_SECRET_ID"),
    "SECRET_KEY": env_str("TENCENT_SMS_SECRET_KEY"),
    "APP_ID": env_str("TENCENT_SMS_APP_ID"),
    "SIGN_NAME": env_str("TENCENT_SMS_SIGN_NAME"),
    "ENDPOINT": env_str("TENCENT_SMS_ENDPOINT", "https://sms.tencentcloudapi.com/"),
}
# The bureau's work group in WeCom: its group robot's webhook (…/cgi-bin/webhook/send?key=…).
WECOM_ROBOT_WEBHOOK = env_str("WECOM_ROBOT_WEBHOOK")
# E-mail through Django's mail: written to files under var/mail until an SMTP server is configured.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "qunfang@localhost")
MESSAGES_LOG = Path(env_str("MESSAGES_LOG", str(VAR_DIR / "messages.log")))
# The veteran's own pages (portal/): a sign-in lasts this long; an SMS provider sends the sign-in code and
# the notices of an application's steps by these approved templates (variables "code" and "notice").
PORTAL_SESSION_HOURS = env_int("PORTAL_SESSION_HOURS", 12)
PORTAL_CODE_TEMPLATE = env_str("PORTAL_CODE_TEMPLATE")
PORTAL_NOTICE_TEMPLATE = env_str("PORTAL_NOTICE_TEMPLATE")
# Reports by SMS (smsreports/): the providers' inbound callbacks answer only under this secret
# (/api/v1/sms/inbound/<provider>/<token>; empty: the callbacks are closed); messages from numbers not
# registered to a station are kept at the place of this code (the district owning the account; empty:
# at no place, seen by nobody); the replies go by this approved template (variable "reply"); Tencent's
# replies are pulled each minute when QUNFANG_SMS_PULL_TENCENT is set.
SMS_INBOUND_TOKEN = env_str("SMS_INBOUND_TOKEN")
SMS_INBOUND_PLACE = env_str("SMS_INBOUND_PLACE")
SMS_REPLY_TEMPLATE = env_str("SMS_REPLY_TEMPLATE")
SMS_PULL_TENCENT = env_bool("SMS_PULL_TENCENT")

# Short-lived shared state (the tree's version, menus, throttles' counts, an import's progress), which
# the web processes read while a worker writes it: files under var/ reach every process on one machine
# without another service; several hosts share it in Redis (QUNFANG_CACHE_URL, or QUNFANG_REDIS_URL),
# where the throttles' counts are atomic increments.
CACHE_URL = env_str("CACHE_URL") or env_str("REDIS_URL")
CACHES = {"default": cache_settings(CACHE_URL, VAR_DIR)}

# Uploads larger than this are refused with a message before they are parsed. A province's roll of
# 500,000 rows is about 30 MB as .xlsx.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_MB", 40) * 1024 * 1024
MAX_IMPORT_ROWS = env_int("MAX_IMPORT_ROWS", 500_000)
# A list's export of more rows than this is written by the worker to a file, downloaded when done.
EXPORT_IN_BACKGROUND_ROWS = env_int("EXPORT_IN_BACKGROUND_ROWS", 50_000)
# An .xlsx is a zip: what it may unpack to, and the memory and time its reader (a child process) may take.
MAX_UNPACKED_MB = env_int("MAX_UNPACKED_MB", 512)
# Maps (maps/geometry.py): a GeoJSON of boundaries or positions, its size and its points in all.
MAPS_MAX_UPLOAD_BYTES = env_int("MAPS_MAX_UPLOAD_MB", 20) * 1024 * 1024
MAPS_MAX_POINTS = env_int("MAPS_MAX_POINTS", 500_000)
MAX_READER_MEMORY_MB = env_int("MAX_READER_MEMORY_MB", 3072)
MAX_READ_SECONDS = env_int("MAX_READ_SECONDS", 300)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Hold every service to its word (core/writes.py): a write without its audit entry, or a check that
# writes, fails at once. On in the test suite; off in production, where it would cost every write.
CHECK_WRITES = env_bool("CHECK_WRITES", False)

# The demo's synthetic rolls at full size (1.0: 11,581 veterans in Qingxin, 14,100 people in Hunnan);
# tests load a small fraction.
DEMO_ROLL_SCALE = float(env_str("DEMO_ROLL_SCALE", "1"))
DEMO_COMMUNITY_SCALE = float(env_str("DEMO_COMMUNITY_SCALE", "1"))  # 在水一方's register, for tests

# Labels used by the navigation; kept here so the base template has one source.
SITE_TITLE = _("Qunfang")

AUTH_USER_MODEL = "core.User"
