"""Tests of course_utils.text (they mirror its modules)."""
