"""Which process on which machine holds a piece of work, and whether it still lives: how work left by a
killed worker is told from work a live one is doing."""

import os
import socket

HOST = socket.gethostname()[:40]


def this_process() -> str:
    return f"{HOST}:{os.getpid()}"


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_gone(owner: str) -> bool:
    """True when `owner` ("host:pid…") is a process of this machine that no longer runs. Processes of
    other machines are never taken for gone: only their own machine can tell."""
    parts = owner.split(":")
    return len(parts) >= 2 and parts[0] == HOST and parts[1].isdigit() and not process_alive(int(parts[1]))
