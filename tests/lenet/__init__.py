"""Tests of course_utils.lenet (they mirror its modules)."""
