"""HR's side: what a request gives under the rules, the workflow, and retroactive pay."""
