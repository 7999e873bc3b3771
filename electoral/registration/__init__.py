"""Voter registration: the roll from first registration to the final lists."""
