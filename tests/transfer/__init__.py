"""Tests of course_utils.transfer (they mirror its modules)."""
