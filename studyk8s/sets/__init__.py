"""Instructor quiz sets, pure: the set model, the YAML schema with line-numbered errors,
Moodle GIFT, spreadsheet-safe CSV and item analysis. No Flask, no SQLAlchemy."""
