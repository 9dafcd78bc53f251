from tests.suggestions.conftest import fast_passwords, make_doc  # noqa: F401  (shared fixtures)
