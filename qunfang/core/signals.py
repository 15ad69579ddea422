"""What the kernel tells other apps, so that it never imports them."""

from django.dispatch import Signal

# Sent inside move_place's transaction, after the subtree's paths changed, with `place` (as it is now),
# `old_path` and `new_path`: apps that keep totals up the tree move them to the new ancestors.
place_moved = Signal()
