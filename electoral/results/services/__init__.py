"""The rules of results, as plain functions over a session (split by subject, imported here)."""

from electoral.results.services import opendata  # noqa: F401
from electoral.results.services.aggregate import (  # noqa: F401
    CHILD,
    LEVELS,
    AreaResult,
    Summary,
    all_levels,
    area_level,
    level_label,
    order_may_change,
    progress,
    results,
    station_rows,
    summary,
)
from electoral.results.services.certification import (  # noqa: F401
    Outstanding,
    certify,
    decertify,
    describe,
    excuse,
    outstanding,
)
from electoral.results.services.closure import certification, require_open  # noqa: F401
from electoral.results.services.entry import (  # noqa: F401
    OPEN_FOR_ENTRY,
    PENDING_AUDIT,
    clean_figures,
    clerk_ranking,
    current_entries,
    decide,
    differences,
    event_label,
    explain,
    field_labels,
    figure,
    find_sheet,
    next_entry_number,
    resolve,
    sheet_list_query,
    start_audit,
    state_label,
    submit_entry,
)
from electoral.results.services.imports import export_rows, import_entries  # noqa: F401
from electoral.results.services.races import (  # noqa: F401
    RACE_COLUMNS,
    RACE_OPTIONAL,
    all_races,
    ballots_received,
    candidate_photo_file,
    contested_at,
    find_candidate,
    find_race,
    import_races,
    race_choices,
    races_at,
    registered_voters,
    save_candidate_photo,
    stations_query,
)
from electoral.results.services.totals import rebuild as rebuild_totals  # noqa: F401
