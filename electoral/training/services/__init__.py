"""The rules of recruitment, cascade training and certification (one import path for callers)."""

from electoral.training.services.common import (
    EDUCATION_LABELS,
    SEX_LABELS,
    STATUS_LABELS,
    parse_birth_date,
    within_scope,
)
from electoral.training.services.courses import (
    MAX_ATTEMPTS,
    add_trainer,
    certified_at_level,
    enrol,
    list_courses,
    may_lead,
    remove_trainer,
    save_course,
    save_session,
    sessions_query,
    withdraw,
)
from electoral.training.services.coverage import (
    CSV_COLUMNS,
    DistrictCoverage,
    TrainingTotals,
    coverage,
    coverage_csv,
    coverage_rows,
    training_totals,
)
from electoral.training.services.imports import (
    ATTENDANCE_COLUMNS,
    SCORE_COLUMNS,
    import_attendance,
    import_scores,
)
from electoral.training.services.officials import (
    DEFAULT_POSITIONS,
    IMPORT_COLUMNS,
    IMPORT_OPTIONAL,
    OfficialData,
    add_default_positions,
    find_official,
    import_officials,
    list_positions,
    officials_query,
    save_official,
    save_position,
    set_master_trainer,
    staffing_template,
)
from electoral.training.services.results import (
    Outcome,
    attendance_for_day,
    certificates_of,
    certified_officials,
    certify_session,
    confirm_results,
    find_certificate,
    history,
    mark_attendance,
    outcomes,
    passes,
    required_days,
    revoke,
    save_scores,
)

__all__ = [
    "add_default_positions", "add_trainer", "ATTENDANCE_COLUMNS", "attendance_for_day", "certificates_of",
    "certified_at_level", "certified_officials", "certify_session", "confirm_results", "coverage", "coverage_csv", "coverage_rows", "parse_birth_date", "CSV_COLUMNS",
    "DEFAULT_POSITIONS", "DistrictCoverage", "EDUCATION_LABELS", "enrol", "find_certificate", "find_official", "history",
    "import_attendance", "IMPORT_COLUMNS", "import_officials", "IMPORT_OPTIONAL", "import_scores",
    "list_courses", "list_positions", "mark_attendance", "MAX_ATTEMPTS", "may_lead", "OfficialData",
    "officials_query", "Outcome", "outcomes", "passes", "remove_trainer", "required_days", "revoke",
    "save_course", "save_official", "save_position", "save_scores", "save_session", "SCORE_COLUMNS",
    "sessions_query", "set_master_trainer", "SEX_LABELS", "staffing_template", "STATUS_LABELS", "training_totals", "TrainingTotals", "withdraw",
    "within_scope",
]
