"""Tests of course_utils.manifold (they mirror its modules)."""
