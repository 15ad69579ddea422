"""A fixed-window count per key in the cache: enough to keep one address from flooding a public form.
(django-axes guards the sign-in only; a full rate-limiting library would be more than this needs.)"""

from django.core.cache import cache


def allow(key: str, limit: int, window_seconds: int) -> bool:
    """Count one more use of `key`; False once it has been used `limit` times in the window."""
    cache_key = f"throttle:{key}"
    if cache.add(cache_key, 1, window_seconds):
        return True
    try:
        used = cache.incr(cache_key)
    except ValueError:  # expired between the two calls
        cache.set(cache_key, 1, window_seconds)
        return True
    return used <= limit
