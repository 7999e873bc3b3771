"""Who is elected: seat allocation by the race's electoral system (methods.py: pure arithmetic with a record of
every step; members.py: which candidates of a list fill its seats; explain.py: the steps in words; service.py:
the race's accepted totals, lots drawn and runoffs)."""
