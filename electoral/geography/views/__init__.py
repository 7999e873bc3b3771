"""The geography pages, one module per page group; ``bp`` is the blueprint they are routes of.

- areas: browse and search regions, districts, centres and stations; create and edit them.
- upload: import the whole tree from a CSV or XLSX file.
"""

from electoral.geography.blueprint import bp
from electoral.geography.views import areas, upload

__all__ = ["areas", "bp", "upload"]
