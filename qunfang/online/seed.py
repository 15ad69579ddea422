"""The bureau's starting set of services online, the usual ones (written through services.define_service
by the demo, or by a bureau's admin from the command line): 社保接续 (town checks, district reviews),
优待证 (the town station checks; district, city and province review; the province makes the card, the
district centre signs for it and the station hands it out), 光荣牌, 帮扶援助 (an application here; the
hardship app takes it on) and 证明开具."""

from qunfang.core.models import OrgUnit, User
from qunfang.online import services
from qunfang.online.models import OnlineService

# No field asks for a phone: the answers are free text, outside the personal-data fields, and the
# applicant is reached at the mobile on the roll they signed in with.
ID_CARD = {"label": "身份证正面", "required": True}

STARTING = [
    {
        "name": "社保接续",
        "purpose": "退役军人养老、医疗保险关系转移接续",
        "fields": [
            {"label": "参保地", "kind": "text", "required": True},
            {
                "label": "险种",
                "kind": "choice",
                "options": ["养老保险", "医疗保险", "养老和医疗保险"],
                "required": True,
            },
            {"label": "退役时间", "kind": "date", "required": True},
            {"label": "服役年限", "kind": "number", "required": False},
        ],
        "documents": [
            ID_CARD,
            {"label": "退役证件", "required": True},
            {"label": "参保缴费凭证", "required": False},
        ],
        "path": [
            {"level": "town", "kind": "check", "days": 3},
            {"level": "district", "kind": "review", "days": 5},
        ],
    },
    {
        "name": "优待证",
        "purpose": "申领退役军人优待证",
        "fields": [{"label": "户籍地址", "kind": "text", "required": True}],
        "documents": [
            ID_CARD,
            {"label": "免冠证件照", "required": True},
            {"label": "退役证件", "required": True},
        ],
        "path": [
            {"level": "town", "kind": "check", "days": 5},
            {"level": "district", "kind": "review", "days": 10},
            {"level": "city", "kind": "review", "days": 10},
            {"level": "province", "kind": "review", "days": 15},
            {"level": "province", "kind": "make_card", "days": 30},
            {"level": "district", "kind": "sign_for", "days": 7},
            {"level": "village", "kind": "hand_out", "days": 7},
        ],
    },
    {
        "name": "光荣牌",
        "purpose": "申请悬挂光荣牌",
        "fields": [{"label": "悬挂地址", "kind": "text", "required": True}],
        "documents": [ID_CARD],
        "path": [
            {"level": "town", "kind": "check", "days": 5},
            {"level": "district", "kind": "review", "days": 10},
            {"level": "town", "kind": "hand_out", "days": 10},
        ],
    },
    {
        "name": "帮扶援助",
        "purpose": "困难退役军人申请帮扶援助（受理后转帮扶个案办理）",
        "fields": [
            {"label": "困难情况", "kind": "text", "required": True},
            {"label": "家庭人口", "kind": "number", "required": True},
        ],
        "documents": [{"label": "相关证明", "required": False}],
        "path": [
            {"level": "town", "kind": "check", "days": 5},
            {"level": "district", "kind": "review", "days": 10},
        ],
    },
    {
        "name": "证明开具",
        "purpose": "开具退役军人身份等证明",
        "fields": [{"label": "证明用途", "kind": "text", "required": True}],
        "documents": [ID_CARD],
        "path": [
            {"level": "town", "kind": "check", "days": 2},
            {"level": "district", "kind": "review", "days": 3},
        ],
    },
]


def starting_set(*, by: User | None, bureau: OrgUnit) -> list[OnlineService]:
    """The usual services defined at the bureau, those it lacks only (run twice, made once)."""
    have = set(OnlineService.objects.filter(place=bureau).values_list("name", flat=True))
    return [
        services.define_service(by=by, place=bureau, **definition)
        for definition in STARTING
        if definition["name"] not in have
    ]
