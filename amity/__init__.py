"""Amity: a workbench for people-to-people diplomacy."""

__version__ = "0.1.0"
