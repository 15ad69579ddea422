"""The epidemic's daily report, as the Qingxin bureau ran it ("日报告""零报告"); used by the migration
that seeds a new database and by the demo after a test flushed the tables."""

EPIDEMIC = ("epidemic_daily", "疫情日报", "Epidemic daily report")
# code, Chinese, English, unit
FIELDS = [
    ("confirmed", "新增确诊病例", "New confirmed cases", "例"),
    ("suspected", "疑似病例", "Suspected cases", "例"),
    ("close_contacts", "密切接触者", "Close contacts", "人"),
    ("home_quarantined", "居家隔离", "Home-quarantined", "人"),
    ("fever_found", "排查发现发热病人", "Fever patients found", "人"),
    ("veterans_affected", "涉及退役军人或工作人员", "Veterans or staff affected", "人"),
]
RULES = [("close_contacts", ">=", "confirmed")]


def ensure_epidemic_data_set(data_set_model, field_model, rule_model) -> None:
    code, zh, en = EPIDEMIC
    data_set, _ = data_set_model.objects.update_or_create(
        code=code, defaults={"name_zh": zh, "name_en": en, "level": "village", "periodicity": "daily"}
    )
    fields = {}
    for position, (field_code, field_zh, field_en, unit) in enumerate(FIELDS):
        fields[field_code], _ = field_model.objects.update_or_create(
            data_set=data_set,
            code=field_code,
            defaults={"name_zh": field_zh, "name_en": field_en, "unit": unit, "position": position},
        )
    for left, operator, right in RULES:
        rule_model.objects.get_or_create(
            data_set=data_set, left=fields[left], operator=operator, right=fields[right]
        )
