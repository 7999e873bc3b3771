"""Election observation: observers, accreditation, checklists, submissions, dashboard, quick count."""
