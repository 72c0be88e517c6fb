"""Tests of course_utils.backprop (they mirror its modules)."""
