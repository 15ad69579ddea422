"""Care's capabilities (core/roles: an app's own), each with the roles besides the bureau admin that
hold it. Rules and rounds are the bureau's alone."""

VIEW_CARE = "view_care"  # a person's file, what is due, contacts done, the figures
RECORD_CARE = "record_care"  # record calls, visits, life events and categories
SET_CARE_RULES = "set_care_rules"  # cadence rules, categories of the bureau's own, festival rounds

CAPABILITIES = {
    VIEW_CARE: ("station_staff", "leader", "grid_worker"),
    RECORD_CARE: ("station_staff",),
    SET_CARE_RULES: (),
}
