"""Finance: rosters, scenarios and the budget projection with its per-teacher reference."""
