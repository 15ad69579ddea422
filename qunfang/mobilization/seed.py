"""Every activity the two reports count, so that a new installation can record them at once. Kept as
plain data: the migration that seeds a new database and the demo (after a test flushed the tables) both
use it."""

# code, Chinese, English, unit, category, counts people reached, daily limit for a village
TYPES = [
    ("sms_reminders", "短信提醒", "SMS reminders sent", "条", "publicity", False, 20000),
    ("broadcasts", "宣传广播", "Publicity broadcasts", "次", "publicity", False, 2000),
    ("door_to_door", "入户走访", "Door-to-door visits", "人次", "publicity", True, 2000),
    ("temperature_checks", "测量体温", "Temperature checks", "人次", "prevention", False, 5000),
    ("visitors_dissuaded", "劝返外来人员", "Visitors dissuaded", "人次", "prevention", False, 1000),
    ("gatherings_dispersed", "劝散聚集", "Gatherings dispersed", "次", "prevention", False, 500),
    ("sites_disinfected", "消毒场所", "Sites disinfected", "处", "prevention", False, 500),
    ("people_served", "服务群众", "People served", "人次", "service", False, 5000),
    (
        "deliveries",
        "为隔离户配送物资",
        "Deliveries to quarantined households",
        "户次",
        "service",
        False,
        1000,
    ),
    ("duty_shifts", "值班值守", "Duty and command shifts", "人次", "command", False, 500),
]


def ensure_activity_types(model) -> None:
    """Create or refresh the seeded types; `model` is ActivityType, or its historical form in a migration."""
    for position, (code, zh, en, unit, category, reached, limit) in enumerate(TYPES):
        model.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "unit": unit,
                "category": category,
                "counts_people_reached": reached,
                "daily_limit": limit,
                "position": position,
            },
        )
