"""Background refinement: the accurate (slow) sentiment scorer replaces provisional scores in the index."""

from workers.refine.factory import open_refine_queue, open_refiner, refines
from workers.refine.queue import LEASE_SECONDS, RefineQueue, SQLiteRefineQueue, refine_queue_path
from workers.refine.refiner import Refiner, RefineStats, is_outdated, needs_scoring, queue_outdated

__all__ = ["LEASE_SECONDS", "RefineQueue", "RefineStats", "Refiner", "SQLiteRefineQueue", "is_outdated",
           "needs_scoring", "open_refine_queue", "open_refiner", "queue_outdated", "refine_queue_path", "refines"]
