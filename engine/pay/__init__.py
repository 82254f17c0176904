"""Pay: schedule cells and steps, credit and lanes, additions and roles, submission windows."""
