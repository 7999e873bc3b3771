"""Keeping Python's memory machinery out of the way of work on a whole roll."""

import gc
from contextlib import contextmanager


@contextmanager
def paused_gc():
    """The cyclic garbage collector paused for the block.

    Reading a million-row file or roll makes millions of tuples, strings and small
    objects, none of them in a reference cycle. The collector's passes over that
    growing heap took a third of the time, and in a forked worker each pass also
    touched, and so copied, every page shared with its parent.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
