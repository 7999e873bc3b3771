"""How a ``-n`` run is spread over its workers, and what the controller prepares before they start."""

import re
import subprocess
import sys
from pathlib import Path

_MODULE_FIXTURE = re.compile(r"""scope=["'](module|package|class)["']""")


_DEMO_ROWS = re.compile(r"\bdemo_rows\b")


def modules_of_the_demo(root: Path) -> set[str]:
    """Test modules (as in node ids) that use the demo election a worker loads once (conftest's ``demo_rows``)."""
    return {module.relative_to(root).as_posix() for module in root.glob("tests/**/test_*.py")
            if _DEMO_ROWS.search(module.read_text(encoding="utf-8"))}


def modules_sharing_a_fixture(root: Path) -> set[str]:
    """Test modules (as in node ids) that define, or whose folder's conftest defines, a module-scoped fixture."""
    shared = set()
    for module in root.glob("tests/**/test_*.py"):
        sources = [module, *(folder / "conftest.py" for folder in module.parents
                             if folder != root and root in folder.parents)]
        if any(path.exists() and _MODULE_FIXTURE.search(path.read_text(encoding="utf-8")) for path in sources):
            shared.add(module.relative_to(root).as_posix())
    return shared


def make_scheduler(config, log):
    """With ``-n``: a module sharing a module-scoped fixture runs whole on one worker; other tests one by one.

    Those fixtures build something once per module and worker (the demo election, a backup of
    it, a World of every record, the catalogue's messages): seconds each, tens on a loaded
    machine. xdist's default deals the first quarter of the run out test by test, so both
    workers built them. (Its --dist loadgroup would do this with marks, but it renames node
    ids in a way pytest 9 no longer reads.) The modules go first, largest first; the tests
    of every other module are dealt out one at a time, which keeps the two workers even.
    The modules using the demo election (loaded once per worker) go to one worker together,
    which then loads it once in the run, not once on each worker.
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    root = Path(str(config.rootpath))
    shared, demo = modules_sharing_a_fixture(root), modules_of_the_demo(root)

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            if module in demo:
                return "the demo election"
            return module if module in shared else nodeid

    return SharedFixtureScheduling(config, log)


def start_making_the_fonts(config) -> None:
    """The PDF fonts' static instances made once, in the background, while the workers start.

    A clean checkout has none (instance/ is not in git): making them costs ~3.5 s of CPU (it was
    ~20 s while the layout tables were instanced too), which the first PDF test of each worker
    otherwise paid at the same time (they take turns: reports/fonts.py locks). Started by the controller of a ``-n`` run,
    before the workers exist; a worker needing a font meanwhile waits for it.
    """
    from electoral.reports.fonts import _SOURCES, font_dir

    if hasattr(config, "workerinput") or not config.getoption("numprocesses", None):
        return
    if all((font_dir() / f"{name}.ttf").exists() for name in _SOURCES):
        return
    config._electoral_fonts = subprocess.Popen(
        [sys.executable, "-c", "from electoral.reports import fonts; fonts.register()"])


def spread_the_browser_tests(config, items: list) -> None:
    """In a worker of a ``-n`` run, browser tests placed evenly among the others, in place.

    A browser test mostly waits (for Chromium, for the page, for the phone's outbox); the
    others mostly compute. Run side by side, one worker's waiting is the other's CPU: in
    collection order both workers ran the browser folder at the same time, with the two
    cores half idle (68 s for 65 s of CPU on this machine's two cores); spread, the SQLite
    run went from 168 to 156 s. Only with ``-n``, whose scheduler keeps a module with a
    module-scoped fixture whole (``make_scheduler``): run in one process, browser tests put
    between such a module's tests would have its fixture built again after each.
    """
    if not hasattr(config, "workerinput"):
        return
    browser = [item for item in items if item.nodeid.startswith("tests/browser/")]
    if not browser or len(browser) == len(items):
        return
    chosen = set(browser)
    others = [item for item in items if item not in chosen]
    step = len(others) / (len(browser) + 1)
    spread, taken = [], 0
    for index, item in enumerate(others):
        while taken < len(browser) and index >= step * (taken + 1):
            spread.append(browser[taken])
            taken += 1
        spread.append(item)
    spread.extend(browser[taken:])
    items[:] = spread
