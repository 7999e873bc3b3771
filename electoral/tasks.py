"""The background-job queue with every domain's tasks loaded.

Run the worker with `huey_consumer electoral.tasks.huey`. Tasks live in each
domain's `tasks.py` (or are declared beside their service) and are imported here
so the consumer knows them.
"""

from electoral import domain_parts
from electoral.extensions import huey

__all__ = ["huey"]

# Importing each domain's tasks module registers its tasks with the queue.
domain_parts("tasks", "__name__")
