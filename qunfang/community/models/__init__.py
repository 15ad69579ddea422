"""A community's records: the register (buildings, households, residents), phone screening rounds,
gates and their passes, merchants, and residents' requests. One module a topic."""

from qunfang.community.models.checkpoints import Crossing, Direction, Gate, GuardShift, Pass, PassKey
from qunfang.community.models.merchants import (
    Merchant,
    MerchantKind,
    MerchantStaff,
    MerchantVisit,
    NoticeDelivery,
    StaffHealthCheck,
)
from qunfang.community.models.register import (
    Building,
    Household,
    RegisterImport,
    Resident,
    ResidentStatus,
    StatusChange,
)
from qunfang.community.models.requests import (
    RequestCategory,
    RequestChannel,
    RequestStatus,
    ResidentRequest,
    StandardAnswer,
)
from qunfang.community.models.screening import AT_RISK, ScreeningCall, ScreeningOutcome, ScreeningRound

__all__ = [
    "AT_RISK", "Building", "ScreeningOutcome", "Crossing", "Direction", "Gate", "GuardShift", "Household",
    "Merchant", "MerchantKind", "MerchantStaff", "MerchantVisit", "NoticeDelivery", "Pass", "PassKey",
    "RegisterImport", "RequestCategory", "RequestChannel", "RequestStatus", "Resident", "ResidentRequest",
    "ResidentStatus",
    "ScreeningCall", "ScreeningRound", "StaffHealthCheck", "StandardAnswer", "StatusChange",
]  # fmt: skip
