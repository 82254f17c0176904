"""A teacher's pay now and over the years, and what moves them next."""
