"""Results: races and candidates, tally sheets entered twice, checked, aggregated and published."""
