"""The logistics pages, one module per page group; ``bp`` is the blueprint they are routes of.

- materials: the logistics home page, the catalogue, the allocation of materials, stations from the roll.
- warehouses: warehouses and their stock, the chain of custody, retrieval.
- consignments: packing, sealing, dispatch, correction and receipt of consignments; discrepancies.
- staffing: officials deployed to districts and stations; a station's hand-over of materials.
"""

from electoral.logistics.blueprint import bp
from electoral.logistics.views import consignments, materials, staffing, warehouses

__all__ = ["bp", "consignments", "materials", "staffing", "warehouses"]
