"""Work done in a forked process while this one goes on, its results streamed back through a pipe."""

import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class ForkedWorkStopped(RuntimeError):
    """The forked process ended without finishing (killed, or out of memory)."""


@contextmanager
def streamed_from_fork(produce: Callable[[], Iterator]):
    """Run ``produce()`` in a forked copy of this process; yield an iterator over its items as they come.

    The copy needs nothing pickled to start: it has this process's memory as it was
    at the fork. ``produce`` must not use a database connection: the copy shares the
    parent's open connections, and only the parent may use them. Each item is
    pickled through a pipe, so items should be plain data. An exception raised in
    the copy is raised again here. Where fork is not available (Windows, macOS by
    default), ``produce()`` runs in this process instead.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        yield produce()
        return
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_send_all, args=(produce, sender), daemon=True)
    child.start()
    sender.close()
    try:
        yield _receive_all(receiver, child)
    finally:
        receiver.close()
        if child.is_alive():
            child.terminate()
        child.join()


def _send_all(produce: Callable[[], Iterator], sender) -> None:
    try:
        for item in produce():
            sender.send((True, item))
        sender.send((False, None))
    except BaseException as error:  # noqa: BLE001 (handed to the parent, which raises it)
        try:
            sender.send((False, error))
        except Exception:  # noqa: BLE001 (an exception that cannot be pickled)
            sender.send((False, RuntimeError(repr(error))))
    finally:
        sender.close()


def _receive_all(receiver, child) -> Iterator:
    while True:
        try:
            more, item = receiver.recv()
        except EOFError:
            child.join()
            raise ForkedWorkStopped(f"the worker process stopped (exit code {child.exitcode})") from None
        if more:
            yield item
        elif item is None:
            return
        else:
            raise item
