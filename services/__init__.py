"""Database access as plain functions that take the session explicitly."""
