"""What several browser tests do to a page: wait for a state, make the first sending fail."""

import time


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Poll ``expression`` in the page until it is true: wait_for_function evaluates through
    eval(), which the pages' content security policy forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


def failing_first_post() -> tuple:
    """A route handler that aborts the first POST it sees (the network back, the connection not
    yet working) and lets everything else through, with the list of what it refused."""
    refused: list[str] = []

    def handler(route) -> None:
        if route.request.method == "POST" and not refused:
            refused.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    return handler, refused
