"""What other apps call to tell a veteran by SMS what became of what they asked for (portal/services)."""

from qunfang.portal.services import tell

__all__ = ["tell"]
